#include "api_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESPONSE (4 * 1024 * 1024)

struct fetch {
    api_fetch_cb cb;
    void *arg;
    char method[8];
    char *auth, *body;
    char *resp;
    size_t resp_len;
    int done;
    struct lws *wsi;
    uv_timer_t timer;      /* the deadline; also defers an early failure to the loop */
    char err[160];
    int status;
};

static void fetch_closed(uv_handle_t *h)
{
    struct fetch *f = h->data;
    free(f->auth);
    free(f->body);
    free(f->resp);
    free(f);
}

/* Reports once; the struct goes when its timer has closed. */
static void finish(struct fetch *f, int status, const char *err)
{
    if (f->done)
        return;
    f->done = 1;
    f->cb(status, f->resp ? f->resp : "", err, f->arg);
    if (f->wsi) {
        lws_set_opaque_user_data(f->wsi, NULL);
        if (err)   /* timed out or failed mid-way: drop the connection */
            lws_set_timeout(f->wsi, PENDING_TIMEOUT_USER_REASON_BASE, LWS_TO_KILL_ASYNC);
    }
    uv_close((uv_handle_t *)&f->timer, fetch_closed);
}

static void deadline(uv_timer_t *t)
{
    struct fetch *f = t->data;
    if (f->err[0])      /* a failure before the request started */
        finish(f, 0, f->err);
    else
        finish(f, 0, "timed out");
}

static int append(struct fetch *f, const void *in, size_t len)
{
    if (f->resp_len + len > MAX_RESPONSE)
        return -1;
    char *p = realloc(f->resp, f->resp_len + len + 1);
    if (!p)
        return -1;
    memcpy(p + f->resp_len, in, len);
    f->resp = p;
    f->resp_len += len;
    p[f->resp_len] = '\0';
    return 0;
}

static int fetch_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    struct fetch *f = lws_get_opaque_user_data(wsi);
    (void)user;

    switch ((int)reason) {   /* lws has ~100 reasons: only these matter here */
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = in, *end = *p + len;
        char cl[24];
        if (!f)
            return -1;
        if (f->auth && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                                    (unsigned char *)f->auth,
                                                    (int)strlen(f->auth), p, end))
            return -1;
        if (f->body) {
            snprintf(cl, sizeof cl, "%zu", strlen(f->body));
            if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                             (unsigned char *)"application/json", 16, p, end) ||
                lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH,
                                             (unsigned char *)cl, (int)strlen(cl), p, end))
                return -1;
            lws_client_http_body_pending(wsi, 1);
            lws_callback_on_writable(wsi);
        }
        return 0;
    }
    case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE: {
        if (!f || !f->body)
            return 0;
        size_t n = strlen(f->body);
        unsigned char *buf = malloc(LWS_PRE + n);
        if (!buf)
            return -1;
        memcpy(buf + LWS_PRE, f->body, n);
        int w = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
        free(buf);
        lws_client_http_body_pending(wsi, 0);
        return w == (int)n ? 0 : -1;
    }
    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        if (f)
            f->status = (int)lws_http_client_http_response(wsi);
        return 0;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        if (f && append(f, in, len) != 0) {
            finish(f, 0, "response too large");
            return -1;
        }
        return 0;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
        char buf[LWS_PRE + 4096], *px = buf + LWS_PRE;
        int n = sizeof(buf) - LWS_PRE;
        return lws_http_client_read(wsi, &px, &n) < 0 ? -1 : 0;
    }
    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        if (f)
            finish(f, f->status ? f->status : (int)lws_http_client_http_response(wsi), NULL);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (f) {
            snprintf(f->err, sizeof f->err, "%s", in ? (const char *)in : "connection failed");
            finish(f, 0, f->err);
        }
        return 0;
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
    case LWS_CALLBACK_WSI_DESTROY:
        if (f) {
            f->wsi = NULL;
            finish(f, 0, "connection closed before the response ended");
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

const struct lws_protocols api_fetch_protocol = {
    .name = "cf-fetch", .callback = fetch_cb, .per_session_data_size = 0,
    .rx_buffer_size = 4096,
};

void api_fetch(const struct api_fetch_env *env, const char *method, const char *url, const char *auth,
               const char *body, int timeout_s, api_fetch_cb cb, void *arg)
{
    struct fetch *f = calloc(1, sizeof *f);
    struct lws_client_connect_info ci;
    char copy[1024], path[1024];
    const char *prot, *host, *p;
    int port;

    if (!f) {
        cb(0, "", "out of memory", arg);   /* documented: never inside; out of memory only */
        return;
    }
    f->cb = cb;
    f->arg = arg;
    snprintf(f->method, sizeof f->method, "%s", method);
    f->auth = auth ? strdup(auth) : NULL;
    f->body = body ? strdup(body) : NULL;
    uv_timer_init(env->loop, &f->timer);
    f->timer.data = f;
    uv_timer_start(&f->timer, deadline, (uint64_t)timeout_s * 1000, 0);

    snprintf(copy, sizeof copy, "%s", url);
    if (strlen(url) >= sizeof copy || lws_parse_uri(copy, &prot, &host, &port, &p) ||
        (strcmp(prot, "http") != 0 && strcmp(prot, "https") != 0) || !*host) {
        snprintf(f->err, sizeof f->err, "bad URL '%.100s': want http(s)://host[:port]/path", url);
        uv_timer_start(&f->timer, deadline, 0, 0);
        return;
    }
    snprintf(path, sizeof path, "/%s", p);
    memset(&ci, 0, sizeof ci);
    ci.context = env->ctx;
    ci.vhost = env->vh;
    ci.address = host;
    ci.port = port;
    ci.path = path;
    ci.host = host;
    ci.origin = host;
    ci.method = f->method;
    ci.alpn = "http/1.1";
    ci.ssl_connection = strcmp(prot, "https") == 0 ? LCCSCF_USE_SSL : 0;
    ci.local_protocol_name = api_fetch_protocol.name;
    ci.opaque_user_data = f;
    /* no pwsi: lws would write to it after f may be gone */
    f->wsi = lws_client_connect_via_info(&ci);
    if (!f->wsi && !f->done) {
        snprintf(f->err, sizeof f->err, "cannot connect to %s:%d", host, port);
        uv_timer_start(&f->timer, deadline, 0, 0);
    }
}

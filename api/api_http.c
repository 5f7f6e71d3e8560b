#include "api_http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fetch.h"
#include "cf_log.h"

#define WRITE_CHUNK 16384

struct api_server {
    struct lws_vhost *vh;
    size_t max_body;
    api_dispatch_fn dispatch;
    void *arg;
    struct lws_protocols protocols[3];
};

struct api_req {
    struct lws *wsi;             /* NULL once the connection closed */
    struct api_server *srv;
    enum api_method method;
    char path[1024];
    char query[1024];
    char auth[512];
    json_t *args;                /* query arguments: name -> [decoded values] */
    json_t *headers;             /* extra response headers: name -> value */
    const char *content_type;    /* static string */
    char *body;
    size_t body_len, content_length;
    int dispatched, responded, headers_sent, close_after;
    int body_completed;         /* BODY_COMPLETION came (again: see http_cb) */
    int status;
    unsigned char *out;          /* LWS_PRE headroom, then the response body */
    size_t out_len, out_off;
    int streaming, stream_ended; /* a streamed answer (no length, closes at the end) */
    size_t out_cap;
    void (*on_close)(void *arg); /* streams: the client went away */
    void *close_arg;
};

struct pss {
    struct api_req *req;
};

static void req_free(struct api_req *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->out);
    json_decref(r->args);
    json_decref(r->headers);
    free(r);
}

/* Each query argument arrives urldecoded in its own fragment ("name=value"). */
/* s (n bytes as lws counted them) is UTF-8 text without a NUL byte: jansson's check. */
static int is_text(const char *s, size_t n)
{
    json_t *j = strlen(s) == n ? json_string(s) : NULL;
    json_decref(j);
    return j != NULL;
}

/* The query arguments (lws has percent-decoded them) into r->args: 0, or -1 when one
 * holds a NUL byte or is not UTF-8 text (it could not be read as the client meant). */
static int read_args(struct api_req *r, struct lws *wsi)
{
    char frag[1024];
    int n, bad = 0;

    r->args = json_object();
    for (int i = 0; (n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS,
                                               i)) >= 0; i++) {
        if (!is_text(frag, (size_t)n)) {
            bad = 1;
            continue;
        }
        char *eq = strchr(frag, '=');
        const char *value = eq ? eq + 1 : "";
        if (eq)
            *eq = '\0';
        json_t *list = json_object_get(r->args, frag);
        if (!list) {
            list = json_array();
            json_object_set_new(r->args, frag, list);
        }
        json_array_append_new(list, json_string(value));
    }
    return bad ? -1 : 0;
}

/* libwebsockets closes a connection that holds its header table longer than the
 * vhost's ah idle timeout (10 s) — the whole time a handler works and the answer is
 * written. A job status of 100,000 chargers under load took longer: the client got an
 * empty reply or a body cut after its headers. A request in progress is given
 * REQ_STALL_S instead, counted again at every chunk written: only a stalled one ends. */
#define REQ_STALL_S 120

static void stall_timeout(struct lws *wsi)
{
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_REASON_BASE, REQ_STALL_S);
}

static void dispatch(struct api_req *r)
{
    if (r->dispatched)
        return;
    r->dispatched = 1;
    if (r->wsi)
        stall_timeout(r->wsi);
    r->srv->dispatch(r, r->srv->arg);
}

static enum api_method method_of(struct lws *wsi)
{
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
        return API_GET;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
        return API_POST;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI))
        return API_PUT;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI))
        return API_DELETE;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PATCH_URI))
        return API_PATCH;
    return API_OTHER;
}

/* A new request on the connection: headers are in, the body (if any) follows. */
static int on_request(struct api_server *s, struct pss *pss, struct lws *wsi, const char *uri,
                      size_t uri_len)
{
    struct api_req *r = calloc(1, sizeof(*r));
    char cl[32];

    if (!r)
        return -1;
    if (pss->req) {
        /* A pipelined request whose handler has not answered yet: orphan it (freed
         * when the answer comes), as if its connection had closed. */
        if (pss->req->dispatched && !pss->req->responded)
            pss->req->wsi = NULL;
        else
            req_free(pss->req);
    }
    pss->req = r;
    r->wsi = wsi;
    r->srv = s;
    r->method = method_of(wsi);
    snprintf(r->path, sizeof(r->path), "%s", uri ? uri : "/");
    if (lws_hdr_copy(wsi, r->query, sizeof(r->query), WSI_TOKEN_HTTP_URI_ARGS) < 0)
        r->query[0] = '\0';
    if (lws_hdr_copy(wsi, r->auth, sizeof(r->auth), WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
        r->auth[0] = '\0';
    int bad_args = read_args(r, wsi);
    r->content_type = "application/json";
    /* a decoded %00 would cut the path short (/ocpp/chargers/%00/logs is not the list
     * of chargers), and a path or argument that is not UTF-8 names nothing we have */
    if ((uri && !is_text(uri, uri_len)) || bad_args) {
        r->dispatched = 1;
        r->close_after = 1;
        api_req_error(r, 400, "the %s holds a NUL byte (%%00) or is not UTF-8 text",
                      bad_args ? "query string" : "path");
        return 0;
    }

    if (r->method != API_POST && r->method != API_PUT && r->method != API_PATCH) {
        dispatch(r);
        return 0;
    }
    /* lws does not decode chunked request bodies (the request would hang). */
    if (lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
        r->dispatched = 1;
        r->close_after = 1;
        api_req_error(r, 411, "a request body needs a Content-Length header "
                              "(chunked transfer encoding is not supported)");
        return 0;
    }
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    if (*end || n > s->max_body) {
        r->dispatched = 1;
        r->close_after = 1;
        api_req_error(r, 413, "request body exceeds %zu bytes (serve --max-body raises it)",
                      s->max_body);
        return 0;
    }
    r->content_length = (size_t)n;
    r->body = malloc(r->content_length + 1);
    if (!r->body)
        return -1;
    r->body[0] = '\0';
    if (n == 0)
        dispatch(r);
    return 0;
}

static void on_body(struct api_req *r, const void *in, size_t len)
{
    if (!r || !r->body || r->dispatched)
        return;
    if (len > r->content_length - r->body_len)
        len = r->content_length - r->body_len;
    memcpy(r->body + r->body_len, in, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
}

/* Writes headers, then the body in chunks, one lws_write per WRITEABLE. Returns
 * what the lws callback should return. */
static int on_writeable(struct pss *pss, struct lws *wsi)
{
    struct api_req *r = pss->req;

    if (!r || !r->responded)
        return 0;
    if (!r->headers_sent) {
        unsigned char hdr[LWS_PRE + 1024];
        unsigned char *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;

        if (lws_add_http_common_headers(wsi, (unsigned int)r->status, r->content_type,
                                        r->streaming ? LWS_ILLEGAL_HTTP_CONTENT_LEN
                                                     : r->out_len, &p, end))
            return -1;
        const char *name;
        json_t *value;
        json_object_foreach(r->headers, name, value) {
            char h[128];
            snprintf(h, sizeof(h), "%s:", name);
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)h,
                                            (const unsigned char *)json_string_value(value),
                                            (int)json_string_length(value), &p, end))
                return -1;
        }
        if (r->close_after &&
            lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                         (const unsigned char *)"close", 5, &p, end))
            return -1;
        if (lws_finalize_write_http_header(wsi, start, &p, end))
            return -1;
        r->headers_sent = 1;
        if (r->out_len || r->streaming) {
            if (!r->streaming)
                stall_timeout(wsi);
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else if (r->streaming) {
        size_t n = r->out_len - r->out_off;
        if (n == 0)
            return r->stream_ended ? -1 : 0;   /* ended: close (the request goes there) */
        if (n > WRITE_CHUNK)
            n = WRITE_CHUNK;
        if (lws_write(wsi, r->out + LWS_PRE + r->out_off, n, LWS_WRITE_HTTP) != (int)n)
            return -1;
        r->out_off += n;
        lws_callback_on_writable(wsi);
        return 0;
    } else {
        size_t n = r->out_len - r->out_off;
        int last = n <= WRITE_CHUNK;

        if (!last)
            n = WRITE_CHUNK;
        /* The bytes before out_off were sent already: they serve as LWS_PRE headroom. */
        int w = lws_write(wsi, r->out + LWS_PRE + r->out_off, n,
                          last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
        if (w != (int)n) {
            CF_LOG_WARN("http", "%s: write of %zu bytes at %zu of %zu returned %d: closing",
                        r->path, n, r->out_off, r->out_len, w);
            return -1;
        }
        r->out_off += n;
        if (!last) {
            stall_timeout(wsi);
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    int close_after = r->close_after;
    req_free(r);
    pss->req = NULL;
    if (close_after)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    struct pss *pss = user;
    struct api_server *s = lws_vhost_user(lws_get_vhost(wsi));

    switch ((int)reason) {   /* lws has ~100 reasons: only these matter here */
    case LWS_CALLBACK_HTTP:
        return on_request(s, pss, wsi, in, len);
    case LWS_CALLBACK_HTTP_BODY:
        on_body(pss->req, in, len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!pss->req)
            return 0;
        if (!pss->req->body_completed) {   /* answered early (411, 413) or not yet */
            pss->req->body_completed = 1;
            dispatch(pss->req);
            return 0;
        }
        /* A second completion of a request already complete: lws 4.1.6 does this when
         * the bytes of a pipelined request wait behind it in its buffer (a GET, then a
         * POST, in one TCP segment): it feeds them back in while the connection is
         * still in the first request's body state, calls this again and again and
         * never returns to the loop, which hung serve and every charger with it. The
         * connection is closed instead: the request already taken is answered if its
         * answer went out, the pipelined one was never read (the client sends it
         * again, as RFC 9112 9.3.2 expects of pipelining clients). */
        CF_LOG_WARN("http", "%s: a pipelined request behind it: closing the connection",
                    pss->req->path);
        return -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return on_writeable(pss, wsi);
    case LWS_CALLBACK_CLOSED_HTTP:
        if (pss && pss->req) {
            struct api_req *r = pss->req;
            pss->req = NULL;
            r->wsi = NULL;
            if (r->streaming && r->on_close)
                r->on_close(r->close_arg);   /* the streamer lets go of r */
            /* A handler still owes an answer: the request is freed when it comes. */
            if (!(r->dispatched && !r->responded))
                req_free(r);
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

struct api_server *api_server_new(struct lws_context *ctx, const char *iface, int port,
                                  size_t max_body, api_dispatch_fn dispatch_fn, void *arg)
{
    struct api_server *s = calloc(1, sizeof(*s));
    struct lws_context_creation_info info;

    if (!s)
        return NULL;
    s->max_body = max_body;
    s->dispatch = dispatch_fn;
    s->arg = arg;
    s->protocols[0].name = "http";
    s->protocols[0].callback = http_cb;
    s->protocols[0].per_session_data_size = sizeof(struct pss);
    s->protocols[0].rx_buffer_size = 16384;
    s->protocols[1] = api_fetch_protocol;   /* outgoing requests use this vhost too */

    memset(&info, 0, sizeof(info));
    info.vhost_name = "api";
    info.port = port;
    info.iface = iface;
    info.protocols = s->protocols;
    info.user = s;
    info.keepalive_timeout = 30;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;   /* a client SSL_CTX for https */
    s->vh = lws_create_vhost(ctx, &info);
    if (!s->vh) {
        CF_LOG_ERROR("api", "cannot listen on %s:%d (in use?)", iface ? iface : "*", port);
        free(s);
        return NULL;
    }
    return s;
}

struct lws_vhost *api_server_vhost(struct api_server *s)
{
    return s->vh;
}

void api_server_free(struct api_server *s)
{
    free(s);
}

enum api_method api_req_method(const struct api_req *r) { return r->method; }
const char *api_req_path(const struct api_req *r) { return r->path; }
const char *api_req_query(const struct api_req *r) { return r->query; }
const char *api_req_authorization(const struct api_req *r) { return r->auth; }

const char *api_req_arg(const struct api_req *r, const char *name)
{
    return json_string_value(json_array_get(json_object_get(r->args, name), 0));
}

json_t *api_req_args(const struct api_req *r, const char *name)
{
    return json_object_get(r->args, name);
}

void api_req_set_header(struct api_req *r, const char *name, const char *value)
{
    if (!r->headers)
        r->headers = json_object();
    json_object_set_new(r->headers, name, json_string(value));
}


const char *api_req_body(const struct api_req *r, size_t *len)
{
    if (len)
        *len = r->body ? r->body_len : 0;
    return r->body ? r->body : "";
}

/* Takes ownership of text (malloc'd, n bytes). */
static void respond(struct api_req *r, int status, char *text, size_t n)
{
    if (r->responded) {
        free(text);
        return;
    }
    r->responded = 1;
    if (!r->wsi) {                 /* the client is gone */
        free(text);
        req_free(r);
        return;
    }
    r->status = status;
    r->out = malloc(LWS_PRE + n + 1);
    if (r->out) {
        memcpy(r->out + LWS_PRE, text, n);
        r->out_len = n;
    }
    free(text);
    lws_callback_on_writable(r->wsi);
}

int api_req_stream_start(struct api_req *r, const char *content_type,
                         void (*on_close)(void *arg), void *arg)
{
    if (r->responded)
        return -1;
    if (!r->wsi) {                 /* the client is gone already */
        r->responded = 1;
        req_free(r);
        return -1;
    }
    r->responded = r->streaming = 1;
    r->status = 200;
    r->content_type = content_type;
    r->close_after = 1;
    r->on_close = on_close;
    r->close_arg = arg;
    r->out_cap = 4096;
    r->out = malloc(LWS_PRE + r->out_cap);
    lws_set_timeout(r->wsi, NO_PENDING_TIMEOUT, 0);
    lws_callback_on_writable(r->wsi);
    return 0;
}

void api_req_stream_write(struct api_req *r, const char *text, size_t len)
{
    if (!r->streaming || r->stream_ended || !r->out)
        return;
    if (r->out_off > 0) {          /* drop what was sent */
        memmove(r->out + LWS_PRE, r->out + LWS_PRE + r->out_off, r->out_len - r->out_off);
        r->out_len -= r->out_off;
        r->out_off = 0;
    }
    if (r->out_len + len > r->out_cap) {
        size_t cap = r->out_cap;
        while (cap < r->out_len + len)
            cap *= 2;
        unsigned char *grown = realloc(r->out, LWS_PRE + cap);
        if (!grown)
            return;
        r->out = grown;
        r->out_cap = cap;
    }
    memcpy(r->out + LWS_PRE + r->out_len, text, len);
    r->out_len += len;
    if (r->wsi && r->headers_sent)
        lws_callback_on_writable(r->wsi);
}

void api_req_stream_end(struct api_req *r)
{
    r->stream_ended = 1;
    r->on_close = NULL;
    if (r->wsi)
        lws_callback_on_writable(r->wsi);
}

void api_req_respond_body(struct api_req *r, int status, const char *content_type,
                          const char *text)
{
    char *copy = strdup(text);
    r->content_type = content_type;
    respond(r, copy ? status : 500, copy, copy ? strlen(copy) : 0);
}

void api_req_respond_json(struct api_req *r, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

    json_decref(body);
    if (!text) {
        text = strdup("{\"detail\":\"out of memory\"}");
        status = 500;
    }
    respond(r, status, text, text ? strlen(text) : 0);
}

void api_req_respond_text(struct api_req *r, int status, const char *json_text)
{
    char *text = strdup(json_text);
    respond(r, text ? status : 500, text, text ? strlen(text) : 0);
}

void api_req_error(struct api_req *r, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    api_req_respond_json(r, status, json_pack("{s:s}", "detail", msg));
}

#include "sim_ws.h"

#include <errno.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cf_log.h"

#define RX_KEEP_MAX 4096               /* a bigger reassembly buffer is not kept */

struct sim__ws_out {
    struct sim__ws_out *next;
    size_t len;
    unsigned char buf[];               /* LWS_PRE bytes of headroom, then the text */
};

void sim__ws_init(struct sim__ws *ws, const struct sim__ws_events *ev, void *owner)
{
    memset(ws, 0, sizeof *ws);
    ws->ev = ev;
    ws->owner = owner;
}

int sim__ws_send(struct sim__ws *ws, char *text)
{
    size_t len = strlen(text);
    struct sim__ws_out *o = malloc(sizeof *o + LWS_PRE + len);
    o->next = NULL;
    o->len = len;
    memcpy(o->buf + LWS_PRE, text, len);
    free(text);
    if (ws->wsi && !ws->tx_head && !ws->want_close && !lws_partial_buffered(ws->wsi) &&
        ws->open) {
        int w = lws_write(ws->wsi, o->buf + LWS_PRE, len, LWS_WRITE_TEXT);
        free(o);
        if (w < (int)len) {          /* the socket failed: close, as WRITEABLE would */
            lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
            return -1;
        }
        return 0;
    }
    if (ws->tx_tail)
        ws->tx_tail->next = o;
    else
        ws->tx_head = o;
    ws->tx_tail = o;
    if (ws->wsi)
        lws_callback_on_writable(ws->wsi);
    return 0;
}

void sim__ws_close(struct sim__ws *ws)
{
    ws->want_close = 1;
    if (ws->wsi)
        lws_callback_on_writable(ws->wsi);
}

void sim__ws_reset(struct sim__ws *ws)
{
    while (ws->tx_head) {
        struct sim__ws_out *o = ws->tx_head;
        ws->tx_head = o->next;
        free(o);
    }
    ws->tx_tail = NULL;
    free(ws->rx);
    ws->rx = NULL;
    ws->rx_len = ws->rx_cap = 0;
}

int sim__ws_queued(const struct sim__ws *ws)
{
    int n = 0;
    for (const struct sim__ws_out *o = ws->tx_head; o; o = o->next)
        n++;
    return n;
}

int sim__ws_dial(struct sim__ws *ws, const struct sim__ws_dial *d)
{
    struct lws_client_connect_info ci;
    char host_hdr[300];

    if ((d->tls && d->port == 443) || (!d->tls && d->port == 80))
        snprintf(host_hdr, sizeof host_hdr, "%s", d->host);
    else
        snprintf(host_hdr, sizeof host_hdr, "%s:%d", d->host, d->port);
    memset(&ci, 0, sizeof ci);
    ci.context = d->ctx;
    ci.vhost = d->vh;
    ci.address = d->host;
    ci.port = d->port;
    ci.path = d->path;
    ci.host = host_hdr;
    ci.origin = host_hdr;
    ci.protocol = d->subprotocol;
    ci.local_protocol_name = "ocpp-client";
    ci.ssl_connection = d->tls ? LCCSCF_USE_SSL : 0;
    ci.opaque_user_data = ws;
    ci.pwsi = &ws->wsi;
    ci.retry_and_idle_policy = d->policy;
    ci.iface = d->iface;
    ws->alive = 1;
    if (!lws_client_connect_via_info(&ci)) {
        ws->wsi = NULL;
        ws->alive = 0;
        return -1;
    }
    return 0;
}

/* Turns the text libwebsockets gives for a failed connect into a precise reason. */
void sim__ws_connect_error(struct lws *wsi, const char *in, const char *identity, char *out,
                           size_t n)
{
    unsigned int status = wsi ? lws_http_client_http_response(wsi) : 0;
    int fd = wsi ? (int)lws_get_socket_fd(wsi) : -1, soerr = 0;
    socklen_t slen = sizeof(soerr);

    /* lws 4.1 says only "closed before established" for a failed TCP connect: the
     * socket's pending error says what happened. */
    if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == 0 && soerr)
        CF_CLOG_DEBUG(identity, "connect: socket error %d", soerr);
    if (soerr == ECONNREFUSED)
        snprintf(out, n, "connect: connection refused");
    else if (soerr == ETIMEDOUT)
        snprintf(out, n, "connect: timed out");
    else if (soerr == EHOSTUNREACH || soerr == ENETUNREACH)
        snprintf(out, n, "connect: %s", strerror(soerr));
    else if (status && status != 101)
        snprintf(out, n, "websocket handshake: HTTP %u", status);
    else if (in && strstr(in, "refused"))
        snprintf(out, n, "connect: connection refused");
    else if (in && (strstr(in, "timed out") || strstr(in, "timeout")))
        snprintf(out, n, "connect: timed out");
    else if (in && (strstr(in, "resolve") || strstr(in, "DNS") || strstr(in, "getaddrinfo")))
        snprintf(out, n, "connect: cannot resolve host");
    else
        snprintf(out, n, "connect: %s", in && *in ? in : "failed");
}

int sim__ws_basic_auth(struct lws *wsi, unsigned char **p, unsigned char *end,
                       const char *user, const char *password)
{
    char cred[256], b64[400], hdr[420];
    int n = snprintf(cred, sizeof cred, "%s:%s", user, password);

    if (n < 0 || n >= (int)sizeof cred || lws_b64_encode_string(cred, n, b64, sizeof b64) < 0)
        return -1;
    snprintf(hdr, sizeof hdr, "Basic %s", b64);
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)hdr,
                                     (int)strlen(hdr), p, end))
        return -1;
    return 0;
}

static void receive(struct sim__ws *ws, struct lws *wsi, const void *in, size_t len)
{
    if (ws->rx_len + len + 1 > ws->rx_cap) {
        size_t cap = ws->rx_cap ? ws->rx_cap : 1024;
        while (cap < ws->rx_len + len + 1)
            cap *= 2;
        ws->rx = realloc(ws->rx, cap);
        ws->rx_cap = cap;
    }
    memcpy(ws->rx + ws->rx_len, in, len);
    ws->rx_len += len;
    if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
        ws->rx[ws->rx_len] = '\0';
        size_t n = ws->rx_len;
        ws->rx_len = 0;
        ws->ev->message(ws->owner, ws->rx, n);
        if (ws->rx_cap > RX_KEEP_MAX) {
            free(ws->rx);
            ws->rx = NULL;
            ws->rx_cap = 0;
        }
    }
}

static int writeable(struct sim__ws *ws, struct lws *wsi)
{
    if (ws->want_close) {
        /* A polite close (close frame 1001, then the CSMS's echo, then the socket
         * closes; lws bounds each step to 5 s). Not `return -1`: this lws build
         * (_DEBUG) closes a wsi twice after a callback's -1, and the second close
         * kills the socket before the close frame is written: the CSMS saw 1006.
         * Here nothing is buffered (WRITEABLE comes after lws flushed), so
         * lws_close_free_wsi takes the close-frame path; it frees nothing now.
         * want_close stays set: nothing more is written on this websocket. */
        lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY, NULL, 0);
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
        return 0;
    }
    struct sim__ws_out *o = ws->tx_head;
    if (!o || !ws->ev->may_write(ws->owner))   /* fenced: the frames wait */
        return 0;
    ws->tx_head = o->next;
    if (!ws->tx_head)
        ws->tx_tail = NULL;
    int w = lws_write(wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT);
    int short_write = w < (int)o->len;
    free(o);
    if (short_write)
        return -1;
    if (ws->tx_head)
        lws_callback_on_writable(wsi);
    else
        ws->ev->drained(ws->owner);
    return 0;
}

static int client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    struct sim__ws *ws = wsi ? lws_get_opaque_user_data(wsi) : NULL;

    if (!ws)
        return lws_callback_http_dummy(wsi, reason, user, in, len);

    switch ((int)reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
        if (!len) {
            X509_STORE_CTX *x = user;
            ws->ev->cert_failed(ws->owner,
                                X509_verify_cert_error_string(X509_STORE_CTX_get_error(x)));
        }
        return 0;

    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = in;
        return ws->ev->handshake_headers(ws->owner, wsi, p, *p + len);
    }

    case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH: {
        char proto[64] = "";
        if (lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL) <= 0)
            proto[0] = '\0';
        return ws->ev->subprotocol(ws->owner, proto);
    }

    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        ws->open = 1;
        if (ws->ev->established(ws->owner) != 0) {
            ws->open = 0;
            return -1;
        }
        return 0;

    case LWS_CALLBACK_CLIENT_RECEIVE:
        receive(ws, wsi, in, len);
        return 0;

    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return writeable(ws, wsi);

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        ws->open = 0;
        ws->ev->connect_failed(ws->owner, wsi, in);
        return 0;

    case LWS_CALLBACK_CLIENT_CLOSED:
        ws->open = 0;
        ws->ev->closed(ws->owner);
        return 0;

    case LWS_CALLBACK_WSI_DESTROY:
        /* The last event of every wsi (a CSMS that never sends the 101 gives no
         * CONNECTION_ERROR, only this). */
        if (ws->wsi == wsi) {
            ws->wsi = NULL;
            ws->open = 0;
            lws_set_opaque_user_data(wsi, NULL);
            ws->ev->destroyed(ws->owner);
        }
        return 0;

    default:
        return 0;
    }
}

const struct lws_protocols sim__client_protocols[] = {
    /* 1 KiB rx chunks (frames are reassembled): halves the memory per connection */
    {"ocpp-client", client_cb, 0, 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

#include "api_http.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_fetch.h"
#include "cf_log.h"
#include "sim_runtime.h"   /* the context's header limits */

#define WRITE_CHUNK 16384
#define STR_(x) #x
#define STR(x) STR_(x)

struct api_server {
    struct lws_vhost *vh;
    struct api_server_limits lim;
    int open;                    /* accepted connections not yet closed */
    unsigned long refused;       /* connections closed at accept (over lim.max_connections) */
    int free_pending;            /* api_server_free came before the vhost's end */
    api_dispatch_fn dispatch;
    void *arg;
    struct lws_protocols protocols[4];
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
    int body_in;                 /* the whole body is in (at once when there is none) */
    int body_timed_out;          /* lim.body_timeout_s passed before it was in */
    void (*body_cb)(struct api_req *r, int ok, void *arg);   /* api_req_on_body */
    void *body_arg;
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
    struct lws *wsi;
    struct api_server *srv;
    lws_sorted_usec_list_t deadline;   /* the end of the body (lim.body_timeout_s) */
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

/* The body is in, or will never be (ok 0: the client went away, or the body timed
 * out): the waiting handler is told once. After ok 0 it has let go of r. */
static void body_done(struct api_req *r, int ok)
{
    void (*cb)(struct api_req *, int, void *) = r->body_cb;

    r->body_cb = NULL;
    if (cb)
        cb(r, ok, r->body_arg);
}

static void body_timeout_answer(struct api_req *r)
{
    r->close_after = 1;
    api_req_error(r, 408, "request body not received within %d s (serve "
                          "--http-body-timeout)", r->srv->lim.body_timeout_s);
}

/* The body's deadline passed: 408 and close. lws's own body timeout only counts
 * silence (each chunk starts it again), so a client sending a byte every few seconds
 * would hold its connection for ever without this. (The headers need none of ours:
 * lws gives a connection a header table at accept and closes it timeout_secs_ah_idle
 * later unless the headers are in, however they trickle.) */
static void deadline_passed(lws_sorted_usec_list_t *sul)
{
    struct pss *pss = lws_container_of(sul, struct pss, deadline);
    struct api_req *r = pss->req;

    if (r && !r->body_in && !r->responded) {
        CF_LOG_DEBUG("http", "%s: request body not in after %d s: 408, closing", r->path,
                    pss->srv->lim.body_timeout_s);
        r->body_timed_out = 1;
        if (r->body_cb) {
            body_done(r, 0);
            body_timeout_answer(r);
        } else if (!r->dispatched) {
            r->dispatched = 1;
            body_timeout_answer(r);
        }
        /* else the handler answers first or learns it in api_req_on_body */
        lws_set_timeout(pss->wsi, PENDING_TIMEOUT_USER_REASON_BASE + 1, 5);
    }
}

static void set_deadline(struct pss *pss, int seconds)
{
    lws_sul_schedule(lws_get_context(pss->wsi), 0, &pss->deadline, deadline_passed,
                     (lws_usec_t)seconds * LWS_USEC_PER_SEC);
}

void api_req_on_body(struct api_req *r, void (*cb)(struct api_req *r, int ok, void *arg),
                     void *arg)
{
    if (r->body_in) {
        cb(r, 1, arg);
        return;
    }
    r->body_cb = cb;
    r->body_arg = arg;
    if (!r->wsi) {                 /* the client went away while the handler worked */
        body_done(r, 0);
        req_free(r);
    } else if (r->body_timed_out) {
        body_done(r, 0);
        body_timeout_answer(r);
    }
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

/* Why the request's body framing is refused, or NULL. lws keeps a repeated header as
 * fragments of one token; a Content-Length given twice with the same value is one. */
static const char *body_framing_problem(struct lws *wsi)
{
    char first[32], other[32];

    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) &&
        lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH))
        return "Content-Length and Transfer-Encoding together: the body's length is "
               "ambiguous (RFC 9112 6.3)";
    if (lws_hdr_copy_fragment(wsi, first, sizeof(first), WSI_TOKEN_HTTP_CONTENT_LENGTH,
                              0) < 0)
        return lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH)
                   ? "Content-Length is not a length" : NULL;
    /* lws starts a repeated header's next fragment with the ' ' that joins them */
    for (int i = 1; lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, i) > 0; i++) {
        if (lws_hdr_copy_fragment(wsi, other, sizeof(other), WSI_TOKEN_HTTP_CONTENT_LENGTH,
                                  i) < 0 || strcmp(first, other + strspn(other, " ")) != 0)
            return "conflicting Content-Length headers: the body's length is ambiguous "
                   "(RFC 9112 6.3)";
    }
    return NULL;
}

/* 414 for a path or query cut at lws's token limit, 431 for a header value cut there
 * (SIM_LWS_TOKEN_LIMIT: lws keeps that much of a token and skips the rest), else 0. */
static unsigned int oversized(struct lws *wsi)
{
    static const enum lws_token_indexes uri[] = {
        WSI_TOKEN_GET_URI, WSI_TOKEN_POST_URI, WSI_TOKEN_PUT_URI, WSI_TOKEN_PATCH_URI,
        WSI_TOKEN_DELETE_URI, WSI_TOKEN_OPTIONS_URI, WSI_TOKEN_HEAD_URI, WSI_TOKEN_CONNECT,
        WSI_TOKEN_HTTP_URI_ARGS,
    };
    int is_uri[WSI_TOKEN_COUNT] = {0};

    for (size_t i = 0; i < sizeof(uri) / sizeof(uri[0]); i++)
        is_uri[uri[i]] = 1;
    for (int t = 0; t < WSI_TOKEN_COUNT; t++) {
        for (int f = 0; lws_hdr_fragment_length(wsi, (enum lws_token_indexes)t, f) > 0; f++)
            if (lws_hdr_fragment_length(wsi, (enum lws_token_indexes)t, f) >=
                SIM_LWS_TOKEN_LIMIT)
                return is_uri[t] ? 414 : 431;
    }
    return 0;
}

/* Answers {"detail": detail} and "Connection: close" from the request callback itself,
 * as lws answers its own errors; returns -1, for the callback to return (lws closes
 * the connection). For a request whose body must never be read: answered the usual
 * way, on WRITEABLE, the bytes behind its headers would be taken first as its body and
 * a pipelined request, and the connection closed before the answer went out. */
static int answer_now(struct lws *wsi, unsigned int status, const char *detail)
{
    unsigned char hdr[LWS_PRE + 512], *start = hdr + LWS_PRE, *p = start;
    unsigned char *end = hdr + sizeof(hdr) - 1;
    unsigned char body[LWS_PRE + 512];
    json_t *j = json_pack("{s:s}", "detail", detail);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    size_t n = text ? strlen(text) : 0;

    json_decref(j);
    if (!text || n > sizeof(body) - LWS_PRE) {
        free(text);
        return -1;
    }
    memcpy(body + LWS_PRE, text, n);
    free(text);
    if (lws_add_http_common_headers(wsi, status, "application/json", n, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                     (const unsigned char *)"close", 5, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_write(wsi, body + LWS_PRE, n, LWS_WRITE_HTTP_FINAL);
    return -1;
}

/* A new request on the connection: headers are in, the body (if any) follows. */
static int on_request(struct api_server *s, struct pss *pss, struct lws *wsi, const char *uri,
                      size_t uri_len)
{
    struct api_req *r = calloc(1, sizeof(*r));
    char cl[32];

    pss->wsi = wsi;
    pss->srv = s;

    if (!r)
        return -1;
    unsigned int big = oversized(wsi);
    if (big) {
        free(r);
        return answer_now(wsi, big, big == 414
            ? "the request's path or query is too long (" STR(SIM_LWS_TOKEN_LIMIT) " bytes or more)"
            : "a request header is too large (" STR(SIM_LWS_TOKEN_LIMIT) " bytes or more; "
              STR(SIM_LWS_HEADER_SPACE) " for all of them)");
    }
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
        r->body_in = 1;
        dispatch(r);
        return 0;
    }
    /* RFC 9112 6.3: a Content-Length with a Transfer-Encoding, or Content-Lengths that
     * disagree, leave the body's end unknown (request smuggling): refused unread. */
    const char *framing = body_framing_problem(wsi);
    if (framing)
        return answer_now(wsi, 400, framing);
    /* lws does not decode chunked request bodies (the request would hang). */
    if (lws_hdr_copy_fragment(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH, 0) <= 0) {
        r->dispatched = 1;
        r->close_after = 1;
        api_req_error(r, 411, "a request body needs a Content-Length header "
                              "(chunked transfer encoding is not supported)");
        return 0;
    }
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    if (*end || !isdigit((unsigned char)cl[0]))
        return answer_now(wsi, 400, "Content-Length is not a length (digits only)");
    if (n > s->lim.max_body) {
        r->dispatched = 1;
        r->close_after = 1;
        api_req_error(r, 413, "request body exceeds %zu bytes (serve --max-body raises it)",
                      s->lim.max_body);
        return 0;
    }
    r->content_length = (size_t)n;
    r->body = malloc(r->content_length + 1);
    if (!r->body)
        return -1;
    r->body[0] = '\0';
    if (n == 0)
        r->body_in = 1;
    else
        set_deadline(pss, s->lim.body_timeout_s);
    dispatch(r);
    return 0;
}

static void on_body(struct api_req *r, const void *in, size_t len)
{
    if (!r || !r->body || r->body_in || r->responded)
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

/* An accepted connection is counted (lim.max_connections) from here to its end. */
static void conn_opened(struct api_server *s, struct lws *wsi)
{
    lws_set_opaque_user_data(wsi, s);   /* an outgoing wsi has its own there */
    s->open++;
}

static void conn_destroyed(struct api_server *s, struct lws *wsi)
{
    if (s && lws_get_opaque_user_data(wsi) == s) {
        lws_set_opaque_user_data(wsi, NULL);
        s->open--;
    }
}

/* What lws could not parse as the start of an HTTP request (an unknown method such as
 * TRACE, the HTTP/2 preface, TLS on this plain port, noise): lws hands it over here, raw
 * (LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG) instead of answering its
 * own HTML 403; it gets a JSON error like any other, then the connection closes. */
struct raw_pss {
    unsigned int status;
    char detail[200];
};

static void raw_refusal(struct raw_pss *rp, const char *in, size_t len)
{
    static const char h2[] = "PRI * HTTP/2.0";
    size_t m = 0;

    if (len >= sizeof(h2) - 1 && memcmp(in, h2, sizeof(h2) - 1) == 0) {
        rp->status = 505;
        snprintf(rp->detail, sizeof(rp->detail), "HTTP/2 is not served here: use HTTP/1.1");
        return;
    }
    /* a method is a token (RFC 9110 5.6.2): up to 32 of its letters are named */
    while (m < len && m < 32 && (isalnum((unsigned char)in[m]) || strchr("!#$%&'*+-.^_`|~", in[m])))
        m++;
    if (m > 0 && m < len && in[m] == ' ') {
        rp->status = 501;
        snprintf(rp->detail, sizeof(rp->detail), "method %.*s is not implemented (the API "
                 "takes GET, POST, PUT, PATCH and DELETE)", (int)m, in);
        return;
    }
    rp->status = 400;
    snprintf(rp->detail, sizeof(rp->detail), "not an HTTP/1.1 request");
}

static const char *reason_phrase(unsigned int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

static int raw_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                  size_t len)
{
    struct raw_pss *rp = user;

    switch ((int)reason) {
    case LWS_CALLBACK_RAW_RX:   /* first: the bytes lws could not parse */
        if (rp && !rp->status) {
            raw_refusal(rp, in, len);
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_REASON_BASE + 2, 5);
            lws_callback_on_writable(wsi);
        }
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE: {
        char body[300], out[LWS_PRE + 600];
        if (!rp || !rp->status)
            return 0;
        json_t *j = json_pack("{s:s}", "detail", rp->detail);
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        snprintf(body, sizeof(body), "%s", text ? text : "{}");
        free(text);
        /* no request was parsed, so no lws HTTP state to build headers with */
        int n = snprintf(out + LWS_PRE, sizeof(out) - LWS_PRE,
                         "HTTP/1.1 %u %s\r\ncontent-type: application/json\r\n"
                         "content-length: %zu\r\nconnection: close\r\n\r\n%s",
                         rp->status, reason_phrase(rp->status), strlen(body), body);
        lws_write(wsi, (unsigned char *)out + LWS_PRE, (size_t)n, LWS_WRITE_RAW);
        return -1;
    }
    case LWS_CALLBACK_WSI_DESTROY:
        conn_destroyed(lws_vhost_user(lws_get_vhost(wsi)), wsi);
        return 0;
    default:
        return 0;
    }
}

static int http_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    struct pss *pss = user;
    struct api_server *s = lws_vhost_user(lws_get_vhost(wsi));

    switch ((int)reason) {   /* lws has ~100 reasons: only these matter here */
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:   /* accept(): pss is not made yet */
        if (s && s->open >= s->lim.max_connections) {
            if (s->refused++ % 1000 == 0)
                CF_LOG_WARN("http", "%d connections open (serve --http-max-connections): "
                            "closing new ones at accept (%lu so far)", s->open, s->refused);
            return 1;
        }
        return 0;
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:   /* accepted; no pss yet */
        conn_opened(s, wsi);
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        conn_destroyed(s, wsi);
        return 0;
    case LWS_CALLBACK_PROTOCOL_DESTROY:   /* the vhost's last word: its wsis are gone */
        if (s && s->free_pending)
            free(s);
        else if (s)
            s->vh = NULL;
        return 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:   /* lws may free pss after this */
        if (pss)
            lws_sul_cancel(&pss->deadline);
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        /* lws would turn the connection into a websocket no timeout ever ends (h2c,
         * HTTP/2 over the same connection, it serves as HTTP) */
        if (in && strcasecmp(in, "websocket") == 0)
            return answer_now(wsi, 400, "the API takes no websocket upgrade (chargers' "
                                        "websockets go out from serve, not in)");
        return 0;
    case LWS_CALLBACK_HTTP:
        return on_request(s, pss, wsi, in, len);
    case LWS_CALLBACK_HTTP_BODY:
        on_body(pss->req, in, len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!pss->req)
            return 0;
        if (!pss->req->body_completed) {   /* answered early (411, 413) or not yet */
            struct api_req *r = pss->req;
            r->body_completed = 1;
            lws_sul_cancel(&pss->deadline);
            if (!r->body_in && !r->responded) {
                r->body_in = 1;
                stall_timeout(wsi);       /* lws dropped its body timeout */
                body_done(r, 1);
            }
            r->body_in = 1;
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
        if (pss)
            lws_sul_cancel(&pss->deadline);
        if (pss && pss->req) {
            struct api_req *r = pss->req;
            pss->req = NULL;
            r->wsi = NULL;
            if (r->streaming && r->on_close)
                r->on_close(r->close_arg);   /* the streamer lets go of r */
            int let_go = r->body_cb != NULL;
            if (let_go)
                body_done(r, 0);             /* the waiting handler lets go of r */
            /* A handler still owes an answer: the request is freed when it comes. */
            if (let_go || !(r->dispatched && !r->responded))
                req_free(r);
        }
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

struct api_server *api_server_new(struct lws_context *ctx, const char *iface, int port,
                                  const struct api_server_limits *limits,
                                  api_dispatch_fn dispatch_fn, void *arg)
{
    struct api_server *s = calloc(1, sizeof(*s));
    struct lws_context_creation_info info;

    if (!s)
        return NULL;
    s->lim = *limits;
    s->dispatch = dispatch_fn;
    s->arg = arg;
    s->protocols[0].name = "http";
    s->protocols[0].callback = http_cb;
    s->protocols[0].per_session_data_size = sizeof(struct pss);
    s->protocols[0].rx_buffer_size = 16384;
    s->protocols[1] = api_fetch_protocol;   /* outgoing requests use this vhost too */
    s->protocols[2].name = "api-raw";
    s->protocols[2].callback = raw_cb;
    s->protocols[2].per_session_data_size = sizeof(struct raw_pss);

    memset(&info, 0, sizeof(info));
    info.vhost_name = "api";
    info.port = port;
    info.iface = iface;
    info.protocols = s->protocols;
    info.user = s;
    info.keepalive_timeout = 30;
    /* after the first byte of a request's headers (lws counts it once, not per byte) */
    info.timeout_secs_ah_idle = (unsigned int)limits->header_timeout_s;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |   /* a client SSL_CTX for https */
                   LWS_SERVER_OPTION_FALLBACK_TO_APPLY_LISTEN_ACCEPT_CONFIG;   /* raw_cb */
    info.listen_accept_role = "raw-skt";
    info.listen_accept_protocol = "api-raw";
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

/* The context's destruction ends the vhost's connections later, on the loop, and they
 * still count themselves out here: s lives until the vhost's PROTOCOL_DESTROY. */
void api_server_free(struct api_server *s)
{
    if (!s)
        return;
    if (s->vh)
        s->free_pending = 1;
    else
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
    if (!r->body_in)               /* the rest of the body is never read */
        r->close_after = 1;
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

/* The HTTP server of the API: a libwebsockets server vhost on the process's context
 * (and so its libuv loop). It hands a request to the dispatcher once its headers are
 * in, reads its body (Content-Length bodies only, up to a limit) for the handler that
 * waits for it, and writes the response whenever the handler answers — at once or
 * after database round trips. What lws cannot parse, ambiguous body framing, oversized
 * paths or headers, slow clients and connections over the cap are refused here, with
 * a JSON detail wherever lws lets an answer out. */
#ifndef API_HTTP_H
#define API_HTTP_H

#include <stddef.h>
#include <jansson.h>
#include <libwebsockets.h>

enum api_method { API_GET, API_POST, API_PUT, API_PATCH, API_DELETE, API_OTHER };

struct api_req;
struct api_server;

/* Called once per request when its headers are in, before its body is read (so a
 * request can be refused, e.g. 401, without waiting for a large or slow body); the
 * handler must answer exactly once, now or later, with api_req_respond*(), and may
 * first wait for the body with api_req_on_body(). If the client went away meanwhile,
 * the answer is dropped and the request freed then. */
typedef void (*api_dispatch_fn)(struct api_req *req, void *arg);

/* What a client may take of the server (the serve options --max-body,
 * --http-header-timeout, --http-body-timeout, --http-max-connections). */
struct api_server_limits {
    size_t max_body;            /* larger bodies get 413 */
    int header_timeout_s;       /* from accept (or the end of the last answer) to the
                                 * end of the headers; then the connection is closed */
    int body_timeout_s;         /* from the end of the headers to the end of the body;
                                 * then 408 and the connection is closed */
    int max_connections;        /* open HTTP connections at most; one more is closed at
                                 * accept, unanswered */
};

/* Listens on iface:port (iface NULL = all) with the limits (copied). Returns NULL on
 * failure (e.g. port in use), logged. */
struct api_server *api_server_new(struct lws_context *ctx, const char *iface, int port,
                                  const struct api_server_limits *limits,
                                  api_dispatch_fn dispatch, void *arg);
/* The server's vhost (it also carries api_fetch_protocol for outgoing requests). */
struct lws_vhost *api_server_vhost(struct api_server *s);
/* Stops accepting (the vhost goes with the context); frees the server, at once or when
 * the context has destroyed the vhost. */
void api_server_free(struct api_server *s);

enum api_method api_req_method(const struct api_req *r);
const char *api_req_path(const struct api_req *r);
/* The query string without '?', "" if none. */
const char *api_req_query(const struct api_req *r);
/* Runs cb(r, 1, arg) once the whole body is in: at once if it is (always so for a
 * method without a body), else from the loop when its last byte arrives. cb(r, 0, arg)
 * instead if the body never will be (the client went away, or the body timed out and
 * the server answers 408 itself): then cb frees its own state and must not use r again
 * (no answer). Call it at most once, before answering. */
void api_req_on_body(struct api_req *r, void (*cb)(struct api_req *r, int ok, void *arg),
                     void *arg);
/* The body (NUL-terminated; len may be NULL), "" when there is none; complete only
 * from api_req_on_body's callback on. */
const char *api_req_body(const struct api_req *r, size_t *len);
/* The Authorization header value, "" if none. */
const char *api_req_authorization(const struct api_req *r);

/* The first value of query argument name (urldecoded), NULL if absent. */
const char *api_req_arg(const struct api_req *r, const char *name);
/* Every value of a repeatable query argument: a borrowed JSON array of strings, or
 * NULL if absent. */
json_t *api_req_args(const struct api_req *r, const char *name);

/* Adds a response header (before responding; both strings copied). */
void api_req_set_header(struct api_req *r, const char *name, const char *value);
/* Answers with text (copied) of the given content type (a static string). */
void api_req_respond_body(struct api_req *r, int status, const char *content_type,
                          const char *text);
/* Answers with body as JSON (reference stolen). */
void api_req_respond_json(struct api_req *r, int status, json_t *body);
/* Answers with a JSON text (copied). */
void api_req_respond_text(struct api_req *r, int status, const char *json_text);
/* A streamed answer (Server-Sent Events): status 200 of content_type (a static string),
 * no length, the connection closes when it ends. on_close(arg) runs if the client goes
 * away first; after it (or after api_req_stream_end) r must not be used. Returns -1
 * when the client is gone already (r is freed). */
int api_req_stream_start(struct api_req *r, const char *content_type,
                         void (*on_close)(void *arg), void *arg);
void api_req_stream_write(struct api_req *r, const char *text, size_t len);
void api_req_stream_end(struct api_req *r);
/* Answers {"detail": "<formatted message>"}. */
void api_req_error(struct api_req *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

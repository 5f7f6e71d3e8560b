/* A small HTTP client on the API's libwebsockets vhost (and so on the loop), for the
 * OCPI peer: fetch an eMSP's versions with its token, push location updates to it.
 * One request per call; http:// and https:// (system CAs). */
#ifndef API_FETCH_H
#define API_FETCH_H

#include <libwebsockets.h>
#include <uv.h>

/* Where fetches run: the loop, the lws context on it, and a vhost listing
 * api_fetch_protocol (the API's). */
struct api_fetch_env {
    uv_loop_t *loop;
    struct lws_context *ctx;
    struct lws_vhost *vh;
};

/* Called once: status is the HTTP status (0 when no response: err says why); body is
 * the response body (NUL-terminated, may be ""), valid during the call. */
typedef void (*api_fetch_cb)(int status, const char *body, const char *err, void *arg);

/* The protocol the API vhost must list for fetches (its name is "cf-fetch"). */
extern const struct lws_protocols api_fetch_protocol;

/* method: "GET", "POST", "PUT", "PATCH"; auth: the Authorization header value or NULL;
 * body: JSON text sent as application/json, or NULL. cb always runs, never inside this
 * call; timeout_s bounds the whole exchange. */
void api_fetch(const struct api_fetch_env *env, const char *method, const char *url, const char *auth,
               const char *body, int timeout_s, api_fetch_cb cb, void *arg);

#endif

/* Private to simulator/: a charger's websocket, libwebsockets client side: the lws
 * callback, the reassembly of received messages, the queue of frames waiting for
 * WRITEABLE. It knows no OCPP and no charger: it reports to its owner through a const
 * struct sim__ws_events, and the owner decides. */
#ifndef SIM_WS_H
#define SIM_WS_H

#include <stddef.h>
#include <libwebsockets.h>

struct sim__ws;

/* What the websocket tells its owner (owner = sim__ws.owner). All run inside the lws
 * callback; none may free the owner. */
struct sim__ws_events {
    /* TLS: the CSMS's certificate did not verify (err: OpenSSL's text). */
    void (*cert_failed)(void *owner, const char *err);
    /* Adds handshake headers in [*p, end) (lws_add_http_header_by_token). 0, or -1 to
     * fail the handshake. */
    int (*handshake_headers)(void *owner, struct lws *wsi, unsigned char **p,
                             unsigned char *end);
    /* The CSMS answered the handshake with subprotocol proto ("" none): 0 to go on,
     * 1 to refuse it. */
    int (*subprotocol)(void *owner, const char *proto);
    /* The websocket is up: 0, or -1 to close it. */
    int (*established)(void *owner);
    /* One whole text message (buf NUL-terminated, owned by the websocket; valid for
     * the call). */
    void (*message)(void *owner, const char *buf, size_t len);
    /* WRITEABLE wrote the last queued frame. */
    void (*drained)(void *owner);
    /* May a frame be written now (fencing)? When not, queued frames wait. */
    int (*may_write)(void *owner);
    /* The connection attempt failed (in: lws's text, may be NULL). */
    void (*connect_failed)(void *owner, struct lws *wsi, const char *in);
    /* The established websocket closed. */
    void (*closed)(void *owner);
    /* The wsi is gone (its last event; ws->wsi is NULL already). */
    void (*destroyed)(void *owner);
};

struct sim__ws_out;                    /* a frame waiting for WRITEABLE */

struct sim__ws {
    const struct sim__ws_events *ev;
    void *owner;
    struct lws *wsi;                   /* NULL when none */
    int alive;                         /* a wsi exists (until WSI_DESTROY) */
    int open;                          /* established, not closed */
    int want_close;                    /* close politely once WRITEABLE (1001) */
    struct sim__ws_out *tx_head, *tx_tail;
    char *rx;                          /* the message being reassembled */
    size_t rx_len, rx_cap;
};

/* The client protocol every charger's vhost offers (sim_runtime.c). */
extern const struct lws_protocols sim__client_protocols[];

void sim__ws_init(struct sim__ws *ws, const struct sim__ws_events *ev, void *owner);

/* Where and how to connect (strings borrowed for the call). */
struct sim__ws_dial {
    struct lws_context *ctx;
    struct lws_vhost *vh;
    int tls;
    const char *host;
    int port;
    const char *path;                  /* "/<base>/<identity>" */
    const char *subprotocol;
    const lws_retry_bo_t *policy;      /* ping / idle policy (lws keeps the pointer) */
    const char *iface;                 /* local source address, or NULL */
};

/* Starts connecting: ws->wsi is set (its events follow), 0. -1 when lws could not
 * start the connection (ws->alive is 0 again); lws may have run connect_failed inside
 * the call already. */
int sim__ws_dial(struct sim__ws *ws, const struct sim__ws_dial *d);

/* The precise reason of a failed connect, from lws's text (in, may be NULL), the HTTP
 * status and the socket's pending error, into out[n]; identity for the debug log. */
void sim__ws_connect_error(struct lws *wsi, const char *in, const char *identity, char *out,
                           size_t n);

/* Adds "Authorization: Basic base64(user:password)" to the handshake in [*p, end):
 * 0, or -1 (too long, no room). */
int sim__ws_basic_auth(struct lws *wsi, unsigned char **p, unsigned char *end,
                       const char *user, const char *password);

/* Sends a text frame (text taken). On an open websocket with nothing waiting before
 * it, it is written at once: asking for WRITEABLE first costs two changes of the
 * socket's poll set per frame, and lws's libuv glue re-registers the fd with epoll at
 * each (uv_poll_start). lws buffers what the kernel does not take and sends it before
 * anything written later (lws_write, "Truncated Writes"). Otherwise the frame waits
 * for WRITEABLE. Returns 0, or -1 when the socket failed (it is being closed). */
int sim__ws_send(struct sim__ws *ws, char *text);

/* Closes politely (close frame 1001) at the next WRITEABLE; nothing more is written. */
void sim__ws_close(struct sim__ws *ws);

/* Drops the queued frames and the partial message (the connection ended). */
void sim__ws_reset(struct sim__ws *ws);

/* Frames waiting for WRITEABLE. */
int sim__ws_queued(const struct sim__ws *ws);

#endif

/* Private to simulator/: the part of a runtime its chargers share (the loop, the lws
 * context, options, the owner's events, metrics, the fencing guard) and the runtime's
 * services to them (connect pacing, client vhosts, TLS material). The public face is
 * sim_runtime.h. */
#ifndef SIM_RUNTIME_PRIV_H
#define SIM_RUNTIME_PRIV_H

#include <stdint.h>
#include <jansson.h>

#include "sim_metrics.h"
#include "sim_runtime.h"

struct sim_key {               /* a client private key, in memory only (never a file) */
    struct sim_key *next;
    unsigned char md[32];      /* SHA-256 of the PEM it came from */
    int len;
    unsigned char der[];       /* the key in DER (libwebsockets' client_ssl_key_mem) */
};

struct sim_vhost {
    struct sim_vhost *next;
    char *ca_file;             /* NULL: system CAs */
    char *cert_file;           /* a client certificate (security profile 3), or NULL */
    const struct sim_key *key; /* its key (owned by the runtime), or NULL */
    char name[24];             /* the vhost's name: libwebsockets keeps the pointer */
    struct lws_vhost *vh;
};

struct sim_pem {               /* a PEM given over the API, written to a file */
    struct sim_pem *next;
    char path[];
};

struct sim_runtime {
    uv_loop_t *loop;
    struct lws_context *ctx;
    struct sim_runtime_opts opts;
    struct sim_events ev;
    void *ev_arg;
    struct sim_vhost *vhosts;
    struct sim_charger *all;           /* every live charger (doubly linked) */
    int count;
    int connected;
    int connecting;                    /* handshakes in flight */
    struct sim_charger *wait_head, *wait_tail; /* waiting for a connect slot */
    uv_idle_t pump;                    /* starts waiting connects outside lws callbacks */
    uv_timer_t deadlines;              /* finds CALLs whose answer is overdue */
    uv_timer_t rate_wait;              /* connect_rate: the next connect's turn */
    double tokens;                     /* connect_rate: connects allowed now */
    uint64_t tokens_at;                /* uv_now() ms when tokens was computed */
    int handles;                       /* of the three above, not closed yet */
    char *pem_dir;                     /* TLS files made from API PEMs, or NULL */
    struct sim_pem *pems;
    struct sim_key *keys;              /* client keys, wiped when the runtime goes */
    int pump_active;
    int freeing;
    int stopping_all;                  /* sim_runtime_stop_all: the process stops */
    struct sim_metrics m;
    int (*guard)(void *arg);           /* sim_runtime_set_guard; NULL: always may */
    void *guard_arg;
    char **sources;                    /* source addresses, used in turn; NULL: any */
    int n_sources;
    unsigned next_source;
};

/* Whether the chargers of rt may use their websockets now (sim_runtime_set_guard). */
static inline int sim__may_send(const struct sim_runtime *rt)
{
    return !rt->guard || rt->guard(rt->guard_arg);
}

/* What a charger's log (and the process log) says when the process stops it. */
#define SIM_CLOSING_STOP "closing: serve stopping (1001 going away)"

/* The client vhost for this CA / client certificate (made on first use), or NULL. */
struct lws_vhost *sim__runtime_vhost(struct sim_runtime *rt, const char *ca_file,
                                     const char *cert_file, const struct sim_key *key);
/* A PEM given over the API as a file path (owned by the runtime), or NULL. */
const char *sim__runtime_pem_file(struct sim_runtime *rt, const char *pem);
/* A private key given over the API (PEM, any type OpenSSL reads; libwebsockets loads
 * RSA and EC ones), kept in memory once per distinct content: owned by the runtime, or
 * NULL (unreadable: logged). */
const struct sim_key *sim__runtime_key(struct sim_runtime *rt, const char *pem);
/* ch waits for a connect slot (paced: max_connecting, connect_rate); the pump calls
 * ch->hooks->connect in its turn. */
void sim__runtime_want_connect(struct sim_runtime *rt, struct sim_charger *ch);
/* ch's handshake ended (up or failed): its slot is free. */
void sim__runtime_connect_done(struct sim_runtime *rt, struct sim_charger *ch);
/* ch leaves the runtime's lists (it is stopping). */
void sim__runtime_unlink(struct sim_runtime *rt, struct sim_charger *ch);

#endif

/* Private to simulator/: a charger's CALL queue (OCPP-J RPC, charge point side). One CALL
 * is outstanding at a time, the others wait in order (a BootNotification goes before
 * everything); the outstanding one is answered (CALLRESULT / CALLERROR), times out, or
 * is dropped. Each CALL carries its completion callback, as a libuv request carries its
 * cb, and the three times a load test measures. The queue knows no websocket and no
 * charger: it writes through struct sim__rpc_ops (the charger's transport, or a test's
 * fake one). */
#ifndef SIM_RPC_H
#define SIM_RPC_H

#include <stdint.h>
#include <jansson.h>
#include <uv.h>

#include "ocpp_actions.h"
#include "ocpp_frame.h"

#define SIM_QUEUE_MAX 1000         /* calls a charger keeps waiting (offline) */
#define SIM_CALL_ATTEMPTS 3        /* a kept CALL unanswered this often is given up */

struct sim_call;

enum sim_call_outcome {
    SIM_CALL_RESULT,               /* a CALLRESULT: answer->payload */
    SIM_CALL_ERROR,                /* a CALLERROR: answer->error_code, error_description */
    SIM_CALL_TIMEOUT,              /* no answer within the timeout (after every attempt) */
    SIM_CALL_DROPPED,              /* discarded unanswered: the queue's bound, a lost
                                    * connection (not kept), the charger going away */
};

/* What became of a CALL. Everything is borrowed for the callback. */
struct sim_call_answer {
    enum sim_call_outcome outcome;
    json_t *payload;               /* RESULT: the CALLRESULT payload */
    const char *error_code, *error_description;   /* ERROR */
};

/* Runs exactly once per CALL, when its fate is known (c->answered_ns is set for RESULT
 * and ERROR). For RESULT, ERROR and TIMEOUT it may queue new CALLs; for DROPPED it must
 * not (the queue is being emptied). It must not free c (the queue frees it after). */
typedef void (*sim_call_cb)(struct sim_call *c, const struct sim_call_answer *a);

struct sim_call {
    struct sim_call *next;         /* queue link (the queue's) */
    enum ocpp_action action;
    json_t *payload;               /* owned */
    sim_call_cb cb;                /* NULL: nobody waits for the answer */
    void *data;                    /* the caller's, for cb */
    int conn;                      /* the status target it is about, -1 none */
    unsigned serial;               /* the session it is about, 0 none; a session message
                                    * is kept across a lost connection and sent again
                                    * (SIM_CALL_ATTEMPTS) when unanswered */
    int attempts;                  /* sent this often without an answer */
    /* uv_hrtime(), in ns (a fast CSMS answers within a millisecond): */
    uint64_t due_ns;               /* queued (sim__rpc_call) */
    uint64_t sent_ns;              /* its frame handed to the transport (last attempt);
                                    * the transport writes it to the socket at once
                                    * when nothing waits before it, else at WRITEABLE */
    uint64_t answered_ns;          /* its answer frame parsed (right after
                                    * ocpp_frame_parse, before the log); 0 without one */
};

struct sim__rpc_ops {
    /* May action go now (the websocket is open; before an accepted boot only
     * BootNotification)? */
    int (*can_send)(void *arg, enum ocpp_action action);
    /* Writes a CALL frame (text taken); id is the message id. */
    void (*send)(void *arg, char *text, const char *id, enum ocpp_action action);
};

struct sim__rpc {
    const struct sim__rpc_ops *ops;
    void *arg;                     /* for ops */
    uv_loop_t *loop;               /* uv_now for the deadline */
    uint64_t timeout_ms;           /* an answer is due this long after the CALL went */
    uint32_t msgid_prefix;
    uint64_t msgid_seq;
    char out_id[OCPP_MSGID_MAX + 1];   /* the outstanding CALL's id, "" when none */
    struct sim_call *out;          /* the outstanding CALL, kept until answered */
    uint64_t deadline_ms;          /* uv_now by which `out` must be answered; 0 none */
    struct sim_call *head, *tail;  /* waiting */
    int queued;                    /* waiting (bounded: SIM_QUEUE_MAX) */
    int corked;                    /* > 0: nothing is sent (an answer goes first) */
    unsigned long dropped;         /* calls the bound dropped */
    const struct ocpp_action_def *names;   /* the version's names, for the log */
    const char *identity;          /* for the log (borrowed) */
};

/* names: the version's action column (struct ocpp_version.actions); identity is
 * borrowed for the queue's lifetime. */
void sim__rpc_init(struct sim__rpc *r, uv_loop_t *loop, const struct sim__rpc_ops *ops,
                   void *arg, uint32_t msgid_prefix, uint64_t timeout_ms,
                   const struct ocpp_action_def *names, const char *identity);

/* Queues a CALL (payload stolen) about status target conn / session serial (-1 / 0:
 * none); cb(c) with data tells its fate. Sends it now when nothing is outstanding. */
struct sim_call *sim__rpc_call(struct sim__rpc *r, enum ocpp_action action, json_t *payload,
                               int conn, unsigned serial, sim_call_cb cb, void *data);

/* Sends the next waiting CALL if none is outstanding, the queue is not corked and
 * ops->can_send allows it. */
void sim__rpc_pump(struct sim__rpc *r);

/* The outstanding CALL if id is its message id, else NULL. */
struct sim_call *sim__rpc_outstanding(const struct sim__rpc *r, const char *id);

/* A CALLRESULT or CALLERROR frame f arrived, parsed at parsed_ns (uv_hrtime): its CALL
 * completes (cb, answered_ns = parsed_ns), the next one goes. Returns 0, or -1 when f
 * answers no outstanding CALL (nothing changes). */
int sim__rpc_answer(struct sim__rpc *r, const struct ocpp_frame *f, uint64_t parsed_ns);

/* The outstanding CALL's deadline passed: a session message goes again (first) until
 * its attempts are spent, any other completes with SIM_CALL_TIMEOUT; then the next one
 * goes. */
void sim__rpc_expire(struct sim__rpc *r);

/* The connection ended: with keep, session messages stay queued in order, the
 * unanswered one first, for the next connection; every other CALL is dropped (cb). */
void sim__rpc_reset(struct sim__rpc *r, int keep);

/* Nothing outstanding and nothing waiting. */
static inline int sim__rpc_idle(const struct sim__rpc *r)
{
    return !r->out && !r->head;
}

#endif

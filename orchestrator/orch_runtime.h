/* The durable side of a simulator runtime: claims provisioning steps (charger rows)
 * from PostgreSQL (FOR UPDATE SKIP LOCKED, so several runtimes never take the same
 * charger), holds them under its own lease (one row in runtimes, renewed every second
 * by orch_lease's thread: a dead runtime's chargers are taken over when it runs out;
 * one that cannot renew closes its chargers first, docs/fencing.md), starts the
 * chargers in the simulator and writes their outcome back in batches, each row under
 * the fencing token of its claim. */
#ifndef ORCH_RUNTIME_H
#define ORCH_RUNTIME_H

#include "db.h"
#include "sim_runtime.h"

struct orch_runtime;

struct orch_runtime_opts {
    int lease_s;        /* the runtime's lease, renewed every second by a thread of its
                         * own: its chargers are taken over when it has not renewed for
                         * this long (15); it closes them itself after 3/5 of it
                         * (fencing, docs/fencing.md) */
    const char *conninfo; /* the database, for the lease thread's own connection
                           * (borrowed for orch_runtime_new; required) */
    int capacity;       /* most chargers this runtime holds at once */
    int claim_batch;    /* rows per claim statement (1000) */
    struct sim_runtime_opts sim;
};

/* A runtime that has not renewed its lease (lease_s) fences itself this long after the
 * last renewal was sent; serve kills a local worker that has not renewed for
 * ORCH_KILL_MS (it did not fence: paused or hung); others take its chargers after the
 * whole lease. docs/fencing.md has the timing. */
#define ORCH_FENCE_MS(lease_s) ((lease_s) * 600)
#define ORCH_KILL_MS(lease_s) ((lease_s) * 800)

void orch_runtime_opts_default(struct orch_runtime_opts *o);

/* db and ctx are borrowed and must outlive the runtime. Returns NULL on failure. */
struct orch_runtime *orch_runtime_new(uv_loop_t *loop, struct db *db, struct lws_context *ctx,
                                      const struct orch_runtime_opts *o);

/* Claim now instead of at the next tick (after a job was written). */
void orch_runtime_kick(struct orch_runtime *r);

/* Stops every charger (clean websocket close), writes the last outcomes, releases this
 * runtime's leases so a restart takes the fleet back at once, then calls done(arg) and
 * frees the runtime. */
void orch_runtime_stop(struct orch_runtime *r, void (*done)(void *arg), void *arg);

int orch_runtime_held(const struct orch_runtime *r);
/* Its load figures now (a new object): sim_runtime_metrics plus "db" (db_stats),
 * "queues.log_backlog", "held", "capacity". Every second they are also written to the
 * runtimes table under orch_runtime_owner(). */
json_t *orch_runtime_metrics(const struct orch_runtime *r);
const char *orch_runtime_owner(const struct orch_runtime *r);
/* What the owner names (runtimes.owner, chargers.lease_owner) of the runtime of process
 * pid on this host begin with, into out[n] (serve finds its workers' rows by it). */
void orch_runtime_owner_prefix(int pid, char *out, size_t n);
int orch_runtime_connected(const struct orch_runtime *r);

#endif

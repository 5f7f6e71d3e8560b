/* A chargers job is written with its plan (its groups) and answered 202 at once; its
 * charger rows are written here, after the 202, by whichever runtime takes the job
 * first: take (the job, held while the runtime's lease lives; the identities its
 * location has) → expand in C (fleet_expand_plan, in libuv's thread pool: a big plan
 * never holds the loop, which also serves the API) → one statement writes the rows and
 * clears the plan, only if the take is still ours. A runtime that dies mid-way loses it
 * with its lease; the job is taken again. An explicit identity taken since the 202
 * fails the job (expand_error), and so does a write the database refused 5 times. */
#ifndef ORCH_PLANS_H
#define ORCH_PLANS_H

#include <uv.h>

#include "db.h"

/* One round: cb(n, held) with the chargers written (0: no job waited, or it failed and
 * was given back; -1: the plan could not be expanded or written and its job is FAILED).
 * The writer keeps its share of the rows (the rows over the runtimes alive, at most
 * room(arg), asked right before the write), written held by `owner`: held (NULL
 * when n <= 0; valid during cb) has them after two counts: the columns of
 * ORCH_SQL_HELD_COLS and start_delay_ms, read by name (a row with a NULL id: none kept). */
void orch_plans_expand(uv_loop_t *loop, struct db *db, const char *owner,
                       int (*room)(void *arg), void (*cb)(long n, PGresult *held, void *arg),
                       void *arg);

#endif

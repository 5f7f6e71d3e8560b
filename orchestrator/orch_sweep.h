/* The sweep: every few seconds `serve` runs cf_sweep() (sql/003_lifecycle.sql): CPOs
 * past their TTL start deleting, chargers of deleting locations are closed by their
 * runtimes, and rows with nothing left under them go; and charger logs older than the
 * retention are trimmed (cf_logs_trim, sql/009_logs.sql). Idempotent: several servers on
 * one database may sweep at once. */
#ifndef ORCH_SWEEP_H
#define ORCH_SWEEP_H

#include <uv.h>

#include "db.h"

struct orch_sweep;

/* Starts sweeping every interval_ms on loop: TTL expiry, deletions, the log retention,
 * and chargers no runtime claimed within provision_timeout_s (their step FAILED: "no
 * runtime has room", sql/028_capacity.sql). NULL when out of memory. */
struct orch_sweep *orch_sweep_start(uv_loop_t *loop, struct db *db, int interval_ms,
                                    int log_retention_s, int provision_timeout_s);
/* One sweep now, blocking, before a process's loop and runtime start: a fleet whose TTL
 * ended while nothing ran is deleted before any runtime can claim (and connect) its
 * chargers. Returns the CPOs it found expired, or -1 (logged; the periodic sweep
 * retries). */
int orch_sweep_now(const char *conninfo);

/* Stops; the memory goes when the timer has closed (a query in flight finishes first). */
void orch_sweep_stop(struct orch_sweep *s);

#endif

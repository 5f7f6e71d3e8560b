/* serve's local worker processes (`serve --workers N`): N copies of this binary run as
 * `chargefleet worker`, each with its own loop, sockets and open-files limit, sharing
 * the database (leases keep them from taking the same charger). The database URL goes
 * to them in DATABASE_URL (not on the command line, where ps would show a password);
 * serve's own CHARGEFLEET_* variables do not: every option a worker needs is given to it
 * on its command line, so what serve was told is what its workers do.
 * Each worker's stdin is a pipe from serve: when serve goes away, even by kill -9, the
 * pipe closes and the worker stops cleanly (leases released). A worker that dies is
 * started again after a second; one that has not stopped 30 s after serve told it to
 * is killed. */
#ifndef ORCH_WORKERS_H
#define ORCH_WORKERS_H

#include <uv.h>

struct orch_workers;

struct db;

/* Starts n workers of exe (this binary) with args (the command, "worker" — or "csms"
 * for serve's built-in CSMS —, then its options; NULL-terminated, copied) and
 * DATABASE_URL=conninfo (none when NULL; with it, CHARGEFLEET_SECRET_KEY too when
 * orch_secret_load found one: the environment's other CHARGEFLEET_* are not passed
 * on). With demand (borrowed; open until the workers
 * have stopped) none starts now: every 2 s, when chargers wait unclaimed beyond the
 * room all live runtimes publish, one more starts (then 6 s for it to publish its
 * room), up to n; a started worker stays. NULL when out of memory. */
struct orch_workers *orch_workers_start(uv_loop_t *loop, const char *exe, int n,
                                        const char *const *args, const char *conninfo,
                                        struct db *demand);

/* Closes the pipes (the workers stop cleanly) and frees everything once every worker
 * has exited; then done(arg, unclean): unclean counts the workers that did not exit 0. */
void orch_workers_stop(struct orch_workers *w, void (*done)(void *arg, int unclean),
                       void *arg);

/* Fencing for serve's own workers (docs/fencing.md), whose processes serve can end for
 * sure: every WATCH_MS a worker whose lease was last renewed more than kill_ms ago (by
 * the database's clock; past the point where it should have fenced itself, so it is
 * paused or hung) is killed with SIGKILL, so the kernel closes its websockets before
 * any runtime may take its chargers. The time counts from the later of its last renewal
 * and the start of serve's own unbroken renewals (runtimes.since of owner, serve's
 * runtime): after a database outage a worker gets kill_ms to come back, as everyone
 * does. A worker that exits without being told to has its runtime row deleted and its
 * chargers given back at once (it is gone: they cannot run twice). db is borrowed and
 * must stay open until the workers have stopped; owner is copied. */
void orch_workers_watch(struct orch_workers *w, struct db *db, int kill_ms, const char *owner);

/* Sends signum to every running worker (SIGUSR1/SIGUSR2: the log level). */
void orch_workers_signal(struct orch_workers *w, int signum);

/* Workers running now. */
int orch_workers_running(const struct orch_workers *w);

#endif

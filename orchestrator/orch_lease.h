/* A runtime's lease, renewed by a thread of its own on a connection of its own, so a
 * busy loop cannot starve it (docs/fencing.md). Every RENEW_MS the thread upserts the
 * runtime's row in `runtimes` (lease_until = now() + lease_s, in the database's clock)
 * and, on success, moves valid_until to the monotonic time the statement was sent plus
 * fence_ms: the runtime may keep its chargers' websockets open until then. The
 * database counts the lease from the statement's start, later than the send, so
 * valid_until falls at least lease_s - fence_ms before anyone may take the chargers.
 *
 * The loop reads the figures below (atomics; no lock, no callback): it fences (closes
 * every websocket) when valid_until has passed and the last attempt did not find the
 * database itself down, or when a renewal came after valid_until had passed unexcused
 * (the process was paused: see orch_lease_gaps). */
#ifndef ORCH_LEASE_H
#define ORCH_LEASE_H

#include <stddef.h>
#include <stdint.h>

struct orch_lease;

/* Starts the thread. conninfo and owner are copied. lease_s >= 2; fence_ms < lease_s *
 * 1000. The row is created by the first renewal with pid and capacity. NULL when the
 * thread cannot start (out of memory, or pthread_create failed). */
struct orch_lease *orch_lease_start(const char *conninfo, const char *owner, int lease_s,
                                    int fence_ms, int capacity);

/* Stops the thread (it sees the stop within ~100 ms, whatever it waits on) and frees
 * everything. The row stays (the runtime deletes it once it released its chargers). */
void orch_lease_stop(struct orch_lease *l);

/* Monotonic ms (uv_hrtime() / 1e6) until which the runtime may act; 0 before the
 * first renewal. */
int64_t orch_lease_valid_until(const struct orch_lease *l);

/* 1 when the last attempt failed and found the database itself down (see
 * orch_lease_db_down): nobody can take anything over meanwhile. 0 after a success or
 * any other failure. */
int orch_lease_down(const struct orch_lease *l);

/* Counters since the start: renewals that succeeded; those that found the lease
 * lapsed in the database (someone may have taken chargers: check them); those that
 * came after valid_until had passed with no attempt finding the database down
 * between (the process did not run, e.g. SIGSTOP: the runtime must fence now even
 * though the lease is valid again); attempts that failed. */
unsigned orch_lease_renewals(const struct orch_lease *l);
unsigned orch_lease_lapses(const struct orch_lease *l);
unsigned orch_lease_gaps(const struct orch_lease *l);
unsigned orch_lease_failures(const struct orch_lease *l);

/* The last failure's message into out[n] ("" if none since the last success). */
void orch_lease_last_error(struct orch_lease *l, char *out, size_t n);

/* Whether a libpq error says the database server itself is not there: the connection
 * refused, no unix socket, or the server starting up or shutting down. Everyone sees
 * that, so nobody can take anything over. Anything else (a role refused, a timeout, a
 * reset) cannot tell: others may still be renewing. Exposed for unit tests. */
int orch_lease_db_down(const char *pg_error);

#endif

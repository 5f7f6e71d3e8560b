/* Asynchronous PostgreSQL on the libuv loop: a small pool of libpq connections, each
 * non-blocking under a uv_poll_t on PQsocket(), one query in flight per connection.
 * The loop never blocks on the database. Connections that break are re-established in
 * the background; while none is up, queries fail at once (the API answers 503). */
#ifndef DB_H
#define DB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <uv.h>

struct db;

/* Called once per query. On success res is the (last) result of the statement and err
 * is NULL; res is owned by the db layer and cleared after the callback returns. On
 * failure res may be NULL or an error result, and err is a one-line message. */
typedef void (*db_cb)(PGresult *res, const char *err, void *arg);

/* Starts `pool` connections (>= 1) to conninfo (a libpq URL or key=value string; host
 * must be a unix socket directory or an IP: PQconnectStart resolves names synchronously).
 * Returns 0, or -1 if conninfo cannot be parsed. Connecting continues on the loop. */
int db_open(struct db **out, uv_loop_t *loop, const char *conninfo, int pool);

/* Fails pending queries with "database closed" (callbacks run now), closes the handles;
 * memory is released in the last close callback. */
void db_close(struct db *db);

/* Queues a parameterised statement (text parameters; NULL entries are SQL NULL). sql and
 * params are copied. The callback always runs, never inside this call. */
void db_query(struct db *db, const char *sql, int nparams, const char *const *params,
              db_cb cb, void *arg);

/* A PostgreSQL array in text form ({"a","b",NULL}), built element by element: a batch
 * of rows goes as one parameter per column, read back with unnest(). PostgreSQL reads
 * text arrays about ten times faster than the same rows as JSON for json_to_recordset
 * (which parses the text twice: json_in, then the recordset). Start zeroed. */
struct db_array {
    char *text;
    size_t len, cap, count;
};
/* Appends s[0..n) as one element, or SQL NULL when s is NULL. -1 (nothing added) when
 * out of memory or s holds a NUL byte, which text cannot. */
int db_array_add(struct db_array *a, const char *s, size_t n);
/* The literal, valid until the next add or free ("{}" when empty; NULL out of memory). */
const char *db_array_text(struct db_array *a);
void db_array_free(struct db_array *a);

/* LISTENs on channel (an identifier, given by the program, not by users) on every
 * connection, now and after each reconnect; cb(arg) runs for each notification, on the
 * loop, possibly more than once for one NOTIFY. One channel per db; NULL channel: no
 * more callbacks. */
void db_listen(struct db *db, const char *channel, void (*cb)(void *arg), void *arg);

/* 1 when at least one connection is up. */
int db_ready(const struct db *db);

/* Count of statements queued or in flight (for metrics and back-pressure). */
int db_pending(const struct db *db);

/* Statement latency (db_query to its answer, queueing included) is counted in buckets
 * of these upper bounds (ms), then +Inf. */
#define DB_LATENCY_BUCKETS 13
extern const double db_latency_bucket_ms[DB_LATENCY_BUCKETS];
/* {"statements", "errors", "pending", "latency_ms": {"buckets", "count", "sum"}}:
 * a new object. */
json_t *db_stats(const struct db *db);

#endif

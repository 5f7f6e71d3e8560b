/* What chargers said and heard: GET /ocpp/chargers/{charger_id}/logs and
 * GET /ocpp/locations/{location_id}/logs, filtered by time (start_date, end_date),
 * event and direction, paged by limit / offset, oldest first or newest first (order),
 * or the latest N (tail=N, oldest first unless order=desc); `total` counts every entry
 * the filters match. With follow=1 the answer is a Server-Sent Events stream: the
 * latest `tail` entries or those from start_date (default: none before now), then
 * every new one as it is written (polled from the database, so a charger run by any
 * worker is seen). */
#include "api_handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet_ocpi_schema.h"
#include "fleet_rfc3339.h"
#include "orch_fleet.h"

#define FOLLOW_POLL_MS 500
#define FOLLOW_BATCH 500
#define KEEPALIVE_TICKS 30           /* a comment line every 15 s of silence */

static const char *const events[] = {"frame", "connected", "disconnected", "connect_failed",
                                     NULL};
static const char *const directions[] = {"in", "out", NULL};

/* A live stream: owns copies of the query's strings. */
struct follower {
    struct follower *next;           /* api->followers */
    struct api *api;
    struct api_req *req;             /* NULL once the client left or the stream ended */
    char tenant[72], charger_id[40], location_id[40], start[40], end[40], event[24],
        direction[8];
    struct orch_log_query q;
    uv_timer_t timer;
    int busy, closing, quiet;
};

static const char *copy_or_null(char *dst, size_t n, const char *src)
{
    if (!src)
        return NULL;
    snprintf(dst, n, "%s", src);
    return dst;
}

static void follower_unlink(struct follower *f)
{
    for (struct follower **pp = &f->api->followers; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            return;
        }
    }
}

static void follower_closed(uv_handle_t *h)
{
    struct follower *f = h->data;
    f->closing = 2;
    if (!f->busy)
        free(f);
}

/* Stops polling; the memory goes once the timer closed and no query is in flight. */
static void follower_stop(struct follower *f)
{
    if (f->closing)
        return;
    f->closing = 1;
    f->req = NULL;
    follower_unlink(f);
    uv_timer_stop(&f->timer);
    uv_close((uv_handle_t *)&f->timer, follower_closed);
}

static void client_left(void *arg)
{
    follower_stop(arg);
}

/* Sends rows (a borrowed array, oldest first) as "log" events; the stream goes on
 * after the last. */
static void write_rows(struct follower *f, json_t *rows)
{
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        char *text = json_dumps(row, JSON_COMPACT);
        long long id = json_integer_value(json_object_get(row, "id"));
        size_t n = strlen(text) + 64;
        char *msg = malloc(n);
        int len = snprintf(msg, n, "id: %lld\nevent: log\ndata: %s\n\n", id, text);
        api_req_stream_write(f->req, msg, (size_t)len);
        free(msg);
        free(text);
        f->q.after_id = id;
    }
}

static void rows_arrived(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct follower *f = arg;
    (void)detail;

    f->busy = 0;
    if (f->closing) {
        if (f->closing == 2)
            free(f);
        return;
    }
    if (st == ORCH_NOT_FOUND) {      /* the charger / location was deleted meanwhile */
        static const char gone[] = "event: end\ndata: {\"detail\": \"deleted\"}\n\n";
        api_req_stream_write(f->req, gone, sizeof gone - 1);
        api_req_stream_end(f->req);
        follower_stop(f);
        return;
    }
    if (st != ORCH_OK)               /* the database is away: poll on */
        return;
    json_t *doc = json_loads(json, 0, NULL);
    json_t *data = json_object_get(doc, "data");
    write_rows(f, data);
    if (json_array_size(data) > 0) {
        f->quiet = 0;
    } else if (++f->quiet >= KEEPALIVE_TICKS) {
        f->quiet = 0;
        api_req_stream_write(f->req, ": keepalive\n\n", 13);
    }
    json_decref(doc);
}

static void poll_cb(uv_timer_t *t)
{
    struct follower *f = t->data;
    if (f->busy || f->closing || !db_ready(f->api->db))
        return;
    f->busy = 1;
    orch_logs_query(f->api->db, f->tenant, &f->q, rows_arrived, f);
}

void api_logs_close_all(struct api *a)
{
    while (a->followers) {
        struct follower *f = a->followers;
        api_req_stream_end(f->req);
        follower_stop(f);
    }
}

/* Starts the stream of q's rows: first `rows` (borrowed, may be NULL), then every row
 * written after the last of them. */
static void follow(struct op *op, const struct orch_log_query *q, json_t *rows)
{
    struct follower *f = calloc(1, sizeof *f);

    f->api = op->api;
    f->req = op->req;
    snprintf(f->tenant, sizeof f->tenant, "%s", op->tenant);
    f->q = *q;
    f->q.charger_id = copy_or_null(f->charger_id, sizeof f->charger_id, q->charger_id);
    f->q.location_id = copy_or_null(f->location_id, sizeof f->location_id, q->location_id);
    f->q.start = copy_or_null(f->start, sizeof f->start, q->start);
    f->q.end = copy_or_null(f->end, sizeof f->end, q->end);
    f->q.event = copy_or_null(f->event, sizeof f->event, q->event);
    f->q.direction = copy_or_null(f->direction, sizeof f->direction, q->direction);
    f->q.limit = FOLLOW_BATCH;
    f->q.offset = 0;
    f->q.tail = 0;
    f->q.with_total = 0;
    op->req = NULL;                  /* the stream owns the request now */
    op_free(op);
    if (api_req_stream_start(f->req, "text/event-stream", client_left, f) != 0) {
        free(f);
        return;
    }
    f->next = f->api->followers;
    f->api->followers = f;
    uv_timer_init(f->api->fetch.loop, &f->timer);
    f->timer.data = f;
    uv_timer_start(&f->timer, poll_cb, FOLLOW_POLL_MS, FOLLOW_POLL_MS);
    api_req_stream_write(f->req, ": chargefleet log stream\n\n", 26);
    write_rows(f, rows);
}

/* Reads the query arguments into q (strings borrowed from the request); -1 when one
 * is bad (answered 422). */
static int read_query(struct op *op, struct orch_log_query *q, long *follow_arg)
{
    static const char *const orders[] = {"asc", "desc", NULL};
    const char *order;
    long tail;

    q->start = api_req_arg(op->req, "start_date");
    q->end = api_req_arg(op->req, "end_date");
    q->limit = 100;
    *follow_arg = 0;
    /* our own API: an offset is required (OCPI's DateTime may leave it out) */
    const char *bad = q->start && fleet_rfc3339_parse(q->start, NULL) != 0 ? "start_date"
                      : q->end && fleet_rfc3339_parse(q->end, NULL) != 0   ? "end_date"
                                                                         : NULL;
    if (bad)
        return query_invalid(op, bad, "value_error.datetime",
                             "an RFC 3339 date-time, e.g. 2026-11-30T12:00:00Z");
    if (query_filter(op, "event", events, &q->event) != 0 ||
        query_filter(op, "direction", directions, &q->direction) != 0 ||
        query_filter(op, "order", orders, &order) != 0)
        return -1;
    q->desc = order && strcmp(order, "desc") == 0;
    if (query_long(op, "limit", 1, 1000, &q->limit) < 0)
        return query_invalid(op, "limit", "value_error.number", "limit must be an integer in 1..1000");
    if (query_long(op, "offset", 0, 100000000L, &q->offset) < 0)
        return query_invalid(op, "offset", "value_error.number", "offset must be an integer >= 0");
    int has_tail = query_long(op, "tail", 1, 1000, &tail);
    if (has_tail < 0)
        return query_invalid(op, "tail", "value_error.number", "tail must be an integer in 1..1000");
    if (has_tail && (api_req_arg(op->req, "limit") || api_req_arg(op->req, "offset")))
        return query_invalid(op, "tail", "value_error.conflict",
                             "tail (the latest N entries) cannot be combined with limit or offset");
    if (has_tail) {
        q->tail = 1;
        q->limit = tail;
    }
    if (query_long(op, "follow", 0, 1, follow_arg) < 0)
        return query_invalid(op, "follow", "value_error.number", "follow must be 0 or 1");
    if (*follow_arg && q->desc)
        return query_invalid(op, "order", "value_error.conflict",
                             "a stream is oldest first: order=desc cannot be combined with follow=1");
    q->with_total = !*follow_arg;
    return 0;
}

/* The resource checked (404 when it is not the tenant's): the stream starts with the
 * latest `tail` rows if asked (they are in json), else from start_date or from now on. */
static void first_rows(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    struct orch_log_query q = {.charger_id = op->p[1][0] ? op->p[0] : NULL,
                               .location_id = op->p[1][0] ? NULL : op->p[0]};
    long follow_arg;
    char now[40];

    if (answer_failure(op, st, detail, op->what)) {
        op_free(op);
        return;
    }
    read_query(op, &q, &follow_arg);     /* checked already */
    if (q.tail) {
        json_t *doc = parse_doc(json);
        follow(op, &q, json_object_get(doc, "data"));
        json_decref(doc);
        return;
    }
    if (!q.start) {
        time_t t = time(NULL);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        q.start = now;
    }
    follow(op, &q, NULL);
}

static void get_logs(struct op *op, int of_charger)
{
    struct orch_log_query q = {.charger_id = of_charger ? op->p[0] : NULL,
                               .location_id = of_charger ? NULL : op->p[0]};
    long follow_arg;

    op->what = of_charger ? "charger" : "location";
    if (!require(op, is_uuid(op->p[0]), op->what) || read_query(op, &q, &follow_arg) != 0)
        return;
    if (!follow_arg) {
        orch_logs_query(op->api->db, op->tenant, &q, answer_doc(op, op->what), op);
        return;
    }
    snprintf(op->p[1], sizeof op->p[1], "%s", of_charger ? "charger" : "");
    if (!q.tail)
        q.limit = 1;                 /* only whether the resource is there */
    orch_logs_query(op->api->db, op->tenant, &q, first_rows, op);
}

static void charger_logs(struct op *op)
{
    get_logs(op, 1);
}

void get_charger_logs(struct op *op)
{
    with_charger(op, 0, charger_logs);
}

void get_location_logs(struct op *op)
{
    get_logs(op, 0);
}

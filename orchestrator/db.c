#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

#define DB_RETRY_MS 1000

struct db_query {
    struct db_query *next;
    char *sql;
    int nparams;
    char **params;
    db_cb cb;
    void *arg;
    uint64_t queued_ns;          /* uv_hrtime() when db_query was called */
};

enum db_conn_state { DB_CONN_DOWN, DB_CONN_CONNECTING, DB_CONN_UP };

struct db_conn {
    struct db *db;
    PGconn *pg;
    enum db_conn_state state;
    uv_poll_t *poll;           /* heap: recreated while connecting (fd may be reused) */
    int poll_fd;
    uv_timer_t retry;
    struct db_query *head, *tail; /* head is in flight when `busy` */
    int busy;
    int queued;
    int logged_down;
};

struct db {
    uv_loop_t *loop;
    char *conninfo;
    int npool;
    struct db_conn *conns;
    int closing;
    int open_handles;
    uv_idle_t *deliver;          /* runs failure callbacks outside db_query() */
    struct db_query *failed_head, *failed_tail;
    char *listen;                /* LISTEN channel of every connection, or NULL */
    void (*notified)(void *arg);
    void *notified_arg;
    uint64_t done, errors;       /* statements answered (errors among them) */
    uint64_t bucket[DB_LATENCY_BUCKETS + 1];
    double sum_ms;
};

const double db_latency_bucket_ms[DB_LATENCY_BUCKETS] = {
    0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000,
};

/* Queued to answered, whatever the outcome. */
static void count_latency(struct db *db, const struct db_query *q, int failed)
{
    double ms = (double)(uv_hrtime() - q->queued_ns) / 1e6;
    int i = 0;

    while (i < DB_LATENCY_BUCKETS && ms > db_latency_bucket_ms[i])
        i++;
    db->bucket[i]++;
    db->sum_ms += ms;
    db->done++;
    db->errors += failed != 0;
}

static void conn_start(struct db_conn *c);
static void conn_poll_cb(uv_poll_t *p, int status, int events);
static void conn_send_next(struct db_conn *c);

static void query_free(struct db_query *q)
{
    for (int i = 0; i < q->nparams; i++)
        free(q->params[i]);
    free(q->params);
    free(q->sql);
    free(q);
}

static void handle_closed(uv_handle_t *h)
{
    struct db *db = h->data;
    free(h);
    if (--db->open_handles == 0) {
        free(db->conns);
        free(db->conninfo);
        free(db->listen);
        free(db);
    }
}

static void timer_closed(uv_handle_t *h)
{
    struct db_conn *c = h->data;
    struct db *db = c->db;
    if (--db->open_handles == 0) {
        free(db->conns);
        free(db->conninfo);
        free(db->listen);
        free(db);
    }
}

static void poll_close(struct db_conn *c)
{
    if (!c->poll)
        return;
    uv_poll_stop(c->poll);
    c->poll->data = c->db;
    c->db->open_handles++;
    uv_close((uv_handle_t *)c->poll, handle_closed);
    c->poll = NULL;
    c->poll_fd = -1;
}

/* Watches the socket PQsocket() names now: libpq may close and reopen its socket
 * while it connects (another address of the host, SSL refused then plain), so every
 * step asks again, and a poll handle left on another descriptor is closed and made
 * anew. */
static void poll_watch(struct db_conn *c, int events)
{
    int fd = PQsocket(c->pg);
    if (c->poll && c->poll_fd != fd)
        poll_close(c);
    if (!c->poll) {
        c->poll = malloc(sizeof *c->poll);
        if (!c->poll || uv_poll_init(c->db->loop, c->poll, fd) != 0) {
            free(c->poll);
            c->poll = NULL;
            return;
        }
        c->poll->data = c;
        c->poll_fd = fd;
    }
    uv_poll_start(c->poll, events, conn_poll_cb);
}

static void deliver_cb(uv_idle_t *h);

/* Deliver a failure callback later, from the idle handle, never from inside db_query. */
static void fail_later(struct db *db, struct db_query *q)
{
    q->next = NULL;
    if (db->failed_tail)
        db->failed_tail->next = q;
    else
        db->failed_head = q;
    db->failed_tail = q;
    if (db->deliver)
        uv_idle_start(db->deliver, deliver_cb);
}

static void deliver_cb(uv_idle_t *h)
{
    struct db *db = h->data;
    uv_idle_stop(h);
    struct db_query *q = db->failed_head;
    db->failed_head = db->failed_tail = NULL;
    while (q) {
        struct db_query *next = q->next;
        q->cb(NULL, db->closing ? "database closed" : "database unavailable", q->arg);
        query_free(q);
        q = next;
    }
}

static void conn_fail_all(struct db_conn *c, const char *err)
{
    struct db_query *q = c->head;
    c->head = c->tail = NULL;
    c->busy = 0;
    c->queued = 0;
    while (q) {
        struct db_query *next = q->next;
        q->cb(NULL, err, q->arg);
        query_free(q);
        q = next;
    }
}

static void retry_cb(uv_timer_t *t)
{
    conn_start(t->data);
}

static void conn_down(struct db_conn *c, const char *why)
{
    char msg[256];
    snprintf(msg, sizeof msg, "database unavailable: %s", why);
    char *nl = strchr(msg, '\n');
    if (nl)
        *nl = '\0';
    if (!c->logged_down) {
        CF_LOG_WARN("db", "%s", msg);
        c->logged_down = 1;
    }
    poll_close(c);
    if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    c->state = DB_CONN_DOWN;
    conn_fail_all(c, msg);
    if (!c->db->closing)
        uv_timer_start(&c->retry, retry_cb, DB_RETRY_MS, 0);
}

static void notice_cb(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs (e.g. "relation already exists, skipping") are not errors */
}

static void listen_done(PGresult *res, const char *err, void *arg)
{
    if (err)
        CF_LOG_WARN("db", "LISTEN failed: %s", err);
}

/* LISTEN first on a connection that came up: a notification arrives on every
 * connection (the callback must not mind hearing one twice). */
static void queue_listen(struct db_conn *c)
{
    struct db_query *q = calloc(1, sizeof *q);
    size_t n = strlen(c->db->listen) + 16;

    q->sql = malloc(n);
    snprintf(q->sql, n, "LISTEN \"%s\"", c->db->listen);
    q->params = calloc(1, sizeof *q->params);
    q->cb = listen_done;
    q->queued_ns = uv_hrtime();
    if (c->busy) {                  /* head is in flight: next after it */
        q->next = c->head->next;
        c->head->next = q;
        if (c->tail == c->head)
            c->tail = q;
    } else {
        q->next = c->head;
        c->head = q;
        if (!c->tail)
            c->tail = q;
    }
    c->queued++;
}

static void connect_step(struct db_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        poll_watch(c, UV_READABLE);
        return;
    case PGRES_POLLING_WRITING:
        poll_watch(c, UV_WRITABLE);
        return;
    case PGRES_POLLING_OK:
        PQsetnonblocking(c->pg, 1);
        PQsetNoticeProcessor(c->pg, notice_cb, NULL);
        c->state = DB_CONN_UP;
        if (c->logged_down)
            CF_LOG_INFO("db", "database connection back");
        c->logged_down = 0;
        poll_watch(c, UV_READABLE);
        if (c->db->listen)
            queue_listen(c);
        conn_send_next(c);
        return;
    case PGRES_POLLING_FAILED:
    case PGRES_POLLING_ACTIVE:
    default:
        conn_down(c, PQerrorMessage(c->pg));
        return;
    }
}

static void conn_start(struct db_conn *c)
{
    c->pg = PQconnectStart(c->db->conninfo);
    if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
        conn_down(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
        return;
    }
    c->state = DB_CONN_CONNECTING;
    connect_step(c);
}

static void conn_send_next(struct db_conn *c)
{
    if (c->busy || !c->head || c->state != DB_CONN_UP)
        return;
    struct db_query *q = c->head;
    if (!PQsendQueryParams(c->pg, q->sql, q->nparams, NULL, (const char *const *)q->params,
                           NULL, NULL, 0)) {
        conn_down(c, PQerrorMessage(c->pg));
        return;
    }
    c->busy = 1;
    int f = PQflush(c->pg);
    if (f < 0) {
        conn_down(c, PQerrorMessage(c->pg));
        return;
    }
    poll_watch(c, f == 1 ? UV_READABLE | UV_WRITABLE : UV_READABLE);
}

/* Reads everything available; when the in-flight statement is complete, hands its
 * last result to the callback and sends the next one. */
static void conn_read(struct db_conn *c)
{
    if (!PQconsumeInput(c->pg)) {
        conn_down(c, PQerrorMessage(c->pg));
        return;
    }
    while (c->busy && !PQisBusy(c->pg)) {
        PGresult *last = NULL, *r;
        while ((r = PQgetResult(c->pg)) != NULL) {
            if (last)
                PQclear(last);
            last = r;
        }
        struct db_query *q = c->head;
        c->head = q->next;
        if (!c->head)
            c->tail = NULL;
        c->busy = 0;
        c->queued--;
        ExecStatusType st = last ? PQresultStatus(last) : PGRES_FATAL_ERROR;
        count_latency(c->db, q, st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            q->cb(last, NULL, q->arg);
        } else {
            char msg[512];
            snprintf(msg, sizeof msg, "%s",
                     last ? PQresultErrorMessage(last) : PQerrorMessage(c->pg));
            char *nl = strchr(msg, '\n');
            if (nl)
                *nl = '\0';
            q->cb(last, msg, q->arg);
        }
        if (last)
            PQclear(last);
        query_free(q);
        if (PQstatus(c->pg) == CONNECTION_BAD) {
            conn_down(c, PQerrorMessage(c->pg));
            return;
        }
        conn_send_next(c);
    }
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL) {
        PQfreemem(n);
        if (c->db->notified)
            c->db->notified(c->db->notified_arg);
    }
}

void db_listen(struct db *db, const char *channel, void (*cb)(void *arg), void *arg)
{
    free(db->listen);
    db->listen = channel ? strdup(channel) : NULL;
    db->notified = cb;
    db->notified_arg = arg;
    for (int i = 0; channel && i < db->npool; i++) {
        struct db_conn *c = &db->conns[i];
        if (c->state == DB_CONN_UP) {
            queue_listen(c);
            conn_send_next(c);
        }
    }
}

static void conn_poll_cb(uv_poll_t *p, int status, int events)
{
    struct db_conn *c = p->data;
    /* libuv reports EPOLLERR as UV_EBADF and stops the handle: libpq still decides. */
    if (c->state == DB_CONN_CONNECTING) {
        connect_step(c);
        return;
    }
    if (c->state != DB_CONN_UP)
        return;
    if (events & UV_WRITABLE || status < 0) {
        int f = PQflush(c->pg);
        if (f < 0) {
            conn_down(c, PQerrorMessage(c->pg));
            return;
        }
        if (f == 0 && c->poll)
            uv_poll_start(c->poll, UV_READABLE, conn_poll_cb);
    }
    if (events & UV_READABLE || status < 0)
        conn_read(c);
    if (c->state == DB_CONN_UP && status < 0 && c->poll)
        uv_poll_start(c->poll, UV_READABLE, conn_poll_cb);
}

int db_open(struct db **out, uv_loop_t *loop, const char *conninfo, int pool)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (!opts) {
        CF_LOG_ERROR("db", "bad database URL: %s", err ? err : "out of memory");
        PQfreemem(err);
        return -1;
    }
    PQconninfoFree(opts);
    if (pool < 1)
        pool = 1;
    struct db *db = calloc(1, sizeof *db);
    db->loop = loop;
    db->conninfo = strdup(conninfo);
    db->npool = pool;
    db->conns = calloc((size_t)pool, sizeof *db->conns);
    db->deliver = malloc(sizeof *db->deliver);
    uv_idle_init(loop, db->deliver);
    db->deliver->data = db;
    db->open_handles = 1;
    for (int i = 0; i < pool; i++) {
        struct db_conn *c = &db->conns[i];
        c->db = db;
        c->poll_fd = -1;
        uv_timer_init(loop, &c->retry);
        c->retry.data = c;
        db->open_handles++;
        conn_start(c);
    }
    *out = db;
    return 0;
}

void db_close(struct db *db)
{
    if (!db || db->closing)
        return;
    db->closing = 1;
    for (int i = 0; i < db->npool; i++) {
        struct db_conn *c = &db->conns[i];
        uv_timer_stop(&c->retry);
        poll_close(c);
        if (c->pg) {
            PQfinish(c->pg);
            c->pg = NULL;
        }
        c->state = DB_CONN_DOWN;
        conn_fail_all(c, "database closed");
        uv_close((uv_handle_t *)&c->retry, timer_closed);
    }
    deliver_cb(db->deliver);
    uv_close((uv_handle_t *)db->deliver, handle_closed);
    db->deliver = NULL;
}

void db_query(struct db *db, const char *sql, int nparams, const char *const *params,
              db_cb cb, void *arg)
{
    struct db_query *q = calloc(1, sizeof *q);
    q->sql = strdup(sql);
    q->nparams = nparams;
    q->params = calloc((size_t)(nparams ? nparams : 1), sizeof *q->params);
    for (int i = 0; i < nparams; i++)
        q->params[i] = params[i] ? strdup(params[i]) : NULL;
    q->cb = cb;
    q->arg = arg;
    q->queued_ns = uv_hrtime();

    /* Shortest queue among the connections that are up. */
    struct db_conn *best = NULL;
    for (int i = 0; i < db->npool; i++) {
        struct db_conn *c = &db->conns[i];
        if (c->state == DB_CONN_UP && (!best || c->queued < best->queued))
            best = c;
    }
    if (!best || db->closing) {
        fail_later(db, q);
        return;
    }
    if (best->tail)
        best->tail->next = q;
    else
        best->head = q;
    best->tail = q;
    best->queued++;
    conn_send_next(best);
}

int db_ready(const struct db *db)
{
    for (int i = 0; i < db->npool; i++)
        if (db->conns[i].state == DB_CONN_UP)
            return 1;
    return 0;
}

int db_pending(const struct db *db)
{
    int n = 0;
    for (int i = 0; i < db->npool; i++)
        n += db->conns[i].queued;
    return n;
}

json_t *db_stats(const struct db *db)
{
    json_t *buckets = json_array();

    for (int i = 0; i <= DB_LATENCY_BUCKETS; i++)
        json_array_append_new(buckets, json_integer((json_int_t)db->bucket[i]));
    return json_pack("{s:I,s:I,s:i,s:{s:o,s:I,s:f}}",
                     "statements", (json_int_t)db->done, "errors", (json_int_t)db->errors,
                     "pending", db_pending(db),
                     "latency_ms", "buckets", buckets, "count", (json_int_t)db->done,
                     "sum", db->sum_ms);
}

static int array_reserve(struct db_array *a, size_t more)
{
    if (a->len + more <= a->cap)
        return 0;
    size_t cap = a->cap ? a->cap : 4096;
    while (cap < a->len + more)
        cap *= 2;
    char *grown = realloc(a->text, cap);
    if (!grown)
        return -1;
    a->text = grown;
    a->cap = cap;
    return 0;
}

int db_array_add(struct db_array *a, const char *s, size_t n)
{
    if (s && memchr(s, '\0', n))
        return -1;
    /* worst case: every byte escaped, quotes, separator, and "}" + NUL of db_array_text */
    if (array_reserve(a, (s ? 2 * n + 3 : 5) + 2) != 0)
        return -1;
    a->text[a->len++] = a->count ? ',' : '{';
    if (!s) {
        memcpy(a->text + a->len, "NULL", 4);
        a->len += 4;
    } else {
        a->text[a->len++] = '"';
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"' || s[i] == '\\')
                a->text[a->len++] = '\\';
            a->text[a->len++] = s[i];
        }
        a->text[a->len++] = '"';
    }
    a->count++;
    return 0;
}

const char *db_array_text(struct db_array *a)
{
    if (array_reserve(a, 3) != 0)
        return NULL;
    if (!a->count)
        a->text[a->len] = '{';
    /* the closing brace is written past len: the next add overwrites it */
    size_t end = a->count ? a->len : a->len + 1;
    a->text[end] = '}';
    a->text[end + 1] = '\0';
    return a->text;
}

void db_array_free(struct db_array *a)
{
    free(a->text);
    memset(a, 0, sizeof *a);
}

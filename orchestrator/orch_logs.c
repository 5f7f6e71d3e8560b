#include "orch_logs.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cf_log.h"

#define BATCH 4000               /* entries per INSERT: bounds libpq's buffers */

/* One text array per column (db_array): PostgreSQL parsed the same rows as JSON for
 * json_to_recordset at ~10 µs a row, the largest part of writing a booting fleet's
 * logs; unnest() of text arrays reads them ten times faster. A row goes only if its
 * charger still exists (deleted meanwhile: its logs went with it), looked up by id for
 * each row: a LATERAL subquery with LIMIT is never turned into a join, which PostgreSQL
 * (knowing the batch's size) made a hash join over the whole chargers table. */
static const char SQL_INSERT[] =
    "INSERT INTO charger_logs (charger_id, at, event, direction, action, message_id, detail) "
    "SELECT c, t, e, d, a, m, x FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], "
    "  $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY "
    "  AS r(c, t, e, d, a, m, x, n), "
    "  LATERAL (SELECT 1 FROM chargers WHERE id = r.c LIMIT 1) alive "
    "ORDER BY n";             /* ids in the order things happened, whatever the plan */

enum { C_CHARGER, C_AT, C_EVENT, C_DIRECTION, C_ACTION, C_MESSAGE_ID, C_DETAIL, COLUMNS };

/* A batch costs the bytes of its entries (as array text), and goes as one statement. */
struct batch {
    struct batch *next;
    struct db_array col[COLUMNS];
    size_t count;
};

struct orch_logs {
    struct db *db;
    size_t max_pending, pending;
    struct batch *cur;           /* filling */
    struct batch *head, *tail;   /* sealed, oldest first; head is written first */
    int writing;
    unsigned long dropped;       /* since the last warning */
    int failures;                /* consecutive failed writes of the head */
    void (*on_written)(void *);  /* after every write */
    void *arg;
};

static void batch_free(struct batch *b)
{
    if (b) {
        for (int i = 0; i < COLUMNS; i++)
            db_array_free(&b->col[i]);
        free(b);
    }
}

struct orch_logs *orch_logs_new(struct db *db, size_t max_pending, void (*on_written)(void *),
                                void *arg)
{
    struct orch_logs *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->db = db;
    l->max_pending = max_pending;
    l->on_written = on_written;
    l->arg = arg;
    return l;
}

static void seal(struct orch_logs *l)
{
    struct batch *b = l->cur;
    if (!b || b->count == 0)
        return;
    l->cur = NULL;
    if (l->tail)
        l->tail->next = b;
    else
        l->head = b;
    l->tail = b;
}

static void write_head(struct orch_logs *l);

/* Text PostgreSQL takes: valid UTF-8 (jansson checks it), no NUL byte. */
static int storable(const char *s, size_t n)
{
    if (memchr(s, '\0', n))
        return 0;
    json_t *j = json_stringn(s, n);
    json_decref(j);
    return j != NULL;
}

static int add_str(struct db_array *a, const char *s)
{
    if (s && !storable(s, strlen(s)))
        s = NULL;                /* a CSMS's action or id that is not text: left out */
    return db_array_add(a, s, s ? strlen(s) : 0);
}

void orch_logs_add(struct orch_logs *l, const char *charger_id, const struct sim_log *e)
{
    char ts[25];

    if (l->pending >= l->max_pending) {
        l->dropped++;
        return;
    }
    if (!l->cur && !(l->cur = calloc(1, sizeof *l->cur))) {
        l->dropped++;
        return;
    }
    cf_now_rfc3339(ts);
    const char *detail = e->detail;
    size_t detail_len = e->detail_len;
    if (!storable(detail, detail_len)) {   /* keep what happened, not the bytes */
        detail = "(frame is not valid UTF-8)";
        detail_len = strlen(detail);
    }
    struct batch *b = l->cur;
    struct db_array *c = b->col;
    size_t mark[COLUMNS];
    for (int i = 0; i < COLUMNS; i++)
        mark[i] = c[i].len;
    if (add_str(&c[C_CHARGER], charger_id) || add_str(&c[C_AT], ts) ||
        add_str(&c[C_EVENT], e->event) || add_str(&c[C_DIRECTION], e->direction) ||
        add_str(&c[C_ACTION], e->action) ||
        add_str(&c[C_MESSAGE_ID], e->message_id && *e->message_id ? e->message_id : NULL) ||
        db_array_add(&c[C_DETAIL], detail, detail_len)) {
        /* out of memory part way: the columns go back to the rows before */
        for (int i = 0; i < COLUMNS; i++)
            if (c[i].len != mark[i]) {
                c[i].len = mark[i];
                c[i].count = b->count;
            }
        l->dropped++;
        return;
    }
    b->count++;
    l->pending++;
    if (b->count >= BATCH) {
        seal(l);
        write_head(l);
    }
}

static void written(PGresult *res, const char *err, void *arg)
{
    struct orch_logs *l = arg;
    struct batch *b = l->head;
    (void)res;

    l->writing = 0;
    if (err && ++l->failures <= 3) {
        CF_LOG_WARN("orch", "cannot write charger logs (will retry): %s", err);
    } else {
        if (err)
            CF_LOG_WARN("orch", "cannot write charger logs: %s (%zu entries dropped)", err,
                        b->count);
        l->failures = 0;
        l->head = b->next;
        if (!l->head)
            l->tail = NULL;
        l->pending -= b->count;
        batch_free(b);
    }
    if (!err)
        write_head(l);            /* more sealed batches: on with them */
    if (!err && !l->head)
        malloc_trim(0);           /* a burst drained: give its heap back (glibc keeps it) */
    if (l->on_written)
        l->on_written(l->arg);
}

static void write_head(struct orch_logs *l)
{
    if (l->writing || !l->head || !db_ready(l->db))
        return;
    const char *params[COLUMNS];
    for (int i = 0; i < COLUMNS; i++)
        if (!(params[i] = db_array_text(&l->head->col[i])))
            return;                /* out of memory: the next flush tries again */
    l->writing = 1;
    db_query(l->db, SQL_INSERT, COLUMNS, params, written, l);
}

int orch_logs_flush(struct orch_logs *l)
{
    if (l->dropped) {
        CF_LOG_WARN("orch", "charger log backlog full (%zu entries): %lu dropped",
                    l->max_pending, l->dropped);
        l->dropped = 0;
    }
    seal(l);
    if (l->writing || !l->head || !db_ready(l->db))
        return 0;
    write_head(l);
    return 1;
}

size_t orch_logs_pending(const struct orch_logs *l)
{
    return l->pending;
}

int orch_logs_busy(const struct orch_logs *l)
{
    return l->writing;
}

void orch_logs_free(struct orch_logs *l)
{
    if (!l)
        return;
    batch_free(l->cur);
    while (l->head) {
        struct batch *b = l->head;
        l->head = b->next;
        batch_free(b);
    }
    free(l);
}

#include "orch_logs.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cf_log.h"

#define BATCH 4000               /* entries per INSERT: bounds libpq's buffers */

static const char SQL_INSERT[] =
    "INSERT INTO charger_logs (charger_id, at, event, direction, action, message_id, detail) "
    "SELECT c, t, e, d, a, m, x FROM json_to_recordset($1::json) "
    "  AS r(c uuid, t timestamptz, e text, d text, a text, m text, x text) "
    "WHERE EXISTS (SELECT 1 FROM chargers WHERE id = r.c)";   /* deleted meanwhile */

/* A batch is JSON text "[{...},{...}]", not JSON objects: it costs the bytes of its
 * entries, and goes as one block when written. */
struct batch {
    struct batch *next;
    char *text;
    size_t len, cap, count;
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
        free(b->text);
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

static int append(struct batch *b, const char *text, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 2)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown)
            return -1;
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, text, n);
    b->len += n;
    return 0;
}

static void seal(struct orch_logs *l)
{
    struct batch *b = l->cur;
    if (!b || b->count == 0)
        return;
    b->text[b->len++] = ']';
    b->text[b->len] = '\0';
    l->cur = NULL;
    if (l->tail)
        l->tail->next = b;
    else
        l->head = b;
    l->tail = b;
}

static void write_head(struct orch_logs *l);

static void set_str(json_t *o, const char *key, const char *s)
{
    if (s)
        json_object_set_new(o, key, json_string(s));
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
    json_t *o = json_pack("{s:s,s:s,s:s,s:s%}", "c", charger_id, "t", ts, "e", e->event, "x",
                          e->detail, e->detail_len);
    if (!o)                      /* not UTF-8: keep what happened, not the bytes */
        o = json_pack("{s:s,s:s,s:s,s:s}", "c", charger_id, "t", ts, "e", e->event, "x",
                      "(frame is not valid UTF-8)");
    set_str(o, "d", e->direction);
    set_str(o, "a", e->action);
    set_str(o, "m", e->message_id && *e->message_id ? e->message_id : NULL);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    struct batch *b = l->cur;
    if (text && append(b, b->count ? "," : "[", 1) == 0 && append(b, text, strlen(text)) == 0) {
        b->count++;
        l->pending++;
    } else {
        l->dropped++;
    }
    free(text);
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
    l->writing = 1;
    const char *params[1] = {l->head->text};
    db_query(l->db, SQL_INSERT, 1, params, written, l);
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

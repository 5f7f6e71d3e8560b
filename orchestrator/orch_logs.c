#include "orch_logs.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cf_log.h"

static const char SQL_INSERT[] =
    "INSERT INTO charger_logs (charger_id, at, event, direction, action, message_id, detail) "
    "SELECT c, t, e, d, a, m, x FROM json_to_recordset($1::json) "
    "  AS r(c uuid, t timestamptz, e text, d text, a text, m text, x text) "
    "WHERE EXISTS (SELECT 1 FROM chargers WHERE id = r.c)";   /* deleted meanwhile */

struct orch_logs {
    struct db *db;
    size_t max_pending;
    json_t *pending;             /* [{c, t, e, d?, a?, m?, x}] */
    json_t *in_flight;
    unsigned long dropped;       /* since the last warning */
    int failures;                /* consecutive failed writes */
    void (*done)(void *);
    void *done_arg;
};

struct orch_logs *orch_logs_new(struct db *db, size_t max_pending)
{
    struct orch_logs *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->db = db;
    l->max_pending = max_pending;
    l->pending = json_array();
    return l;
}

static void set_str(json_t *o, const char *key, const char *s)
{
    if (s)
        json_object_set_new(o, key, json_string(s));
}

void orch_logs_add(struct orch_logs *l, const char *charger_id, const struct sim_log *e)
{
    char ts[25];

    if (json_array_size(l->pending) >= l->max_pending) {
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
    json_array_append_new(l->pending, o);
}

static void written(PGresult *res, const char *err, void *arg)
{
    struct orch_logs *l = arg;
    (void)res;
    if (err) {
        /* keep them for the next try, oldest first, unless the database stays away */
        if (++l->failures <= 3) {
            json_array_extend(l->in_flight, l->pending);
            json_decref(l->pending);
            l->pending = l->in_flight;
            l->in_flight = NULL;
        }
        CF_LOG_WARN("orch", "cannot write charger logs%s: %s",
                    l->failures <= 3 ? " (will retry)" : " (entries dropped)", err);
    } else {
        l->failures = 0;
    }
    json_decref(l->in_flight);
    l->in_flight = NULL;
    void (*done)(void *) = l->done;
    l->done = NULL;
    if (done)
        done(l->done_arg);
}

int orch_logs_flush(struct orch_logs *l, void (*done)(void *arg), void *arg)
{
    if (l->dropped) {
        CF_LOG_WARN("orch", "charger log backlog full (%zu entries): %lu dropped",
                    l->max_pending, l->dropped);
        l->dropped = 0;
    }
    if (l->in_flight || json_array_size(l->pending) == 0 || !db_ready(l->db))
        return 0;
    char *text = json_dumps(l->pending, JSON_COMPACT);
    l->in_flight = l->pending;
    l->pending = json_array();
    l->done = done;
    l->done_arg = arg;
    const char *params[1] = {text};
    db_query(l->db, SQL_INSERT, 1, params, written, l);
    free(text);
    return 1;
}

size_t orch_logs_pending(const struct orch_logs *l)
{
    return json_array_size(l->pending);
}

int orch_logs_busy(const struct orch_logs *l)
{
    return l->in_flight != NULL;
}

void orch_logs_free(struct orch_logs *l)
{
    if (!l)
        return;
    json_decref(l->pending);
    json_decref(l->in_flight);
    free(l);
}

/* One statement, one JSON document (orch_query.h). */
#include "orch_query.h"

#include <stdlib.h>
#include <string.h>

struct call {
    orch_json_cb cb;
    void *arg;
};

/* One row, one JSON column → OK; no row → NOT_FOUND; unique violation → CONFLICT. */
static void on_result(PGresult *res, const char *err, void *arg)
{
    struct call c = *(struct call *)arg;

    free(arg);
    if (err) {
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        if (state && strcmp(state, "23505") == 0)
            c.cb(ORCH_CONFLICT, NULL, err, c.arg);
        else
            c.cb(ORCH_DB_ERROR, NULL, err, c.arg);
        return;
    }
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
        c.cb(ORCH_NOT_FOUND, NULL, "not found", c.arg);
        return;
    }
    c.cb(ORCH_OK, PQgetvalue(res, 0, 0), NULL, c.arg);
}

void orch_query_json(struct db *db, const char *sql, int n, const char *const *params,
                     orch_json_cb cb, void *arg)
{
    struct call *c = malloc(sizeof(*c));

    if (!c) {
        cb(ORCH_DB_ERROR, NULL, "out of memory", arg);
        return;
    }
    c->cb = cb;
    c->arg = arg;
    db_query(db, sql, n, params, on_result, c);
}

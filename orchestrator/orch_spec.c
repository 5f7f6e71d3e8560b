#include "orch_spec.h"

#include <stdlib.h>

void orch_spec_columns(const PGresult *res, struct orch_spec_cols *c)
{
    c->identity = PQfnumber(res, "identity");
#define FIND(a, name, kind, sql, group, doc) c->at[CF_CHARGER_COL_##name] = PQfnumber(res, #name);
    CF_CHARGER_COLUMNS(FIND, )
#undef FIND
}

/* A column's value of row `row` as the member's type (NULL / 0 when NULL or absent). */
static const char *read_TEXT(const PGresult *res, int row, int col)
{
    return col < 0 || PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int read_INT(const PGresult *res, int row, int col)
{
    const char *s = read_TEXT(res, row, col);
    return s ? atoi(s) : 0;
}

static double read_REAL(const PGresult *res, int row, int col)
{
    const char *s = read_TEXT(res, row, col);
    return s ? atof(s) : 0;
}

static json_t *read_JSON(const PGresult *res, int row, int col)
{
    const char *s = read_TEXT(res, row, col);
    return s ? json_loads(s, 0, NULL) : NULL;
}

void orch_spec_read(const PGresult *res, int row, const struct orch_spec_cols *c,
                    struct cf_charger_spec *out)
{
    out->identity = read_TEXT(res, row, c->identity);
#define READ(a, name, kind, sql, group, doc)                                            \
    out->name = read_##kind(res, row, c->at[CF_CHARGER_COL_##name]);
    CF_CHARGER_COLUMNS(READ, )
#undef READ
}

#define CLEAR_TEXT(m)
#define CLEAR_INT(m)
#define CLEAR_REAL(m)
#define CLEAR_JSON(m) json_decref(m), (m) = NULL;

void orch_spec_clear(struct cf_charger_spec *s)
{
#define CLEAR(a, name, kind, sql, group, doc) CLEAR_##kind(s->name)
    CF_CHARGER_COLUMNS(CLEAR, )
#undef CLEAR
}

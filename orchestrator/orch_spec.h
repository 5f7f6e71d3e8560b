/* The charger spec's columns (fleet_spec.h) on the database side: the SQL column lists
 * the statements that write and read chargers use, the charger document's columns, and
 * the reader of a query result's charger columns, by name. All expand CF_CHARGER_COLUMNS:
 * a column added there is written, read and shown without a change here. */
#ifndef ORCH_SPEC_H
#define ORCH_SPEC_H

#include <libpq-fe.h>

#include "fleet_spec.h"

/* One column of the list as SQL text, after a comma (every list starts with identity). */
#define ORCH__SQL_COL(a, name, kind, sql, group, doc) ", " #name
#define ORCH__SQL_TYPED(a, name, kind, sql, group, doc) ", " #name " " sql
#define ORCH__SQL_OF(a, name, kind, sql, group, doc) ", " a "." #name
#define ORCH__SQL_VALUE(a, name, kind, sql, group, doc) ", " FLEET_IF_OWN(group, a ".") #name
#define ORCH__SQL_SHOWN(a, name, kind, sql, group, doc)                                 \
    FLEET_IF_SHOWN(doc, ", '" #name "', " a "." #name)

/* The columns of a charger row as a plan writes it, and the same with their types
 * (json_to_recordset reads a plan's rows with it; a plan group's "row" lacks the OWN
 * ones, which are then NULL). */
#define ORCH_SQL_CHARGER_COLS "identity" CF_CHARGER_COLUMNS(ORCH__SQL_COL, )
#define ORCH_SQL_CHARGER_TYPES "identity text" CF_CHARGER_COLUMNS(ORCH__SQL_TYPED, )
/* The values of ORCH_SQL_CHARGER_COLS for a row whose OWN columns come from alias u
 * (the expansion's output) and its SHARED ones unqualified (its group's record). */
#define ORCH_SQL_CHARGER_VALUES(u) u ".identity" CF_CHARGER_COLUMNS(ORCH__SQL_VALUE, u)
/* The charger document's spec columns of row t, as json_build_object arguments after
 * one before them. */
#define ORCH_SQL_CHARGER_SHOWN(t) CF_CHARGER_COLUMNS(ORCH__SQL_SHOWN, t)

/* What a runtime reads of a charger it takes on (orch_runtime.c, by name): its claim's
 * RETURNING, and the rows the runtime writing a plan keeps for itself (orch_plans.c);
 * each statement adds the connect_rate delay as start_delay_ms. t: the row's alias. */
#define ORCH_SQL_HELD_COLS(t)                                                           \
    t ".id, " t ".status, " t ".lease_gen, " t ".identity" CF_CHARGER_COLUMNS(ORCH__SQL_OF, t)

/* Where the spec's columns are in one query result (PQfnumber, -1 when it lacks one):
 * found once per result by orch_spec_columns, then used for each row. */
struct orch_spec_cols {
    int identity;
    int at[CF_CHARGER__NCOLS];
};
void orch_spec_columns(const PGresult *res, struct orch_spec_cols *c);

/* Row `row` of res into *out. Strings are borrowed from res (valid until PQclear); NULL
 * (or 0) for a NULL value or a column res lacks. JSON columns are parsed: new
 * references (NULL when not JSON), released by orch_spec_clear. */
void orch_spec_read(const PGresult *res, int row, const struct orch_spec_cols *c,
                    struct cf_charger_spec *out);
void orch_spec_clear(struct cf_charger_spec *s);

#endif

/* The typed charger: every column a charger is created with, in ONE list, expanded into
 * the C struct, the plan's JSON rows (here), the SQL column lists, the row reader of a
 * query result by column name and the charger document (orchestrator/orch_spec.h), and
 * the simulator's configuration (sim_spec.h). A new charger field is a row here, its
 * column in a migration (sql/) and its place in the API document (api/openapi.json);
 * the validator sets it unless it is GIVEN, and the simulator reads it in sim_spec.c
 * if it changes how a charger behaves.
 *
 * CF_CHARGER_COLUMNS(X, a) calls X(a, name, kind, sql_type, group, doc) once per
 * column, after `identity` (the one column every list starts with, spelled out):
 *   name      the column, the JSON key of plan rows and documents, the struct member
 *   kind      TEXT (const char *), INT (int), REAL (double), JSON (json_t *)
 *   sql_type  its type in the plan's SQL records (json_to_recordset)
 *   group     OWN: drawn for each charger when a group is expanded (fleet_expand.h);
 *             SHARED: what every charger of a group has (the plan group's "row"), set
 *             by the validator; GIVEN: SHARED, taken as it is from the request's
 *             charger template (under the same key) once the API document's schema
 *             passed it (fleet_spec_given): a field that needs no other check
 *   doc       SHOWN: in the charger document as is; HIDDEN: not (secrets, or said
 *             another way: security_profile is "security.profile")
 * a is passed through to X untouched (an SQL alias, say). The order is the charger
 * document's. */
#ifndef FLEET_SPEC_H
#define FLEET_SPEC_H

#include <jansson.h>

#define CF_CHARGER_COLUMNS(X, a)                                                        \
    X(a, charge_point_name, TEXT, "text",     OWN,    SHOWN)                            \
    X(a, brand_slug,        TEXT, "text",     SHARED, SHOWN)                            \
    X(a, model_slug,        TEXT, "text",     SHARED, SHOWN)                            \
    X(a, vendor,            TEXT, "text",     SHARED, SHOWN)                            \
    X(a, model,             TEXT, "text",     SHARED, SHOWN)                            \
    X(a, serial,            TEXT, "text",     OWN,    SHOWN)                            \
    X(a, firmware,          TEXT, "text",     SHARED, SHOWN)                            \
    X(a, connectors,        INT,  "int",      SHARED, SHOWN)                            \
    X(a, connector_type,    TEXT, "text",     SHARED, SHOWN)                            \
    X(a, max_power_kw,      REAL, "float8",   SHARED, SHOWN)                            \
    X(a, ocpp_version,      TEXT, "text",     SHARED, SHOWN)                            \
    X(a, ws_url,            TEXT, "text",     SHARED, SHOWN)                            \
    X(a, ca_file,           TEXT, "text",     SHARED, SHOWN)                            \
    X(a, security_profile,  INT,  "smallint", SHARED, HIDDEN)                           \
    X(a, basic_password,    TEXT, "text",     SHARED, HIDDEN)                           \
    X(a, ca_pem,            TEXT, "text",     SHARED, HIDDEN)                           \
    X(a, client_cert_pem,   TEXT, "text",     SHARED, HIDDEN)                           \
    X(a, client_key_pem,    TEXT, "text",     SHARED, HIDDEN)                           \
    X(a, behavior,          JSON, "jsonb",    SHARED, HIDDEN)

/* For the expansions: the C type of a kind; what follows when group / doc is the one
 * named (FLEET_IF_SHARED(group, x) is x for a SHARED column, nothing for an OWN one). */
#define FLEET_CTYPE_TEXT const char *
#define FLEET_CTYPE_INT int
#define FLEET_CTYPE_REAL double
#define FLEET_CTYPE_JSON json_t *
#define FLEET_IF_SHARED(group, ...) FLEET__IF_SHARED_##group(__VA_ARGS__)
#define FLEET__IF_SHARED_SHARED(...) __VA_ARGS__
#define FLEET__IF_SHARED_GIVEN(...) __VA_ARGS__
#define FLEET__IF_SHARED_OWN(...)
#define FLEET_IF_OWN(group, ...) FLEET__IF_OWN_##group(__VA_ARGS__)
#define FLEET__IF_OWN_OWN(...) __VA_ARGS__
#define FLEET__IF_OWN_SHARED(...)
#define FLEET__IF_OWN_GIVEN(...)
#define FLEET_IF_GIVEN(group, ...) FLEET__IF_GIVEN_##group(__VA_ARGS__)
#define FLEET__IF_GIVEN_GIVEN(...) __VA_ARGS__
#define FLEET__IF_GIVEN_SHARED(...)
#define FLEET__IF_GIVEN_OWN(...)
#define FLEET_IF_SHOWN(doc, ...) FLEET__IF_SHOWN_##doc(__VA_ARGS__)
#define FLEET__IF_SHOWN_SHOWN(...) __VA_ARGS__
#define FLEET__IF_SHOWN_HIDDEN(...)

/* One charger as it is created. Strings and JSON are borrowed from where the spec was
 * read (fleet_spec_from_json: the row; orch_spec_read: the result, but JSON members
 * are new references there, see orch_spec.h); NULL: not set. */
struct cf_charger_spec {
    const char *identity;
#define FLEET__MEMBER(a, name, kind, sql, group, doc) FLEET_CTYPE_##kind name;
    CF_CHARGER_COLUMNS(FLEET__MEMBER, )
#undef FLEET__MEMBER
};

/* The index of each column in the list, for tables kept per column. */
enum cf_charger_col {
#define FLEET__INDEX(a, name, kind, sql, group, doc) CF_CHARGER_COL_##name,
    CF_CHARGER_COLUMNS(FLEET__INDEX, )
#undef FLEET__INDEX
    CF_CHARGER__NCOLS
};

/* Reads a plan row (borrowed: {"identity", every column}, as fleet_expand_group and
 * the validators make them) into *out: strings and JSON borrowed from row; a column
 * the row lacks is NULL or 0. */
void fleet_spec_from_json(json_t *row, struct cf_charger_spec *out);

/* Sets the GIVEN columns of *out from a charger template (borrowed; strings and JSON
 * borrowed from it; absent: NULL or 0). */
void fleet_spec_given(json_t *tmpl, struct cf_charger_spec *out);

/* The SHARED (and GIVEN) columns of s as a plan group's "row" (a new object): every INT and REAL
 * column, and the TEXT and JSON ones that are set (NULL ones are left out; JSON
 * values are copied by reference). */
json_t *fleet_spec_shared_json(const struct cf_charger_spec *s);

#endif

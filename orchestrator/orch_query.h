/* How the orchestrator answers the API: one statement whose one row holds one JSON
 * document built in SQL, handed to an orch_json_cb with a status. Every module that
 * answers requests (orch_jobs, orch_fleet, orch_models, orch_ocpi, orch_tenants) uses it. */
#ifndef ORCH_QUERY_H
#define ORCH_QUERY_H

#include "db.h"

/* SQL text of a timestamptz expression as an RFC 3339 UTC string. */
#define ORCH_SQL_RFC3339(x)                                                             \
    "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

enum orch_status {
    ORCH_OK = 0,
    ORCH_NOT_FOUND,   /* the location / CPO / job does not exist */
    ORCH_CONFLICT,    /* a unique constraint: an identity was taken meanwhile */
    ORCH_DB_ERROR,    /* database unavailable or failed: detail says why */
};

/* json is the document (borrowed, valid during the call) when status is ORCH_OK, else
 * NULL; detail is a one-line reason for the other statuses. */
typedef void (*orch_json_cb)(enum orch_status status, const char *json, const char *detail,
                             void *arg);

/* Runs sql (one row, one JSON column expected) and answers through cb: no row or a
 * NULL value → ORCH_NOT_FOUND, unique violation → ORCH_CONFLICT. */
void orch_query_json(struct db *db, const char *sql, int n, const char *const *params,
                     orch_json_cb cb, void *arg);

#endif

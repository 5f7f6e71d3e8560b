/* What the route handlers share (internal to api/): the request in flight (struct
 * op), the answers every handler gives the same way, and the handlers themselves,
 * grouped by file: api_create.c (the job-creating routes and job status),
 * api_fleet.c (list / read / update / delete), api_catalog.c (models, galleries),
 * api_routes.c (the table, auth, health). */
#ifndef API_HANDLERS_H
#define API_HANDLERS_H

#include <jansson.h>

#include "api_fetch.h"
#include "api_http.h"
#include "api_routes.h"
#include "fleet_validate.h"
#include "fleet_validate_update.h"
#include "db.h"
#include "orch_jobs.h"

#define MAX_PARAMS API_ROUTE_PARAMS

struct api_token_cache;

struct api {
    struct db *db;
    char *token;                    /* the bootstrap token of tenant "default" */
    char *default_ws_url;
    char *builtin_csms_url;         /* default_ws_url when it is serve's built-in CSMS */
    char *public_url;
    void (*kick)(void *arg);
    void *kick_arg;
    json_t *token_tenants;          /* token hash -> {tenant, read_only, until (ms, monotonic)}:
                                     * tokens seen valid, checked again after until */
    struct api_fetch_env fetch;     /* outgoing HTTP (OCPI); vh NULL until the server is up */
    struct follower *followers;     /* live log streams (api_logs.c) */
    json_t *(*local_runtime)(void *arg);
    void *local_runtime_arg;
    long (*spare_room)(void *arg);  /* api_opts.spare_room */
    void *spare_room_arg;
};

/* One request in flight through the database. */
struct op {
    struct api *api;
    struct api_req *req;
    const struct route *route;
    json_t *body;                   /* the parsed request body, owned */
    char p[MAX_PARAMS][128];        /* path parameters */
    const char *what;               /* the resource, for a 404 (static string) */
    char tenant[72];                /* whose request it is (after auth) */
    char token_a[65];
    json_t *state;                  /* a handler's own state across round trips, owned */
    void (*next)(struct op *op);    /* a handler's continuation */
    int param;                      /* with_charger: the path parameter it resolves */
};

void op_free(struct op *op);

/* Shapes of path parameters. */
int is_uuid(const char *s);
int is_id(const char *s);

/* Answers 404 "<what> not found" and frees op when ok is false; returns ok. */
int require(struct op *op, int ok, const char *what);

/* Maps an orchestrator failure to the HTTP answer (404 names `what`). Returns 1 when
 * it answered (op is not freed). */
int answer_failure(struct op *op, enum orch_status st, const char *detail, const char *what);
/* Answers a failed validation (422 / 404). Returns 1 when it answered. */
int answer_invalid(struct op *op, enum fleet_valid v, json_t *errors);
/* Parses a JSON text produced by SQL (new reference; NULL only on a bug). */
json_t *parse_doc(const char *text);
/* orch_json_cb that answers the document with 200 (404 "<op->what> not found"). */
void pass_through(enum orch_status st, const char *json, const char *detail, void *arg);
/* pass_through, with `what` (a static string) naming the resource in a 404. */
orch_json_cb answer_doc(struct op *op, const char *what);

/* An integer query argument in [min, max]: 0 absent, 1 in *out, -1 not such an integer
 * (nothing answered: the caller says it in its own format). */
int query_long(struct op *op, const char *name, long min, long max, long *out);

/* Query arguments: `page` (>= 1, default 1) and `limit` (1..100, default 50), or 422
 * naming the argument. Returns 0, or -1 after answering (op freed). */
struct orch_page;
int read_page(struct op *op, struct orch_page *pg);

/* api_create.c */
void post_chargers(struct op *op);
void get_chargers_job(struct op *op);
void post_locations(struct op *op);
void get_locations_job(struct op *op);
void post_cpo(struct op *op);
void get_cpo_status(struct op *op);

/* Answers 422 naming query argument `name` (loc ["query", name]) and frees op;
 * returns -1. */
int query_invalid(struct op *op, const char *name, const char *type, const char *msg);
/* A query argument that must be one of allowed (NULL-terminated): 0 (*out = the value
 * or NULL), or -1 answered 422. */
int query_filter(struct op *op, const char *name, const char *const *allowed,
                 const char **out);

/* api_logs.c */
void get_charger_logs(struct op *op);
void get_location_logs(struct op *op);
/* api_metrics.c */
void get_metrics(struct op *op);
/* Ends every live log stream (at shutdown, before the database goes). */
void api_logs_close_all(struct api *a);

/* api_commands.c */
void post_command(struct op *op);
void get_command(struct op *op);

/* api_catalog.c */
/* GET /ocpp/catalog/brands[/{brand}/models[/{model}]]: which one from the path */
void get_catalog(struct op *op);
void post_model(struct op *op);
void get_cpo_templates(struct op *op);
void get_location_templates(struct op *op);

/* api_ocpi.c: the OCPI 2.2.1 party of each CPO (own token auth, OCPI envelopes) */
void ocpi_versions(struct op *op);
/* "Token <base64(token)>" (OCPI 2.2.1) or "Token <token>" (2.1.1) into out[n]. */
void api_ocpi_auth_header(const char *version, const char *token, char *out, size_t n);
void ocpi_details(struct op *op);
void ocpi_credentials(struct op *op);
void ocpi_locations(struct op *op);

/* api_fleet.c */
void get_cpos(struct op *op);
void get_cpo(struct op *op);
void get_cpo_report(struct op *op);
void delete_cpo(struct op *op);
void get_locations(struct op *op);
void get_location(struct op *op);
void patch_location(struct op *op);
void delete_location(struct op *op);
void get_location_chargers(struct op *op);
void put_location_chargers(struct op *op);
void delete_location_chargers(struct op *op);
void get_all_chargers(struct op *op);
/* The charger op->p[param] names: a UUID is taken as its charger id; anything else as
 * an OCPP identity of the tenant's, resolved to its charger id (written over
 * op->p[param]) before next(op) runs. No such charger: 404; an identity several of the
 * tenant's chargers have (one per location): 409 {"detail": "... <charger id>
 * (location <id> <name>), ...", "candidates": [{charger_id, identity, location_id,
 * location_name}]}. next owns op; op is freed here when answered. */
void with_charger(struct op *op, int param, void (*next)(struct op *op));
void get_charger(struct op *op);
void put_charger(struct op *op);
void delete_charger(struct op *op);

#endif

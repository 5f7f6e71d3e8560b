/* The REST API: a route table with the generic checks done once before any handler
 * (bearer token, method, path parameters, JSON body), then one handler per route.
 * Handlers validate the whole body first (fleet_validate) and only then write, through
 * the orchestrator, in one statement: a rejected request changes nothing. */
#ifndef API_ROUTES_H
#define API_ROUTES_H

#include "api_fetch.h"
#include "api_http.h"
#include "db.h"
#include "fleet_schema.h"   /* api_openapi_json */

struct api_opts {
    struct db *db;                 /* borrowed */
    const char *token;             /* the bearer token every route but /healthz needs */
    const char *default_ws_url;    /* chargers' CSMS when neither group nor CPO gives one */
    int builtin_csms;              /* default_ws_url is serve's built-in CSMS (warn so) */
    const char *public_url;        /* how clients reach us, e.g. http://127.0.0.1:8080 */
    void (*kick)(void *arg);       /* called after steps were written (claim them now) */
    void *kick_arg;
    /* This process's simulator runtime for GET /metrics: {"owner", "metrics"} now (a new
     * reference; see orch_runtime_metrics), or NULL. */
    json_t *(*local_runtime)(void *arg);
    void *local_runtime_arg;
    /* Chargers the local workers serve has not started yet could take (--workers auto),
     * for the 202's capacity warning. NULL: none. */
    long (*spare_room)(void *arg);
    void *spare_room_arg;
};

struct api;

/* Strings in o are copied. api_free also frees the parsed OpenAPI document the
 * validators check bodies against (fleet_schema_cleanup). */
struct api *api_new(const struct api_opts *o);
void api_free(struct api *a);
/* Ends what the API keeps open across requests (live log streams): call before the
 * database closes. */
void api_shutdown(struct api *a);

/* Where outgoing HTTP (the OCPI client side) runs; set once the server is up. */
void api_set_fetch_env(struct api *a, const struct api_fetch_env *env);

/* The api_dispatch_fn for api_server_new; arg is the struct api. */
void api_dispatch(struct api_req *req, void *arg);

/* The route table, for the test that keeps it and the OpenAPI document in step:
 * returns 0 and the i-th route ('*' = one path parameter), -1 past the end. */
int api_route_at(size_t i, enum api_method *method, const char **pattern);

/* The route a request goes to: its index in the table with its path parameters in p
 * ("" when unmatched), or -1; *path_known is 1 when some route has that path (then -1
 * means 405, else 404). Trailing slashes are ignored. */
#define API_ROUTE_PARAMS 4
int api_route_find(enum api_method m, const char *path, char p[API_ROUTE_PARAMS][128],
                   int *path_known);

#endif

#include "api_routes.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "fleet_schema.h"
#include "fleet_vctx.h"
#include "cf_log.h"
#include "cf_time.h"
#include "cf_version.h"
#include "orch_fleet.h"
#include "orch_tenants.h"

typedef void (*route_fn)(struct op *op);

struct route {
    enum api_method method;
    const char *pattern;            /* '*' matches one non-empty segment */
    route_fn fn;
    int needs_body;                 /* parse the JSON body before the handler */
    enum { AUTH_BEARER = 0, AUTH_NONE, AUTH_OWN } auth;   /* AUTH_OWN: OCPI tokens */
};

/* ---- checks and answers shared by the handlers ---- */

void op_free(struct op *op)
{
    json_decref(op->body);
    json_decref(op->state);
    free(op);
}

/* ---- checks shared by the handlers ---- */

int is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (strlen(s) != sizeof(shape) - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

int is_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

int answer_failure(struct op *op, enum orch_status st, const char *detail,
                          const char *what)
{
    switch (st) {
    case ORCH_OK:
        return 0;
    case ORCH_NOT_FOUND:
        api_req_error(op->req, 404, "%s not found", what);
        return 1;
    case ORCH_CONFLICT:
        api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s],s:s,s:s}]}", "detail",
            "loc", "body", "msg", "an identity was taken by a concurrent request: retry",
            "type", "value_error.duplicate"));
        return 1;
    case ORCH_DB_ERROR:
        /* the seed's wording: the jobs' durable queue is PostgreSQL */
        CF_LOG_WARN("api", "%s: database: %s", api_req_path(op->req), detail);
        api_req_error(op->req, 503, "workflow queue unavailable (%s)",
                      detail ? detail : "database unavailable");
        return 1;
    }
    return 0;
}

int answer_invalid(struct op *op, enum fleet_valid v, json_t *errors)
{
    switch (v) {
    case FLEET_VALID_OK:
        return 0;
    case FLEET_VALID_INVALID:
        api_req_respond_json(op->req, 422, json_pack("{s:o}", "detail", errors));
        return 1;
    case FLEET_VALID_NOT_FOUND:
        api_req_respond_json(op->req, 404, json_pack("{s:o}", "detail", errors));
        return 1;
    }
    return 0;
}

json_t *parse_doc(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (!j)
        CF_LOG_ERROR("api", "bad JSON from the database: %s", e.text);
    return j;
}

void pass_through(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, op->what ? op->what : "resource"))
        api_req_respond_text(op->req, 200, json);
    op_free(op);
}

orch_json_cb answer_doc(struct op *op, const char *what)
{
    op->what = what;
    return pass_through;
}

int require(struct op *op, int ok, const char *what)
{
    if (!ok) {
        api_req_error(op->req, 404, "%s not found", what);
        op_free(op);
    }
    return ok;
}

int query_long(struct op *op, const char *name, long min, long max, long *out)
{
    const char *v = api_req_arg(op->req, name);
    char *end;

    if (!v)
        return 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < min || n > max)
        return -1;
    *out = n;
    return 1;
}

int query_invalid(struct op *op, const char *name, const char *type, const char *msg)
{
    api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s,s],s:s,s:s}]}", "detail", "loc",
                                                 "query", name, "msg", msg, "type", type));
    op_free(op);
    return -1;
}

int query_filter(struct op *op, const char *name, const char *const *allowed,
                 const char **out)
{
    const char *v = api_req_arg(op->req, name);
    char msg[160];

    *out = v;
    if (!v || vc_in_list(allowed, v))
        return 0;
    snprintf(msg, sizeof(msg), "%s must be one of: ", name);
    for (const char *const *a = allowed; *a; a++)
        snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s%s", *a, a[1] ? ", " : "");
    return query_invalid(op, name, "value_error.const", msg);
}

/* A positive integer query argument in [1, max]: 0 absent, 1 ok, -1 answered 422. */
static int arg_long(struct op *op, const char *name, long max, long *out)
{
    int r = query_long(op, name, 1, max, out);

    if (r < 0) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%s must be an integer in 1..%ld", name, max);
        query_invalid(op, name, "value_error.number", msg);
    }
    return r;
}

int read_page(struct op *op, struct orch_page *pg)
{
    pg->page = 1;
    pg->limit = 50;
    if (arg_long(op, "page", 1000000000L, &pg->page) < 0 ||
        arg_long(op, "limit", 100, &pg->limit) < 0)
        return -1;
    return 0;
}

/* ---- health and this API's description ---- */

static void get_health(struct op *op)
{
    if (db_ready(op->api->db))
        api_req_respond_json(op->req, 200, json_pack("{s:s,s:s,s:s,s:s?,s:b}", "status", "ok",
                                                     "version", cf_version, "revision",
                                                     cf_revision, "default_ws_url",
                                                     op->api->default_ws_url, "builtin_csms",
                                                     op->api->builtin_csms_url != NULL));
    else
        api_req_error(op->req, 503, "database unavailable");
    op_free(op);
}

/* Liveness: this process's loop answers, whatever the database does (an orchestrator
 * restarting serve on /healthz's 503 would drop every charger for an outage a restart
 * cannot fix). */
static void get_live(struct op *op)
{
    api_req_respond_json(op->req, 200, json_pack("{s:s}", "status", "ok"));
    op_free(op);
}

/* Readiness: requests can be served (the database is reachable); /healthz says the
 * same with more. */
static void get_ready(struct op *op)
{
    if (db_ready(op->api->db))
        api_req_respond_json(op->req, 200, json_pack("{s:s}", "status", "ok"));
    else
        api_req_error(op->req, 503, "database unavailable");
    op_free(op);
}

static void get_openapi(struct op *op)
{
    api_req_respond_text(op->req, 200, api_openapi_json);
    op_free(op);
}

/* Literal routes before the wildcard ones that could shadow them. */
static const struct route routes[] = {
    {API_GET, "/healthz", get_health, 0, AUTH_NONE},
    {API_GET, "/livez", get_live, 0, AUTH_NONE},
    {API_GET, "/readyz", get_ready, 0, AUTH_NONE},
    {API_GET, "/openapi.json", get_openapi, 0, AUTH_NONE},
    {API_GET, "/metrics", get_metrics, 0, AUTH_NONE},
    {API_GET, "/ocpp/catalog/brands", get_catalog, 0, AUTH_BEARER},
    {API_GET, "/ocpp/catalog/brands/*/models", get_catalog, 0, AUTH_BEARER},
    {API_POST, "/ocpp/catalog/brands/*/models", post_model, 1, AUTH_BEARER},
    {API_GET, "/ocpp/catalog/brands/*/models/*", get_catalog, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/templates", get_cpo_templates, 0, AUTH_BEARER},
    {API_GET, "/ocpi/templates/cpos", get_cpo_templates, 0, AUTH_BEARER},
    {API_GET, "/ocpi/templates/locations", get_location_templates, 0, AUTH_BEARER},
    {API_GET, "/ocpp/templates/locations", get_location_templates, 0, AUTH_BEARER},
    {API_POST, "/ocpi/cpos", post_cpo, 1, AUTH_BEARER},
    {API_GET, "/ocpi/cpos", get_cpos, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*", get_cpo, 0, AUTH_BEARER},
    {API_DELETE, "/ocpi/cpos/*", delete_cpo, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*/status", get_cpo_status, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*/report", get_cpo_report, 0, AUTH_BEARER},
    {API_POST, "/ocpi/cpos/*/locations", post_locations, 1, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*/locations", get_locations, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*/locations/jobs/*", get_locations_job, 0, AUTH_BEARER},
    {API_GET, "/ocpi/cpos/*/locations/*", get_location, 0, AUTH_BEARER},
    {API_PATCH, "/ocpi/cpos/*/locations/*", patch_location, 1, AUTH_BEARER},
    {API_DELETE, "/ocpi/cpos/*/locations/*", delete_location, 0, AUTH_BEARER},
    {API_POST, "/ocpp/locations/*/chargers", post_chargers, 1, AUTH_BEARER},
    {API_GET, "/ocpp/locations/*/chargers", get_location_chargers, 0, AUTH_BEARER},
    {API_GET, "/ocpp/locations/*/logs", get_location_logs, 0, AUTH_BEARER},
    {API_PUT, "/ocpp/locations/*/chargers", put_location_chargers, 1, AUTH_BEARER},
    {API_DELETE, "/ocpp/locations/*/chargers", delete_location_chargers, 0, AUTH_BEARER},
    {API_GET, "/ocpp/locations/*/chargers/jobs/*", get_chargers_job, 0, AUTH_BEARER},
    {API_POST, "/ocpp/commands/*", post_command, 1, AUTH_BEARER},
    {API_GET, "/ocpp/commands/*", get_command, 0, AUTH_BEARER},
    {API_GET, "/ocpp/chargers", get_all_chargers, 0, AUTH_BEARER},
    {API_GET, "/ocpp/chargers/*", get_charger, 0, AUTH_BEARER},
    {API_GET, "/ocpp/chargers/*/logs", get_charger_logs, 0, AUTH_BEARER},
    {API_PUT, "/ocpp/chargers/*", put_charger, 1, AUTH_BEARER},
    {API_DELETE, "/ocpp/chargers/*", delete_charger, 0, AUTH_BEARER},
    /* OCPI 2.2.1, per CPO: tokens A / C of OCPI, not the API's bearer tokens */
    {API_GET, "/ocpi/*/versions", ocpi_versions, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1", ocpi_details, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_POST, "/ocpi/*/2.2.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_PUT, "/ocpi/*/2.2.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_DELETE, "/ocpi/*/2.2.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1/locations", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1/locations/*", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1/locations/*/*", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.2.1/locations/*/*/*", ocpi_locations, 0, AUTH_OWN},
    /* the same modules for CPOs that are OCPI 2.1.1 networks */
    {API_GET, "/ocpi/*/2.1.1", ocpi_details, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.1.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_POST, "/ocpi/*/2.1.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_PUT, "/ocpi/*/2.1.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_DELETE, "/ocpi/*/2.1.1/credentials", ocpi_credentials, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.1.1/locations", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.1.1/locations/*", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.1.1/locations/*/*", ocpi_locations, 0, AUTH_OWN},
    {API_GET, "/ocpi/*/2.1.1/locations/*/*/*", ocpi_locations, 0, AUTH_OWN},
};

int api_route_at(size_t i, enum api_method *method, const char **pattern)
{
    if (i >= sizeof(routes) / sizeof(routes[0]))
        return -1;
    *method = routes[i].method;
    *pattern = routes[i].pattern;
    return 0;
}

/* Matches path against pattern, filling the '*' segments into p. Trailing slashes
 * are ignored. */
static int match(const char *pattern, const char *path, char p[MAX_PARAMS][128])
{
    int np = 0;

    memset(p, 0, sizeof(char[MAX_PARAMS][128]));   /* unmatched parameters are "" */
    while (*pattern && *path) {
        if (*pattern == '*') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= 128 || np == MAX_PARAMS)
                return 0;
            memcpy(p[np], path, n);
            p[np++][n] = '\0';
            path += n;
            pattern++;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    while (*path == '/')
        path++;
    return !*pattern && !*path;
}

int api_route_find(enum api_method m, const char *path, char p[API_ROUTE_PARAMS][128],
                   int *path_known)
{
    *path_known = 0;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (!match(routes[i].pattern, path, p))
            continue;
        *path_known = 1;
        if (routes[i].method == m)
            return (int)i;
    }
    return -1;
}

/* The token of "Bearer <token>", or NULL. */
static const char *bearer_token(const char *auth)
{
    static const char bearer[] = "Bearer ";

    if (strncasecmp(auth, bearer, sizeof(bearer) - 1) != 0)
        return NULL;
    auth += sizeof(bearer) - 1;
    return *auth ? auth : NULL;
}

/* The body is in (or never will be: ok 0, nothing to answer): the JSON body, then the
 * handler. */
static void body_in(struct api_req *req, int ok, void *arg)
{
    struct op *op = arg;

    (void)req;
    if (!ok) {
        op_free(op);
        return;
    }
    if (op->route->needs_body) {
        json_error_t e;
        size_t len;
        const char *body = api_req_body(op->req, &len);
        /* a key given twice is refused, not "the last one wins" silently */
        op->body = json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
        if (!op->body) {
            api_req_error(op->req, 400, "malformed JSON: %s (line %d, column %d)", e.text,
                          e.line, e.column);
            op_free(op);
            return;
        }
    }
    op->route->fn(op);
}

/* The route's generic work once the tenant is known: the headers were enough to get
 * here (a wrong token is refused before the body is read); now wait for the body. */
static void proceed(struct op *op)
{
    api_req_on_body(op->req, body_in, op);
}

/* A token seen valid is remembered for ORCH_TOKEN_RECHECK_SECONDS, then checked again:
 * a revoked token is refused within that time. The cache is bounded. */
#define TOKEN_CACHE_MAX 10000

/* The tenant is known: a read-only token may only read; then the route's work. */
static void admit(struct op *op, const char *tenant, int read_only)
{
    snprintf(op->tenant, sizeof(op->tenant), "%s", tenant);
    op->token_a[0] = '\0';
    if (read_only && op->route->method != API_GET) {
        api_req_error(op->req, 403, "this token is read-only: it may only GET");
        op_free(op);
        return;
    }
    proceed(op);
}

static void token_checked(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    json_t *doc = st == ORCH_OK ? parse_doc(json) : NULL;

    if (st == ORCH_NOT_FOUND || json_is_true(json_object_get(doc, "revoked"))) {
        api_req_error(op->req, 401, st == ORCH_NOT_FOUND ? "missing or invalid bearer token"
                                                         : "this bearer token was revoked");
        op_free(op);
    } else if (answer_failure(op, st, detail, "token")) {
        op_free(op);
    } else {
        json_t *tenants = op->api->token_tenants;
        if (json_object_size(tenants) >= TOKEN_CACHE_MAX)
            json_object_clear(tenants);
        json_object_set_new(tenants, op->token_a,
                            json_pack("{s:O,s:O,s:I}", "tenant", json_object_get(doc, "tenant"),
                                      "read_only", json_object_get(doc, "read_only"), "until",
                                      (json_int_t)(cf_mono_ms() + ORCH_TOKEN_RECHECK_SECONDS * 1000)));
        admit(op, json_string_value(json_object_get(doc, "tenant")),
              json_is_true(json_object_get(doc, "read_only")));
    }
    json_decref(doc);
}

static void authenticate(struct op *op)
{
    struct api *a = op->api;
    const char *token = bearer_token(api_req_authorization(op->req));
    size_t n = strlen(a->token);

    if (!token) {
        api_req_error(op->req, 401, "missing or invalid bearer token");
        op_free(op);
        return;
    }
    if (strlen(token) == n && CRYPTO_memcmp(token, a->token, n) == 0) {
        admit(op, "default", 0);
        return;
    }
    /* op->token_a holds the hash until the lookup answers */
    orch_sha256_hex(token, op->token_a);
    json_t *seen = json_object_get(a->token_tenants, op->token_a);
    if (seen && json_integer_value(json_object_get(seen, "until")) > cf_mono_ms()) {
        admit(op, json_string_value(json_object_get(seen, "tenant")),
              json_is_true(json_object_get(seen, "read_only")));
        return;
    }
    orch_token_tenant(a->db, op->token_a, token_checked, op);
}

void api_dispatch(struct api_req *req, void *arg)
{
    struct api *a = arg;
    const char *path = api_req_path(req);
    enum api_method m = api_req_method(req);
    int path_known = 0;
    struct op *op = calloc(1, sizeof(*op));

    if (!op) {
        api_req_error(req, 500, "out of memory");
        return;
    }
    op->api = a;
    op->req = req;
    int i = api_route_find(m, path, op->p, &path_known);
    if (i >= 0) {
        op->route = &routes[i];
        if (op->route->auth == AUTH_BEARER)
            authenticate(op);
        else
            proceed(op);
        return;
    }
    if (path_known)
        api_req_error(req, 405, "method not allowed on %s", path);
    else
        api_req_error(req, 404, "no route %s", path);
    op_free(op);
}

struct api *api_new(const struct api_opts *o)
{
    struct api *a = calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->db = o->db;
    a->token = strdup(o->token);
    a->default_ws_url = o->default_ws_url ? strdup(o->default_ws_url) : NULL;
    a->builtin_csms_url = o->builtin_csms && o->default_ws_url ? strdup(o->default_ws_url)
                                                               : NULL;
    a->public_url = strdup(o->public_url ? o->public_url : "");
    a->kick = o->kick;
    a->kick_arg = o->kick_arg;
    a->local_runtime = o->local_runtime;
    a->local_runtime_arg = o->local_runtime_arg;
    a->spare_room = o->spare_room;
    a->spare_room_arg = o->spare_room_arg;
    a->token_tenants = json_object();
    return a;
}

void api_set_fetch_env(struct api *a, const struct api_fetch_env *env)
{
    a->fetch = *env;
}

void api_shutdown(struct api *a)
{
    if (a)
        api_logs_close_all(a);
}

void api_free(struct api *a)
{
    if (!a)
        return;
    free(a->token);
    free(a->default_ws_url);
    free(a->builtin_csms_url);
    free(a->public_url);
    json_decref(a->token_tenants);
    free(a);
    fleet_schema_cleanup();   /* the parsed document the validators read (fleet_schema.h) */
}

#include "api_routes.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_validate.h"
#include "cf_log.h"
#include "orch_catalog.h"
#include "orch_jobs.h"

#define MAX_PARAMS 3

struct api {
    struct db *db;
    char *token;
    char *default_ws_url;
    char *public_url;
    void (*kick)(void *arg);
    void *kick_arg;
};

/* One request in flight through the database. */
struct op {
    struct api *api;
    struct api_req *req;
    json_t *body;                   /* the parsed request body, owned */
    char p[MAX_PARAMS][128];        /* path parameters */
    char token_a[65];
};

typedef void (*route_fn)(struct op *op);

struct route {
    enum api_method method;
    const char *pattern;            /* '*' matches one non-empty segment */
    route_fn fn;
    int needs_body;                 /* parse the JSON body before the handler */
};

static void op_free(struct op *op)
{
    json_decref(op->body);
    free(op);
}

/* ---- checks shared by the handlers ---- */

static int is_uuid(const char *s)
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

static int is_id(const char *s)
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

/* Maps an orchestrator failure to the HTTP answer. Returns 1 when it answered. */
static int answer_failure(struct op *op, enum orch_status st, const char *detail,
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
        CF_LOG_WARN("api", "%s: database: %s", api_req_path(op->req), detail);
        if (detail && strncmp(detail, "database", 8) == 0)
            api_req_error(op->req, 503, "%s", detail);
        else
            api_req_error(op->req, 503, "database unavailable: %s", detail ? detail : "?");
        return 1;
    }
    return 0;
}

static int answer_invalid(struct op *op, enum api_valid v, json_t *errors)
{
    switch (v) {
    case API_VALID_OK:
        return 0;
    case API_VALID_INVALID:
        api_req_respond_json(op->req, 422, json_pack("{s:o}", "detail", errors));
        return 1;
    case API_VALID_NOT_FOUND:
        api_req_respond_json(op->req, 404, json_pack("{s:o}", "detail", errors));
        return 1;
    }
    return 0;
}

/* Parses a JSON text produced by SQL; NULL only on a bug or out of memory. */
static json_t *parse_doc(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    if (!j)
        CF_LOG_ERROR("api", "bad JSON from the database: %s", e.text);
    return j;
}

static void pass_through(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "resource"))
        api_req_respond_text(op->req, 200, json);
    op_free(op);
}

static void job_through(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "job"))
        api_req_respond_text(op->req, 200, json);
    op_free(op);
}

/* ---- the two job-creating routes share their flow ----
 * context (does the parent exist, its ws_url, taken identities) → validate → one
 * write → 202 {job_id, status, status_url, workflow_run_id, counts}. */

typedef void (*create_fn)(struct db *db, const char *parent_id, const char *plan,
                          orch_json_cb cb, void *arg);

/* The 202 of a job; url_fmt takes the parent id and the job id. Extra counts of the
 * created document (locations, chargers) are passed on. */
static void respond_job_accepted(struct op *op, const char *json, const char *url_fmt)
{
    json_t *doc = parse_doc(json);
    const char *job = json_string_value(json_object_get(doc, "job_id"));
    char url[256];

    snprintf(url, sizeof(url), url_fmt, op->p[0], job);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "job_id", job, "status", "PENDING",
                             "status_url", url, "workflow_run_id", job);
    json_object_del(doc, "job_id");
    json_object_update(body, doc);
    api_req_respond_json(op->req, 202, body);
    json_decref(doc);
    op->api->kick(op->api->kick_arg);
}

/* Answers the validation failure, or writes the plan with create. */
static void write_plan(struct op *op, enum api_valid v, json_t *plan, json_t *errors,
                       create_fn create, orch_json_cb done)
{
    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    char *text = json_dumps(plan, JSON_COMPACT);
    json_decref(plan);
    create(op->api->db, op->p[0], text, done, op);
    free(text);
}

static const char *context_ws_url(const struct api *a, json_t *ctx)
{
    const char *ws_url = json_string_value(json_object_get(ctx, "ws_url"));
    return ws_url ? ws_url : a->default_ws_url;
}

/* ---- POST /ocpp/locations/{location_id}/chargers ---- */

static void chargers_created(enum orch_status st, const char *json, const char *detail,
                             void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "location"))
        respond_job_accepted(op, json, "/ocpp/locations/%s/chargers/jobs/%s");
    op_free(op);
}

static void chargers_context(enum orch_status st, const char *json, const char *detail,
                             void *arg)
{
    struct op *op = arg;
    json_t *ctx, *plan = NULL, *errors = NULL;

    if (answer_failure(op, st, detail, "location")) {
        op_free(op);
        return;
    }
    ctx = parse_doc(json);
    enum api_valid v = api_validate_chargers(op->body, json_object_get(ctx, "taken"),
                                             context_ws_url(op->api, ctx), &plan, &errors);
    json_decref(ctx);
    write_plan(op, v, plan, errors, orch_create_chargers, chargers_created);
}

static void post_chargers(struct op *op)
{
    if (!is_uuid(op->p[0])) {
        api_req_error(op->req, 404, "location not found");
        op_free(op);
        return;
    }
    orch_location_context(op->api->db, op->p[0], chargers_context, op);
}

static void get_chargers(struct op *op)
{
    if (!is_uuid(op->p[0])) {
        api_req_error(op->req, 404, "location not found");
        op_free(op);
        return;
    }
    orch_list_chargers(op->api->db, op->p[0], pass_through, op);
}

static void get_chargers_job(struct op *op)
{
    if (!is_uuid(op->p[0]) || !is_uuid(op->p[1])) {
        api_req_error(op->req, 404, "job not found");
        op_free(op);
        return;
    }
    orch_chargers_job(op->api->db, op->p[0], op->p[1], job_through, op);
}

/* ---- POST /ocpi/cpos/{cpo_id}/locations ---- */

static void locations_created(enum orch_status st, const char *json, const char *detail,
                              void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "CPO"))
        respond_job_accepted(op, json, "/ocpi/cpos/%s/locations/jobs/%s");
    op_free(op);
}

static void locations_context(enum orch_status st, const char *json, const char *detail,
                              void *arg)
{
    struct op *op = arg;
    json_t *ctx, *plan = NULL, *errors = NULL;

    if (answer_failure(op, st, detail, "CPO")) {
        op_free(op);
        return;
    }
    ctx = parse_doc(json);
    enum api_valid v = api_validate_locations(op->body, context_ws_url(op->api, ctx), &plan,
                                              &errors);
    json_decref(ctx);
    write_plan(op, v, plan, errors, orch_create_locations, locations_created);
}

static void post_locations(struct op *op)
{
    if (!is_id(op->p[0])) {
        api_req_error(op->req, 404, "CPO not found");
        op_free(op);
        return;
    }
    orch_cpo_context(op->api->db, op->p[0], locations_context, op);
}

static void get_locations_job(struct op *op)
{
    if (!is_id(op->p[0]) || !is_uuid(op->p[1])) {
        api_req_error(op->req, 404, "job not found");
        op_free(op);
        return;
    }
    orch_locations_job(op->api->db, op->p[0], op->p[1], job_through, op);
}

/* ---- POST /ocpi/cpos ---- */

static void cpo_created(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    char status_url[64], destroy_url[64], peer_url[512], curl[1024];

    if (!answer_failure(op, st, detail, "CPO")) {
        json_t *doc = parse_doc(json), *b = op->body;
        const char *id = json_string_value(json_object_get(doc, "cpo_id"));
        const char *job = json_string_value(json_object_get(doc, "job_id"));

        snprintf(status_url, sizeof(status_url), "/ocpi/cpos/%s/status", id);
        snprintf(destroy_url, sizeof(destroy_url), "/ocpi/cpos/%s", id);
        snprintf(peer_url, sizeof(peer_url), "%s/ocpi/cpos/%s/versions", op->api->public_url, id);
        snprintf(curl, sizeof(curl),
                 "curl -H 'Authorization: Token %s' %s", op->token_a, peer_url);
        /* op->body holds the plan here (see cpo_validate) */
        api_req_respond_json(op->req, 202, json_pack(
            "{s:s, s:{s:O,s:O,s:s}, s:O, s:O, s:O, s:s, s:s,"
            " s:{s:{s:s,s:s},s:s}, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O}",
            "cpo_id", id,
            "party", "country_code", json_object_get(b, "country_code"),
                     "party_id", json_object_get(b, "party_id"), "role", "CPO",
            "name_prefix", json_object_get(b, "name_prefix"),
            "template", json_object_get(b, "template"),
            "template_version", json_object_get(b, "template_version"),
            "token_a", op->token_a,
            "ocpi_peer_url", peer_url,
            "roam_helper", "credentials_payload", "token", op->token_a, "url", peer_url,
                           "curl_snippet", curl,
            "job_id", job, "workflow_run_id", job, "status", "PENDING",
            "status_url", status_url, "destroy_url", destroy_url,
            "expires_at", json_object_get(doc, "expires_at"),
            "locations", json_object_get(doc, "locations"),
            "chargers", json_object_get(doc, "chargers")));
        json_decref(doc);
        op->api->kick(op->api->kick_arg);
    }
    op_free(op);
}

static void post_cpo(struct op *op)
{
    json_t *plan = NULL, *errors = NULL;
    unsigned char raw[32], digest[32];
    char hash[65];
    unsigned int dlen = 0;

    enum api_valid v = api_validate_cpo(op->body, op->api->default_ws_url, &plan, &errors);
    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    /* token A goes to the client once; only its hash is kept */
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        json_decref(plan);
        api_req_error(op->req, 500, "no randomness available");
        op_free(op);
        return;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        sprintf(op->token_a + 2 * i, "%02x", raw[i]);
    EVP_Digest(op->token_a, strlen(op->token_a), digest, &dlen, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < dlen && i < 32; i++)
        sprintf(hash + 2 * i, "%02x", digest[i]);
    char *text = json_dumps(plan, JSON_COMPACT);
    json_decref(op->body);
    op->body = plan;
    orch_create_cpo(op->api->db, text, hash, cpo_created, op);
    free(text);
}

static void get_cpo_status(struct op *op)
{
    if (!is_id(op->p[0])) {
        api_req_error(op->req, 404, "CPO not found");
        op_free(op);
        return;
    }
    orch_cpo_status(op->api->db, op->p[0], job_through, op);
}

/* ---- galleries, catalog, health ---- */

static void respond_doc(struct op *op, json_t *doc, const char *what)
{
    if (doc)
        api_req_respond_json(op->req, 200, doc);
    else
        api_req_error(op->req, 404, "%s not found (see GET /ocpp/catalog/brands)", what);
    op_free(op);
}

static void get_brands(struct op *op) { respond_doc(op, orch_catalog_brands_json(), "brand"); }
static void get_models(struct op *op)
{
    respond_doc(op, orch_catalog_models_json(op->p[0]), "brand");
}
static void get_model(struct op *op)
{
    respond_doc(op, orch_catalog_model_json(op->p[0], op->p[1]), "model");
}
static void get_cpo_templates(struct op *op)
{
    respond_doc(op, orch_templates_cpo_json(), "templates");
}
static void get_location_templates(struct op *op)
{
    respond_doc(op, orch_templates_location_json(), "templates");
}

static void get_health(struct op *op)
{
    if (db_ready(op->api->db))
        api_req_respond_json(op->req, 200, json_pack("{s:s}", "status", "ok"));
    else
        api_req_error(op->req, 503, "database unavailable");
    op_free(op);
}

/* Literal routes before the wildcard ones that could shadow them. */
static const struct route routes[] = {
    {API_GET, "/healthz", get_health, 0},
    {API_GET, "/ocpp/catalog/brands", get_brands, 0},
    {API_GET, "/ocpp/catalog/brands/*/models", get_models, 0},
    {API_GET, "/ocpp/catalog/brands/*/models/*", get_model, 0},
    {API_GET, "/ocpi/cpos/templates", get_cpo_templates, 0},
    {API_GET, "/ocpi/templates/cpos", get_cpo_templates, 0},
    {API_GET, "/ocpi/templates/locations", get_location_templates, 0},
    {API_GET, "/ocpp/templates/locations", get_location_templates, 0},
    {API_POST, "/ocpi/cpos", post_cpo, 1},
    {API_GET, "/ocpi/cpos/*/status", get_cpo_status, 0},
    {API_POST, "/ocpi/cpos/*/locations", post_locations, 1},
    {API_GET, "/ocpi/cpos/*/locations/jobs/*", get_locations_job, 0},
    {API_POST, "/ocpp/locations/*/chargers", post_chargers, 1},
    {API_GET, "/ocpp/locations/*/chargers", get_chargers, 0},
    {API_GET, "/ocpp/locations/*/chargers/jobs/*", get_chargers_job, 0},
};

/* Matches path against pattern, filling the '*' segments into p. Trailing slashes
 * are ignored. */
static int match(const char *pattern, const char *path, char p[MAX_PARAMS][128])
{
    int np = 0;

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

static int authorized(const struct api *a, const char *auth)
{
    static const char bearer[] = "Bearer ";
    size_t n = strlen(a->token);

    if (strncasecmp(auth, bearer, sizeof(bearer) - 1) != 0)
        return 0;
    auth += sizeof(bearer) - 1;
    return strlen(auth) == n && CRYPTO_memcmp(auth, a->token, n) == 0;
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
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const struct route *r = &routes[i];
        if (!match(r->pattern, path, op->p))
            continue;
        path_known = 1;
        if (r->method != m)
            continue;
        if (r->fn != get_health && !authorized(a, api_req_authorization(req))) {
            api_req_error(req, 401, "missing or invalid bearer token");
            op_free(op);
            return;
        }
        if (r->needs_body) {
            json_error_t e;
            size_t len;
            const char *body = api_req_body(req, &len);
            op->body = json_loadb(body, len, JSON_DECODE_ANY, &e);
            if (!op->body) {
                api_req_error(req, 400, "malformed JSON: %s (line %d, column %d)", e.text,
                              e.line, e.column);
                op_free(op);
                return;
            }
        }
        r->fn(op);
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
    a->public_url = strdup(o->public_url ? o->public_url : "");
    a->kick = o->kick;
    a->kick_arg = o->kick_arg;
    return a;
}

void api_free(struct api *a)
{
    if (!a)
        return;
    free(a->token);
    free(a->default_ws_url);
    free(a->public_url);
    free(a);
}

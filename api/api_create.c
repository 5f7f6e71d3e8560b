/* The job-creating routes and their status: POST a CPO, locations or chargers →
 * validate the whole body → one write → 202 with the job; GET the job's status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "orch_jobs.h"
#include "orch_tenants.h"

/* ---- the two job-creating routes share their flow ----
 * context (does the parent exist, its ws_url, taken identities) → validate → one
 * write → 202 {job_id, status, status_url, workflow_run_id, counts}. */

typedef void (*create_fn)(struct db *db, const char *tenant, const char *parent_id,
                          const char *plan, const char *connect_rate, orch_json_cb cb,
                          void *arg);

/* ?connect_rate=N (chargers per second) of the job-creating routes: text "" when
 * absent; -1 when it answered 422 (op is freed then). */
static int connect_rate(struct op *op, char text[16])
{
    long rate = 0;
    int r = query_long(op, "connect_rate", 1, 100000, &rate);

    text[0] = '\0';
    if (r < 0)
        return query_invalid(op, "connect_rate", "value_error.number",
                             "connect_rate: chargers per second, an integer in 1..100000");
    if (r == 1)
        snprintf(text, 16, "%ld", rate);
    return 0;
}

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
    char rate[16];
    if (connect_rate(op, rate) < 0) {
        json_decref(plan);
        return;
    }
    char *text = json_dumps(plan, JSON_COMPACT);
    json_decref(plan);
    create(op->api->db, op->tenant, op->p[0], text, rate[0] ? rate : NULL, done, op);
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
                                             json_object_get(ctx, "models"),
                                             context_ws_url(op->api, ctx), &plan, &errors);
    json_decref(ctx);
    write_plan(op, v, plan, errors, orch_create_chargers, chargers_created);
}

/* The identities a chargers body names (prefix + each charger_id, whatever else is
 * wrong with it: validation says that), as a JSON array text (free it). */
static char *named_identities(json_t *body)
{
    json_t *out = json_array(), *g, *id;
    size_t i, k;
    char identity[256];

    json_array_foreach(body, i, g) {
        const char *prefix = json_string_value(
            json_object_get(json_object_get(g, "template"), "identity_prefix"));
        json_array_foreach(json_object_get(g, "charger_ids"), k, id) {
            if (!json_is_string(id))
                continue;
            snprintf(identity, sizeof identity, "%s%s", prefix ? prefix : "",
                     json_string_value(id));
            json_array_append_new(out, json_string(identity));
        }
    }
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return text;
}

void post_chargers(struct op *op)
{
    if (!require(op, is_uuid(op->p[0]), "location"))
        return;
    char *named = named_identities(op->body);
    orch_location_context(op->api->db, op->tenant, op->p[0], named ? named : "[]",
                          chargers_context, op);
    free(named);
}

void get_chargers_job(struct op *op)
{
    if (require(op, is_uuid(op->p[0]) && is_uuid(op->p[1]), "job"))
        orch_chargers_job(op->api->db, op->tenant, op->p[0], op->p[1], answer_doc(op, "job"),
                          op);
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
    enum api_valid v = api_validate_locations(op->body, json_object_get(ctx, "models"),
                                              context_ws_url(op->api, ctx), &plan,
                                              &errors);
    json_decref(ctx);
    write_plan(op, v, plan, errors, orch_create_locations, locations_created);
}

void post_locations(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_cpo_context(op->api->db, op->tenant, op->p[0], locations_context, op);
}

void get_locations_job(struct op *op)
{
    if (require(op, is_id(op->p[0]) && is_uuid(op->p[1]), "job"))
        orch_locations_job(op->api->db, op->tenant, op->p[0], op->p[1], answer_doc(op, "job"),
                           op);
}

/* ---- POST /ocpi/cpos ---- */

static void cpo_created(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    char status_url[64], destroy_url[64], peer_url[512], curl[2048];

    if (!answer_failure(op, st, detail, "CPO")) {
        json_t *doc = parse_doc(json), *b = op->body;
        const char *id = json_string_value(json_object_get(doc, "cpo_id"));
        const char *job = json_string_value(json_object_get(doc, "job_id"));

        snprintf(status_url, sizeof(status_url), "/ocpi/cpos/%s/status", id);
        snprintf(destroy_url, sizeof(destroy_url), "/ocpi/cpos/%s", id);
        snprintf(peer_url, sizeof(peer_url), "%s/ocpi/%s/versions", op->api->public_url, id);
        /* the eMSP's side of the handshake, ready to paste: it fills in its token B,
         * its versions URL and its party, and gets token C back (in the CPO's OCPI
         * version: 2.1.1 credentials carry the party at the top level, raw tokens) */
        const char *ver = json_string_value(json_object_get(b, "ocpi_version"));
        int v211 = ver && strcmp(ver, "2.1.1") == 0;
        char auth[256];
        api_ocpi_auth_header(ver, op->token_a, auth, sizeof(auth));
        snprintf(curl, sizeof(curl),
                 "curl -X POST -H 'Authorization: %s' -H 'Content-Type: application/json' "
                 "%s/ocpi/%s/%s/credentials -d '{\"token\": \"<YOUR TOKEN B>\", "
                 "\"url\": \"<YOUR VERSIONS URL>\", %s\"party_id\": \"<PTY>\", "
                 "\"country_code\": \"<CC>\", "
                 "\"business_details\": {\"name\": \"<YOUR NAME>\"}%s}'",
                 auth, op->api->public_url, id, v211 ? "2.1.1" : "2.2.1",
                 v211 ? "" : "\"roles\": [{\"role\": \"EMSP\", ", v211 ? "" : "}]");
        /* op->body holds the plan here (see cpo_validate) */
        json_t *res = json_pack(
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
            "chargers", json_object_get(doc, "chargers"));
        json_object_set(res, "ocpi_version", json_object_get(b, "ocpi_version"));
        const char *requested = json_string_value(json_object_get(doc, "requested_party_id"));
        if (requested) {
            /* the tenant has this party already: say what was used instead */
            char w[256];
            const char *used = json_string_value(json_object_get(doc, "party_id"));
            json_object_set_new(json_object_get(res, "party"), "party_id", json_string(used));
            json_object_set_new(res, "requested_party_id", json_string(requested));
            snprintf(w, sizeof(w), "party_id %s is already used by a CPO of this tenant: "
                     "using %s", requested, used);
            json_object_set_new(res, "warnings", json_pack("[s]", w));
        }
        /* our credentials as the CPO's OCPI version shapes them */
        json_t *party = json_object_get(res, "party");
        json_t *role = json_pack("{s:O,s:O,s:{s:O}}", "party_id",
                                 json_object_get(party, "party_id"), "country_code",
                                 json_object_get(party, "country_code"), "business_details",
                                 "name", json_object_get(res, "name_prefix"));
        json_t *payload = json_object_get(json_object_get(res, "roam_helper"),
                                          "credentials_payload");
        if (v211) {
            json_object_update(payload, role);
            json_decref(role);
        } else {
            json_object_set_new(role, "role", json_string("CPO"));
            json_object_set_new(payload, "roles", json_pack("[o]", role));
        }
        api_req_respond_json(op->req, 202, res);
        json_decref(doc);
        op->api->kick(op->api->kick_arg);
    }
    op_free(op);
}

void post_cpo(struct op *op)
{
    json_t *plan = NULL, *errors = NULL;
    char hash[65];

    char rate[16];
    enum api_valid v = api_validate_cpo(op->body, op->api->default_ws_url, &plan, &errors);
    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    if (connect_rate(op, rate) < 0) {
        json_decref(plan);
        return;
    }
    /* token A goes to the client once; only its hash is kept */
    if (orch_token_new(op->token_a) != 0) {
        json_decref(plan);
        api_req_error(op->req, 500, "no randomness available");
        op_free(op);
        return;
    }
    orch_sha256_hex(op->token_a, hash);
    char *text = json_dumps(plan, JSON_COMPACT);
    json_decref(op->body);
    op->body = plan;
    orch_create_cpo(op->api->db, op->tenant, text, hash, rate[0] ? rate : NULL, cpo_created,
                    op);
    free(text);
}

void get_cpo_status(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_cpo_status(op->api->db, op->tenant, op->p[0], answer_doc(op, "job"), op);
}


/* The job-creating routes and their status: POST a CPO, locations or chargers →
 * validate the whole body → one write → 202 with the job; GET the job's status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "orch_jobs.h"
#include "orch_secret.h"
#include "orch_tenants.h"

/* ---- the job-creating routes share their flow ----
 * context (does the parent exist, its ws_url, taken identities) → validate → no
 * identity live twice toward one CSMS → one write → 202 {job_id, status, status_url,
 * workflow_run_id, counts, warnings?}. Between the steps op->state holds
 * {"plan", "warnings", "rate"} and op->next the write. */

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

static const char *state_str(struct op *op, const char *key)
{
    const char *s = json_string_value(json_object_get(op->state, key));
    return s && *s ? s : NULL;
}

/* The warnings array of a 202 body, made when it has none yet (borrowed). */
static json_t *body_warnings(json_t *body)
{
    json_t *all = json_object_get(body, "warnings");
    if (!json_is_array(all))
        json_object_set_new(body, "warnings", all = json_array());
    return all;
}

/* Adds the validation's warnings to a 202 body. */
static void add_warnings(struct op *op, json_t *body)
{
    json_t *w = json_object_get(op->state, "warnings");

    if (json_array_size(w) > 0)
        json_array_extend(body_warnings(body), w);
}

/* A job's chargers beyond the room the runtimes have (doc's room_left: the live
 * runtimes' room less what waited already, before this job) and the local workers not
 * started yet could add: the 202 says so. room_left leaves doc. */
static void add_room_warning(struct op *op, json_t *doc, json_t *body, const char *count_key)
{
    json_t *left = json_object_get(doc, "room_left");
    json_int_t n = json_integer_value(json_object_get(doc, count_key));
    json_int_t room = json_integer_value(left);
    if (json_is_integer(left)) {
        json_int_t spare = op->api->spare_room ? op->api->spare_room(op->api->spare_room_arg) : 0;
        if (room < 0)
            room = 0;
        if (n > room + spare)
            json_array_append_new(body_warnings(body), json_sprintf(
                "capacity: %lld of these %lld chargers have no room yet (the runtimes "
                "running can take %lld more%s); they wait PENDING and FAIL with \"no "
                "runtime has room\" after the provision timeout unless room comes: start "
                "`chargefleet worker` on this database, or give serve more --workers or "
                "--capacity", (long long)(n - room - spare), (long long)n, (long long)room,
                spare > 0 ? ", the local workers serve may still start more" : ""));
    }
    json_object_del(doc, "room_left");
}

/* The 202 of a job; url_fmt takes the parent id and the job id. Extra counts of the
 * created document (locations, chargers) are passed on. */
static void respond_job_accepted(struct op *op, const char *json, const char *url_fmt,
                                 const char *count_key)
{
    json_t *doc = parse_doc(json);
    const char *job = json_string_value(json_object_get(doc, "job_id"));
    char url[256];

    snprintf(url, sizeof(url), url_fmt, op->p[0], job);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "job_id", job, "status", "PENDING",
                             "status_url", url, "workflow_run_id", job);
    json_object_del(doc, "job_id");
    add_room_warning(op, doc, body, count_key);
    json_object_update(body, doc);
    add_warnings(op, body);
    api_req_respond_json(op->req, 202, body);
    json_decref(doc);
    op->api->kick(op->api->kick_arg);
}

/* The identities a plan names, as the live check sends them: element n of ids and ws
 * (text arrays) is one charger, locs[n] where it is in the body. */
struct named {
    struct db_array ids, ws;
    json_t *locs;
};

static void named_add(struct named *nm, const char *identity, const char *ws_url, json_t *loc)
{
    db_array_add(&nm->ids, identity, strlen(identity));
    db_array_add(&nm->ws, ws_url ? ws_url : "", ws_url ? strlen(ws_url) : 0);
    json_array_append_new(nm->locs, loc);
}

/* The chargers a plan names, into nm: a chargers plan's explicit ids (loc: their place
 * in the body), a locations or CPO plan's rows (loc: their location, at loc_base +
 * [index] when index_locations). The same identity twice toward one ws_url in the plan
 * is an error added to errors. *builtin_n counts the chargers that go to the built-in
 * CSMS (url builtin, may be NULL). */
static void plan_identities(json_t *plan, json_t *loc_base, int index_locations,
                            const char *builtin, int *builtin_n, json_t *errors,
                            struct named *nm)
{
    json_t *seen = json_object(), *g, *l, *r, *id;
    size_t i, k;
    char identity[256], key[700];

    *builtin_n = 0;
    json_array_foreach(json_object_get(plan, "groups"), i, g) {
        const char *prefix = json_string_value(json_object_get(g, "prefix"));
        const char *ws = json_string_value(json_object_get(json_object_get(g, "row"), "ws_url"));
        json_int_t number = json_integer_value(json_object_get(g, "number"));
        if (builtin && ws && strcmp(ws, builtin) == 0)
            *builtin_n += (int)number;
        json_array_foreach(json_object_get(g, "ids"), k, id) {
            if ((json_int_t)k >= number)
                break;
            snprintf(identity, sizeof identity, "%s%s", prefix ? prefix : "",
                     json_string_value(id));
            named_add(nm, identity, ws, json_pack("[s,I,s,I]", "body", (json_int_t)i,
                                                  "charger_ids", (json_int_t)k));
        }
    }
    json_array_foreach(json_object_get(plan, "locations"), i, l) {
        json_t *loc = json_copy(loc_base);
        if (index_locations)
            json_array_append_new(loc, json_integer((json_int_t)i));
        json_array_foreach(json_object_get(l, "chargers"), k, r) {
            const char *ident = json_string_value(json_object_get(r, "identity"));
            const char *ws = json_string_value(json_object_get(r, "ws_url"));
            if (!ident || !ws)
                continue;
            if (builtin && strcmp(ws, builtin) == 0)
                ++*builtin_n;
            snprintf(key, sizeof key, "%s %s", ws, ident);
            if (json_object_get(seen, key)) {
                json_array_append_new(errors, json_pack("{s:O,s:o,s:s}", "loc", loc, "msg",
                    json_sprintf("identity '%s' twice toward %s in this request: give the "
                                 "locations distinct identity_prefix overrides", ident, ws),
                    "type", "value_error.duplicate"));
                continue;
            }
            json_object_set_new(seen, key, json_true());
            named_add(nm, ident, ws, json_incref(loc));
        }
        json_decref(loc);
    }
    json_decref(seen);
}

static void live_checked(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (answer_failure(op, st, detail, op->what)) {
        op_free(op);
        return;
    }
    json_t *doc = parse_doc(json), *c, *errors = json_array();
    json_t *locs = json_object_get(op->state, "locs");
    size_t i;
    json_array_foreach(json_object_get(doc, "conflicts"), i, c) {
        json_t *msg = json_sprintf("identity '%s' is already live toward %s, in location "
            "'%s' (%s, charger %s): a CSMS would see it twice; delete it there or choose "
            "another identity", json_string_value(json_object_get(c, "identity")),
            json_string_value(json_object_get(c, "ws_url")),
            json_string_value(json_object_get(c, "location")),
            json_string_value(json_object_get(c, "location_id")),
            json_string_value(json_object_get(c, "charger_id")));
        json_t *loc = json_array_get(locs, (size_t)json_integer_value(json_object_get(c, "n")) - 1);
        json_array_append_new(errors, json_pack("{s:O,s:o,s:s}", "loc", loc ? loc : json_null(),
                                                "msg", msg, "type", "value_error.duplicate_live"));
    }
    json_decref(doc);
    json_object_del(op->state, "locs");
    if (json_array_size(errors) > 0) {
        api_req_respond_json(op->req, 422, json_pack("{s:o}", "detail", errors));
        op_free(op);
        return;
    }
    json_decref(errors);
    op->next(op);
}

/* Answers the validation failure, or checks the plan's identities against the live
 * fleet (outside except_location) and then writes it with write(op). */
static void accept_plan(struct op *op, enum fleet_valid v, json_t *plan, json_t *errors,
                        const char *except_location, void (*write)(struct op *op))
{
    char rate[16];
    /* a locations body's items are at body[i] or body.locations[i]; a CPO body's
     * locations are not in the body at all (loc ["body"]) */
    int to_builtin = 0, index_locations = !json_is_object(op->body) ||
                                          json_object_get(op->body, "locations");

    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    if (connect_rate(op, rate) < 0) {
        json_decref(plan);
        return;
    }
    json_t *warnings = json_incref(json_object_get(plan, "warnings")), *dup = json_array();
    json_object_del(plan, "warnings");
    json_t *base = json_pack("[s]", "body");
    if (json_is_object(op->body) && json_object_get(op->body, "locations"))
        json_array_append_new(base, json_string("locations"));
    struct named nm = {.locs = json_array()};
    plan_identities(plan, base, index_locations, op->api->builtin_csms_url, &to_builtin, dup,
                    &nm);
    json_decref(base);
    if (to_builtin > 0) {
        if (!warnings)
            warnings = json_array();
        json_array_append_new(warnings, json_sprintf("%d charger(s) without a ws_url connect "
            "to serve's built-in CSMS at %s (serve --default-ws-url sets another)", to_builtin,
            op->api->builtin_csms_url));
    }
    op->state = json_pack("{s:o,s:o?,s:s,s:o}", "plan", plan, "warnings", warnings, "rate", rate,
                          "locs", nm.locs);
    op->next = write;
    if (json_array_size(dup) > 0) {
        api_req_respond_json(op->req, 422, json_pack("{s:o}", "detail", dup));
        op_free(op);
    } else if (nm.ids.count == 0) {
        json_decref(dup);
        json_object_del(op->state, "locs");
        write(op);
    } else {
        json_decref(dup);
        orch_live_identities(op->api->db, op->tenant, except_location,
                             db_array_text(&nm.ids), db_array_text(&nm.ws), live_checked, op);
    }
    db_array_free(&nm.ids);
    db_array_free(&nm.ws);
}

/* The plan (or its member key) as JSON text, its secrets sealed (orch_secret.h): free
 * it. NULL: answered 500 (cannot seal); the caller frees op. */
static char *plan_text(struct op *op, const char *key)
{
    json_t *plan = json_object_get(op->state, "plan");
    if (orch_secret_seal_tree(plan) != 0) {
        api_req_error(op->req, 500, "cannot seal the chargers' secrets");
        return NULL;
    }
    return json_dumps(key ? json_object_get(plan, key) : plan, JSON_COMPACT);
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
        respond_job_accepted(op, json, "/ocpp/locations/%s/chargers/jobs/%s", "count");
    op_free(op);
}

static void write_chargers(struct op *op)
{
    char *text = plan_text(op, NULL);
    if (!text) {
        op_free(op);
        return;
    }
    orch_create_chargers(op->api->db, op->tenant, op->p[0], text, state_str(op, "rate"),
                         chargers_created, op);
    free(text);
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
    enum fleet_valid v = fleet_validate_chargers(op->body, json_object_get(ctx, "taken"),
                                             json_object_get(ctx, "models"),
                                             context_ws_url(op->api, ctx), &plan, &errors);
    json_decref(ctx);
    op->what = "location";
    accept_plan(op, v, plan, errors, op->p[0], write_chargers);
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
        respond_job_accepted(op, json, "/ocpi/cpos/%s/locations/jobs/%s", "chargers");
    op_free(op);
}

static void write_locations(struct op *op)
{
    char *text = plan_text(op, "locations");
    if (!text) {
        op_free(op);
        return;
    }
    orch_create_locations(op->api->db, op->tenant, op->p[0], text, state_str(op, "rate"),
                          locations_created, op);
    free(text);
}

static void locations_context(enum orch_status st, const char *json, const char *detail,
                              void *arg)
{
    struct op *op = arg;
    json_t *ctx, *plan = NULL, *errors = NULL;
    const char *empty = api_req_arg(op->req, "empty_location");

    if (answer_failure(op, st, detail, "CPO")) {
        op_free(op);
        return;
    }
    if (empty && strcmp(empty, "true") != 0 && strcmp(empty, "false") != 0) {
        query_invalid(op, "empty_location", "type_error.bool",
                      "empty_location is true (locations without chargers) or false");
        return;
    }
    ctx = parse_doc(json);
    enum fleet_valid v = fleet_validate_locations(op->body, json_object_get(ctx, "models"),
                                              context_ws_url(op->api, ctx),
                                              empty && strcmp(empty, "true") == 0
                                                  ? FLEET_VALID_EMPTY_LOCATIONS : 0,
                                              &plan, &errors);
    json_decref(ctx);
    op->what = "CPO";
    accept_plan(op, v, plan, errors, NULL, write_locations);
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
        /* op->body holds the plan here (see write_cpo) */
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
        add_room_warning(op, doc, res, "chargers");
        add_warnings(op, res);
        api_req_respond_json(op->req, 202, res);
        json_decref(doc);
        op->api->kick(op->api->kick_arg);
    }
    op_free(op);
}

static void write_cpo(struct op *op)
{
    char hash[65];

    /* token A goes to the client once; only its hash is kept */
    if (orch_token_new(op->token_a) != 0) {
        api_req_error(op->req, 500, "no randomness available");
        op_free(op);
        return;
    }
    orch_sha256_hex(op->token_a, hash);
    char *text = plan_text(op, NULL);
    if (!text) {
        op_free(op);
        return;
    }
    json_decref(op->body);
    op->body = json_incref(json_object_get(op->state, "plan"));
    orch_create_cpo(op->api->db, op->tenant, text, hash, state_str(op, "rate"), cpo_created,
                    op);
    free(text);
}

void post_cpo(struct op *op)
{
    json_t *plan = NULL, *errors = NULL;
    enum fleet_valid v = fleet_validate_cpo(op->body, op->api->default_ws_url, &plan, &errors);

    op->what = "CPO";
    accept_plan(op, v, plan, errors, NULL, write_cpo);
}

void get_cpo_status(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_cpo_status(op->api->db, op->tenant, op->p[0], answer_doc(op, "job"), op);
}


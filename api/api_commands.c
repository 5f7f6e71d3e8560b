/* Drive chargers over REST: POST /ocpp/commands/{command} queues one command per
 * targeted charger (one charger, a location's chargers, all or some, or a job's) and
 * answers 202 at once; the runtime holding each charger carries it out and writes the
 * outcome, read with GET /ocpp/commands/{command_id}. */
#include "api_handlers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_command.h"
#include "fleet_vctx.h"
#include "ocpp_schema.h"
#include "ocpp_version.h"
#include "orch_fleet.h"
#include "fleet_version.h"

/* target: {charger_id}, {location_id, charger_ids?} or {job_id}: into *t (strings
 * borrowed from body, but t->ids: *ids_text, a new JSON text the caller frees, or NULL
 * = all), and what it names ("charger", "location" or "job", for a 404). */
static const char *read_target(struct vctx *v, json_t *body, struct orch_targets *t,
                               char **ids_text)
{
    static const char *const keys[] = {"charger_id", "location_id", "charger_ids", "job_id",
                                       NULL};
    json_t *in = json_object_get(body, "target"), *root = json_pack("[s]", "body");
    json_t *loc = AT_KEY(root, "target");

    json_decref(root);
    memset(t, 0, sizeof *t);
    *ids_text = NULL;
    if (!json_is_object(in)) {
        vc_err(v, loc, in ? "type_error.dict" : "value_error.missing",
               "target: {charger_id}, {location_id, charger_ids?} or {job_id} required");
        return "charger";
    }
    vc_only_keys(v, in, keys, loc);
    const char *one = vc_opt_str(v, in, "charger_id", loc);
    t->location_id = vc_opt_str(v, in, "location_id", loc);
    t->job_id = vc_opt_str(v, in, "job_id", loc);
    json_t *many = json_object_get(in, "charger_ids"), *ids = NULL;
    if (t->location_id && !is_uuid(t->location_id))
        vc_err(v, AT_KEY(loc, "location_id"), "value_error.uuid",
               "location_id: a location id (UUID)");
    if (t->job_id && !is_uuid(t->job_id))
        vc_err(v, AT_KEY(loc, "job_id"), "value_error.uuid", "job_id: a job id (UUID)");
    if (!!one + !!t->location_id + !!t->job_id != 1)
        vc_err(v, json_incref(loc), "value_error.target",
               "target: exactly one of charger_id, location_id and job_id");
    if (many && !t->location_id)
        vc_err(v, AT_KEY(loc, "charger_ids"), "value_error.target",
               "charger_ids: only with location_id");
    if (one)
        ids = json_pack("[s]", one);
    if (many) {
        size_t i;
        json_t *x;
        int ok = json_is_array(many) && json_array_size(many) > 0;
        json_array_foreach(many, i, x) ok = ok && json_is_string(x);
        if (!ok)
            vc_err(v, AT_KEY(loc, "charger_ids"), "type_error.list",
                   "charger_ids: a non-empty array of charger ids or identities");
        else
            ids = json_incref(many);
    }
    json_decref(loc);
    *ids_text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
    t->ids = *ids_text;
    json_decref(ids);
    return t->job_id ? "job" : t->location_id ? "location" : "charger";
}


/* One charger named and not found, or a location or job not found, is a 404 (op->state
 * {"what"} names the target); otherwise 202 with what was queued. */
static void queued(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    json_t *doc = st == ORCH_OK ? parse_doc(json) : NULL;
    const char *what = json_string_value(json_object_get(op->state, "what"));

    if (!answer_failure(op, st, detail, what)) {
        json_t *failed = json_array_get(json_object_get(doc, "failed"), 0);
        const char *error = json_string_value(json_object_get(failed, "error"));
        if (!strcmp(what, "charger") &&
            json_integer_value(json_object_get(doc, "queued_count")) == 0 && error &&
            !strcmp(error, "not found")) {
            api_req_error(op->req, 404, "charger not found");
        } else {
            api_req_respond_text(op->req, 202, json);
            op->api->kick(op->api->kick_arg);
        }
    }
    json_decref(doc);
    op_free(op);
}



static void queue_now(struct op *op, const struct orch_targets *t)
{
    size_t c = (size_t)json_integer_value(json_object_get(op->state, "command"));
    char *a = json_dumps(json_object_get(op->state, "args"), JSON_COMPACT);

    orch_queue_command(op->api->db, op->tenant, t, fleet_command_name(c), a, queued, op);
    free(a);
}

/* A proxy-message's action and payload against the OCPP version of each charger
 * targeted: the action is a message a charge point of that version sends, the payload
 * passes its official schema (ocpp_schema.h). No charger found (the queueing answers
 * that): they must suit one version at least. Adds the problems to errors. */
static void check_proxy(json_t *args, json_t *versions, json_t *errors)
{
    if (json_array_size(versions) == 0) {
        json_t *every = fleet_versions_json(FLEET_VERSIONS_ALL), *some = json_array();
        check_proxy(args, every, some);
        if (json_array_size(some) == json_array_size(every))
            json_array_extend(errors, some);
        json_decref(every);
        json_decref(some);
        return;
    }
    const char *action = json_string_value(json_object_get(args, "action"));
    json_t *payload = json_object_get(args, "payload");
    for (size_t i = 0; i < json_array_size(versions); i++) {
        const char *name = json_string_value(json_array_get(versions, i));
        const struct ocpp_version *v = ocpp_version_by_name(name);
        const struct ocpp_action_def *a = v ? ocpp_version_action(v, action) : NULL;
        char why[256];
        if (!v)
            continue;
        if (!a || a->direction == OCPP_CSMS_TO_CP) {
            json_array_append_new(errors, json_pack(
                "{s:[s,s],s:s+++,s:s}", "loc", "body", "action", "msg",
                "action: not a message a charge point of ", name, " sends: ",
                a ? "the CSMS sends it" : "no such action in that version", "type",
                "value_error.ocpp_action"));
        } else if (ocpp_schema_check(v, a->name, 1, payload, why, sizeof why) != 0) {
            json_array_append_new(errors, json_pack(
                "{s:[s,s],s:s+++,s:s}", "loc", "body", "payload", "msg", name,
                " (a targeted charger's version): ", why, " (the OCPP schema of the message)",
                "type", "value_error.ocpp_schema"));
        }
    }
}

static void versions_found(enum orch_status st, const char *json, const char *detail,
                           void *arg)
{
    struct op *op = arg;
    json_t *doc = st == ORCH_OK ? parse_doc(json) : NULL;

    if (answer_failure(op, st, detail, "charger")) {
        json_decref(doc);
        op_free(op);
        return;
    }
    json_t *errors = json_array(), *t = json_object_get(op->state, "targets");
    check_proxy(json_object_get(op->state, "args"), json_object_get(doc, "versions"), errors);
    json_decref(doc);
    if (json_array_size(errors) > 0) {
        api_req_respond_json(op->req, 422, json_pack("{s:o}", "detail", errors));
        op_free(op);
        return;
    }
    json_decref(errors);
    struct orch_targets tg = {json_string_value(json_object_get(t, "location_id")),
                              json_string_value(json_object_get(t, "ids")),
                              json_string_value(json_object_get(t, "job_id"))};
    queue_now(op, &tg);
}

/* Queues op->state's command with its arguments for the targets t; a proxy-message
 * after its payload passed the schema of every targeted charger's version (a 422
 * otherwise, nothing queued). */
static void queue(struct op *op, const struct orch_targets *t)
{
    size_t c = (size_t)json_integer_value(json_object_get(op->state, "command"));

    if (strcmp(fleet_command_name(c), "proxy-message") != 0) {
        queue_now(op, t);
        return;
    }
    json_object_set_new(op->state, "targets", json_pack("{s:s*,s:s*,s:s*}", "location_id",
                        t->location_id, "ids", t->ids, "job_id", t->job_id));
    json_t *tj = json_object_get(op->state, "targets");
    struct orch_targets kept = {json_string_value(json_object_get(tj, "location_id")),
                                json_string_value(json_object_get(tj, "ids")),
                                json_string_value(json_object_get(tj, "job_id"))};
    orch_target_versions(op->api->db, op->tenant, &kept, versions_found, op);
}

/* The one charger named, resolved (an identity names one charger) into op->p[1]. */
static void queue_one(struct op *op)
{
    json_t *ids = json_pack("[s]", op->p[1]);
    char *text = json_dumps(ids, JSON_COMPACT);
    struct orch_targets t = {NULL, text, NULL};

    queue(op, &t);
    json_decref(ids);
    free(text);
}

void post_command(struct op *op)
{
    size_t c = fleet_command_find(op->p[0]);
    if (c == fleet_command_count()) {
        api_req_error(op->req, 404,
                      "unknown command %.60s (start-session, stop-session, authorize, "
                      "inject-fault, clear-fault, set-configuration, restart, retry, "
                      "proxy-message, "
                      "start-generator, stop-generator, plug, unplug, ev-suspend, ev-resume, "
                      "stop-runtime, start-runtime)",
                      op->p[0]);
        op_free(op);
        return;
    }
    struct vctx v;
    struct orch_targets t = {NULL, NULL, NULL};
    const char *what = "charger";
    char *ids = NULL;
    json_t *args, *errors, *root = json_pack("[s]", "body");
    vc_init(&v, NULL);
    /* The document's schema of this command first (<Command>CommandRequest: types,
     * ranges, its own fields only), then what it cannot say; one problem per place. */
    char schema[64];
    size_t k = 0;
    for (const char *c = op->p[0]; *c && k + 16 < sizeof schema; c++) {
        if (*c == '-')
            continue;
        schema[k++] = (char)(c == op->p[0] || c[-1] == '-' ? toupper((unsigned char)*c) : *c);
    }
    snprintf(schema + k, sizeof schema - k, "CommandRequest");
    vc_schema(&v, schema, op->body, root);
    what = read_target(&v, op->body, &t, &ids);
    args = fleet_command_args(&v, c, op->body, 1);
    json_decref(root);
    enum fleet_valid valid = vc_finish(&v, args, &args, &errors);
    if (answer_invalid(op, valid, errors)) {
        free(ids);
        op_free(op);
        return;
    }
    op->state = json_pack("{s:I,s:o,s:s}", "command", (json_int_t)c, "args", args, "what", what);
    if (t.location_id || t.job_id) {
        queue(op, &t);
        free(ids);
        return;
    }
    /* one charger named: by id, or by an identity that must name one charger */
    json_t *named = json_loads(ids, 0, NULL);
    snprintf(op->p[1], sizeof op->p[1], "%s", json_string_value(json_array_get(named, 0)));
    json_decref(named);
    free(ids);
    with_charger(op, 1, queue_one);
}

void get_command(struct op *op)
{
    if (require(op, is_uuid(op->p[0]), "command"))
        orch_get_command(op->api->db, op->tenant, op->p[0], answer_doc(op, "command"), op);
}

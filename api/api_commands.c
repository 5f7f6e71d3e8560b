/* Drive chargers over REST: POST /ocpp/commands/{command} queues one command per
 * targeted charger (one charger, or a location's chargers, all or some) and answers
 * 202 at once; the runtime holding each charger carries it out and writes the outcome,
 * read with GET /ocpp/commands/{command_id}. */
#include "api_handlers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_vctx.h"
#include "orch_fleet.h"

/* The arguments each command takes (besides `target`) and the one it requires. */
static const struct {
    const char *name;
    const char *const fields[4];
    const char *required;
} commands[] = {
    {"start-session", {"connector_id", "id_tag", "id_type", NULL}, NULL},
    {"stop-session", {"connector_id", "transaction_id", NULL}, NULL},
    {"authorize", {"id_tag", "id_type", NULL}, "id_tag"},
    {"inject-fault", {"connector_id", NULL}, NULL},
    {"clear-fault", {"connector_id", NULL}, NULL},
    {"start-generator", {NULL}, NULL},
    {"stop-generator", {NULL}, NULL},
    {"plug", {"connector_id", NULL}, NULL},
    {"unplug", {"connector_id", NULL}, NULL},
    {"ev-suspend", {"connector_id", NULL}, NULL},
    {"ev-resume", {"connector_id", NULL}, NULL},
    {"stop-runtime", {NULL}, NULL},
    {"start-runtime", {NULL}, NULL},
    {"set-configuration", {"key", "value", NULL}, "key"},
    {"restart", {NULL}, NULL},
    {"proxy-message", {"action", "payload", NULL}, "action"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char *const id_types[] = {"Central", "eMAID", "ISO14443", "ISO15693", "KeyCode",
                                       "Local", "MacAddress", "NoAuthorization", NULL};

/* target: {charger_id} or {location_id, charger_ids?}: the location (or NULL) and the
 * ids (a new array, or NULL = all of the location). */
static void read_target(struct vctx *v, json_t *body, const char **location_id, json_t **ids)
{
    static const char *const keys[] = {"charger_id", "location_id", "charger_ids", NULL};
    json_t *t = json_object_get(body, "target"), *root = json_pack("[s]", "body");
    json_t *loc = AT_KEY(root, "target");

    json_decref(root);

    *location_id = NULL;
    *ids = NULL;
    if (!json_is_object(t)) {
        vc_err(v, loc, t ? "type_error.dict" : "value_error.missing",
               "target: {charger_id} or {location_id, charger_ids?} required");
        return;
    }
    vc_only_keys(v, t, keys, loc);
    const char *one = vc_opt_str(v, t, "charger_id", loc);
    *location_id = vc_opt_str(v, t, "location_id", loc);
    json_t *many = json_object_get(t, "charger_ids");
    if (*location_id && !is_uuid(*location_id))
        vc_err(v, AT_KEY(loc, "location_id"), "value_error.uuid",
               "location_id: a location id (UUID)");
    if (!one == !*location_id)
        vc_err(v, json_incref(loc), "value_error.target",
               "target: exactly one of charger_id and location_id");
    if (one && many)
        vc_err(v, AT_KEY(loc, "charger_ids"), "value_error.target",
               "charger_ids: only with location_id");
    if (one)
        *ids = json_pack("[s]", one);
    if (many) {
        size_t i;
        json_t *x;
        int ok = json_is_array(many) && json_array_size(many) > 0;
        json_array_foreach(many, i, x) ok = ok && json_is_string(x);
        if (!ok)
            vc_err(v, AT_KEY(loc, "charger_ids"), "type_error.list",
                   "charger_ids: a non-empty array of charger ids or identities");
        else
            *ids = json_incref(many);
    }
    json_decref(loc);
}

/* The command's arguments, checked and copied into a new object; with_target: the
 * REST body, which also names its target. */
static json_t *read_args(struct vctx *v, size_t c, json_t *body, int with_target)
{
    json_t *args = json_object(), *loc = json_pack("[s]", "body");
    const char *allowed[6] = {"target"};
    int n = with_target;

    for (int i = 0; commands[c].fields[i]; i++)
        allowed[n++] = commands[c].fields[i];
    allowed[n] = NULL;
    vc_only_keys(v, body, allowed, loc);
    if (commands[c].required && !json_object_get(body, commands[c].required))
        vc_err(v, AT_KEY(loc, commands[c].required), "value_error.missing",
               "%s: required for %s", commands[c].required, commands[c].name);
    long conn;
    if (vc_opt_int(v, body, "connector_id", loc, 1, 64, &conn) == 1)
        json_object_set_new(args, "connector_id", json_integer(conn));
    vc_copy_str(v, body, "id_tag", 36, 0, loc, args);
    vc_copy_str(v, body, "transaction_id", 36, 0, loc, args);
    vc_copy_str(v, body, "key", 128, 0, loc, args);
    vc_copy_str(v, body, "action", 64, 0, loc, args);
    const char *type = vc_opt_str(v, body, "id_type", loc);
    if (type && !vc_in_list(id_types, type))
        vc_err(v, AT_KEY(loc, "id_type"), "value_error.const",
               "id_type: one of Central, eMAID, ISO14443, ISO15693, KeyCode, Local, "
               "MacAddress, NoAuthorization");
    else if (type)
        json_object_set_new(args, "id_type", json_string(type));
    json_t *value = json_object_get(body, "value");
    if (!strcmp(commands[c].name, "set-configuration") && !json_is_string(value))
        vc_err(v, AT_KEY(loc, "value"), "type_error.string",
               "value: the new value as a string");
    else if (value)
        json_object_set(args, "value", value);
    json_t *payload = json_object_get(body, "payload");
    if (!strcmp(commands[c].name, "proxy-message") && !json_is_object(payload))
        vc_err(v, AT_KEY(loc, "payload"), "type_error.dict",
               "payload: the message's JSON object");
    else if (payload)
        json_object_set(args, "payload", payload);
    json_decref(loc);
    return args;
}

/* One charger named and not found is a 404; otherwise 202 with what was queued. */
static void queued(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    json_t *doc = st == ORCH_OK ? parse_doc(json) : NULL;

    if (!answer_failure(op, st, detail, "location")) {
        json_t *failed = json_array_get(json_object_get(doc, "failed"), 0);
        if (op->state && json_integer_value(json_object_get(doc, "queued_count")) == 0 &&
            !strcmp(json_string_value(json_object_get(failed, "error")), "not found")) {
            api_req_error(op->req, 404, "charger not found");
        } else {
            api_req_respond_text(op->req, 202, json);
            op->api->kick(op->api->kick_arg);
        }
    }
    json_decref(doc);
    op_free(op);
}

static size_t find_command(const char *name)
{
    size_t c = 0;
    while (c < N_COMMANDS && strcmp(commands[c].name, name) != 0)
        c++;
    return c;
}

enum api_valid api_validate_command(const char *command, json_t *args, json_t **out,
                                    json_t **errors)
{
    size_t c = find_command(command);
    if (c == N_COMMANDS) {
        *errors = json_string("unknown command");
        return API_VALID_NOT_FOUND;
    }
    struct vctx v;
    vc_init(&v, NULL);
    json_t *empty = json_object();
    json_t *clean = read_args(&v, c, args ? args : empty, 0);
    json_decref(empty);
    return vc_finish(&v, clean, out, errors);
}

/* Queues command c with args (borrowed) for the targets: location_id and/or ids (a
 * borrowed array; NULL = every charger of the location). */
static void queue(struct op *op, size_t c, const char *location_id, json_t *ids, json_t *args)
{
    char *a = json_dumps(args, JSON_COMPACT), *i = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
    orch_queue_command(op->api->db, op->tenant, location_id, i, commands[c].name, a, queued,
                       op);
    free(a);
    free(i);
}

/* The one charger named, resolved into op->p[1]; op->state holds the command and its
 * arguments (and says to queued() that one charger was named). */
static void queue_one(struct op *op)
{
    json_t *ids = json_pack("[s]", op->p[1]);
    queue(op, (size_t)json_integer_value(json_object_get(op->state, "command")), NULL, ids,
          json_object_get(op->state, "args"));
    json_decref(ids);
}

void post_command(struct op *op)
{
    size_t c = find_command(op->p[0]);
    if (c == N_COMMANDS) {
        api_req_error(op->req, 404,
                      "unknown command %.60s (start-session, stop-session, authorize, "
                      "inject-fault, clear-fault, set-configuration, restart, proxy-message, "
                      "start-generator, stop-generator, plug, unplug, ev-suspend, ev-resume, "
                      "stop-runtime, start-runtime)",
                      op->p[0]);
        op_free(op);
        return;
    }
    struct vctx v;
    const char *location_id = NULL;
    json_t *ids = NULL, *args, *errors, *root = json_pack("[s]", "body");
    vc_init(&v, NULL);
    /* The document's schema of this command first (<Command>CommandRequest: types,
     * ranges, its own fields only); only a body it accepts is read for its arguments and
     * its target. */
    char schema[64];
    size_t k = 0;
    for (const char *c = op->p[0]; *c && k + 16 < sizeof schema; c++) {
        if (*c == '-')
            continue;
        schema[k++] = (char)(c == op->p[0] || c[-1] == '-' ? toupper((unsigned char)*c) : *c);
    }
    snprintf(schema + k, sizeof schema - k, "CommandRequest");
    if (vc_schema(&v, schema, op->body, root) > 0) {
        args = json_object();
    } else {
        read_target(&v, op->body, &location_id, &ids);
        args = read_args(&v, c, op->body, 1);
    }
    json_decref(root);
    enum api_valid valid = vc_finish(&v, args, &args, &errors);
    if (answer_invalid(op, valid, errors)) {
        json_decref(ids);
        op_free(op);
        return;
    }
    if (location_id) {
        queue(op, c, location_id, ids, args);
        json_decref(args);
        json_decref(ids);
        return;
    }
    /* one charger named: by id, or by an identity that must name one charger */
    snprintf(op->p[1], sizeof op->p[1], "%s", json_string_value(json_array_get(ids, 0)));
    json_decref(ids);
    op->state = json_pack("{s:I,s:o}", "command", (json_int_t)c, "args", args);
    with_charger(op, 1, queue_one);
}

void get_command(struct op *op)
{
    if (require(op, is_uuid(op->p[0]), "command"))
        orch_get_command(op->api->db, op->tenant, op->p[0], answer_doc(op, "command"), op);
}

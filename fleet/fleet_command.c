#include "fleet_command.h"

#include <string.h>

#include "fleet_validate.h"

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
    {"retry", {NULL}, NULL},
    {"proxy-message", {"action", "payload", NULL}, "action"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char *const id_types[] = {"Central", "eMAID", "ISO14443", "ISO15693", "KeyCode",
                                       "Local", "MacAddress", "NoAuthorization", NULL};

size_t fleet_command_count(void)
{
    return N_COMMANDS;
}

size_t fleet_command_find(const char *name)
{
    size_t c = 0;
    while (c < N_COMMANDS && strcmp(commands[c].name, name) != 0)
        c++;
    return c;
}

const char *fleet_command_name(size_t c)
{
    return c < N_COMMANDS ? commands[c].name : NULL;
}

json_t *fleet_command_args(struct vctx *v, size_t c, json_t *body, int with_target)
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

enum fleet_valid fleet_validate_command(const char *command, json_t *args, json_t **out,
                                    json_t **errors)
{
    size_t c = fleet_command_find(command);
    if (c == N_COMMANDS) {
        *errors = json_string("unknown command");
        return FLEET_VALID_NOT_FOUND;
    }
    struct vctx v;
    vc_init(&v, NULL);
    json_t *empty = json_object();
    json_t *clean = fleet_command_args(&v, c, args ? args : empty, 0);
    json_decref(empty);
    return vc_finish(&v, clean, out, errors);
}

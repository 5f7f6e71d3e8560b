#include "ocpp_version.h"

#include <stdio.h>
#include <string.h>

static const struct ocpp_version *const versions[] = {&ocpp_v16, &ocpp_v201};

const struct ocpp_version *ocpp_version_by_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (strcmp(versions[i]->name, name) == 0)
            return versions[i];
    }
    return NULL;
}

const struct ocpp_version *ocpp_version_by_subprotocol(const char *subprotocol)
{
    for (size_t i = 0; subprotocol && i < sizeof(versions) / sizeof(versions[0]); i++) {
        if (strcmp(versions[i]->subprotocol, subprotocol) == 0)
            return versions[i];
    }
    return NULL;
}

int ocpp_action_by_name(const struct ocpp_version *v, const char *name)
{
    for (int i = 0; name && i < OCPP_ACTION__COUNT; i++) {
        if (v->actions[i].name && strcmp(v->actions[i].name, name) == 0)
            return i;
    }
    return -1;
}

const struct ocpp_action_def *ocpp_version_action(const struct ocpp_version *v,
                                                  const char *name)
{
    int a = ocpp_action_by_name(v, name);
    return a < 0 ? NULL : &v->actions[a];
}

const char *ocpp_error_name(const struct ocpp_version *v, enum ocpp_error e)
{
    if ((int)e < 0 || e >= OCPP_ERR__COUNT)
        return v->error_names[OCPP_ERR_GENERIC];
    return v->error_names[e];
}

/* Shared by the version tables: both versions answer BootNotification with the same
 * three status strings. */
const char *ocpp_boot_status_name(enum ocpp_boot_status st)
{
    switch (st) {
    case OCPP_BOOT_ACCEPTED: return "Accepted";
    case OCPP_BOOT_PENDING: return "Pending";
    case OCPP_BOOT_REJECTED: return "Rejected";
    }
    return "Rejected";
}

int ocpp_boot_result_parse(json_t *payload, struct ocpp_boot_result *out, char *reason,
                           size_t len)
{
    const char *st = json_string_value(json_object_get(payload, "status"));
    json_t *interval = json_object_get(payload, "interval");

    if (!st) {
        snprintf(reason, len, "BootNotification response: status missing or not a string");
        return -1;
    }
    if (strcmp(st, "Accepted") == 0)
        out->status = OCPP_BOOT_ACCEPTED;
    else if (strcmp(st, "Pending") == 0)
        out->status = OCPP_BOOT_PENDING;
    else if (strcmp(st, "Rejected") == 0)
        out->status = OCPP_BOOT_REJECTED;
    else {
        snprintf(reason, len, "BootNotification response: unknown status '%.40s'", st);
        return -1;
    }
    if (!json_is_integer(interval) || json_integer_value(interval) < 0) {
        snprintf(reason, len, "BootNotification response: interval missing or not an integer >= 0");
        return -1;
    }
    out->interval = json_integer_value(interval) > 86400 ? 86400
                                                          : (int)json_integer_value(interval);
    return 0;
}

json_t *ocpp_str_max(const char *s, int max)
{
    return json_stringn(s, strnlen(s, (size_t)max));
}

json_t *ocpp_empty_payload(void)
{
    return json_object();
}

json_t *ocpp_boot_response_payload(enum ocpp_boot_status st, int interval, const char *now)
{
    return json_pack("{s:s,s:s,s:i}", "status", ocpp_boot_status_name(st), "currentTime", now,
                     "interval", interval);
}

json_t *ocpp_current_time_payload(const char *now)
{
    return json_pack("{s:s}", "currentTime", now);
}

json_t *ocpp_status_payload(const char *status)
{
    return json_pack("{s:s}", "status", status);
}

int ocpp_id_info_read(json_t *info, int required, int *accepted)
{
    const char *st = json_string_value(json_object_get(info, "status"));

    if (!info && !required) {
        *accepted = 1;
        return 0;
    }
    if (!st)
        return -1;
    *accepted = strcmp(st, "Accepted") == 0;
    return 0;
}

const char *ocpp_meter_context(enum ocpp_tx_event ev)
{
    return ev == OCPP_TX_STARTED ? "Transaction.Begin"
           : ev == OCPP_TX_ENDED ? "Transaction.End"
                                 : "Sample.Periodic";
}

/* SendLocalList: 1.6 {listVersion, updateType, localAuthorizationList?[{idTag,
 * idTagInfo?}]}, 2.0.1 {versionNumber, updateType, localAuthorizationList?[{idToken:
 * {idToken, type}, idTokenInfo?}]}; an entry without info is removed. */
enum ocpp_error ocpp_local_list_read(json_t *payload, int v201, struct ocpp_local_list *out,
                                     char *reason, size_t len)
{
    const char *version_key = v201 ? "versionNumber" : "listVersion";
    const char *info_key = v201 ? "idTokenInfo" : "idTagInfo";
    json_t *version = json_object_get(payload, version_key);
    const char *type = json_string_value(json_object_get(payload, "updateType"));
    json_t *list = json_object_get(payload, "localAuthorizationList"), *item;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!json_is_integer(version) || !type)
        return snprintf(reason, len, "%s and updateType: required", version_key),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (strcmp(type, "Full") != 0 && strcmp(type, "Differential") != 0)
        return snprintf(reason, len, "updateType: Full or Differential"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    if (list && !json_is_array(list))
        return snprintf(reason, len, "localAuthorizationList: an array"),
               OCPP_ERR_TYPE_CONSTRAINT;
    out->version = (int)json_integer_value(version);
    out->full = strcmp(type, "Full") == 0;
    out->entries = json_object();
    json_array_foreach(list, i, item) {
        const char *tag = v201 ? json_string_value(json_object_get(json_object_get(item, "idToken"),
                                                                   "idToken"))
                               : json_string_value(json_object_get(item, "idTag"));
        json_t *info = json_object_get(item, info_key);
        const char *st = json_string_value(json_object_get(info, "status"));
        if (!tag || (info && !st)) {
            json_decref(out->entries);
            out->entries = NULL;
            return snprintf(reason, len, "localAuthorizationList[%zu]: an id and its status", i),
                   OCPP_ERR_OCCURRENCE_CONSTRAINT;
        }
        json_object_set_new(out->entries, tag, st ? json_string(st) : json_null());
    }
    return OCPP_ERR_NONE;
}

json_t *ocpp_local_version_payload(int v201, int version)
{
    return json_pack("{s:i}", v201 ? "versionNumber" : "listVersion", version);
}

json_t *ocpp_progress_payload(const char *status, int request_id)
{
    json_t *p = ocpp_status_payload(status);
    if (request_id >= 0)
        json_object_set_new(p, "requestId", json_integer(request_id));
    return p;
}

enum ocpp_error ocpp_trigger_lookup(const struct ocpp_trigger_name *names, const char *m,
                                    struct ocpp_trigger_req *out, char *reason, size_t len)
{
    if (!m)
        return snprintf(reason, len, "requestedMessage: required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    for (int i = 0; names[i].name; i++) {
        if (strcmp(names[i].name, m) == 0) {
            out->what = names[i].what;
            return OCPP_ERR_NONE;
        }
    }
    return snprintf(reason, len, "requestedMessage: unknown message %.60s", m),
           OCPP_ERR_PROPERTY_CONSTRAINT;
}

const struct ocpp_version *const ocpp_versions[] = {&ocpp_v16, &ocpp_v201, NULL};

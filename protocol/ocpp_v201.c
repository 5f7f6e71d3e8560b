/* OCPP 2.0.1: the version table. Field names and limits from the 2.0.1 JSON schemas. */
#include <stdio.h>
#include <string.h>

#include "ocpp_version.h"

static const char *const error_names[OCPP_ERR__COUNT] = {
    [OCPP_ERR_NONE] = "",
    [OCPP_ERR_NOT_IMPLEMENTED] = "NotImplemented",
    [OCPP_ERR_NOT_SUPPORTED] = "NotSupported",
    [OCPP_ERR_INTERNAL] = "InternalError",
    [OCPP_ERR_PROTOCOL] = "ProtocolError",
    [OCPP_ERR_SECURITY] = "SecurityError",
    [OCPP_ERR_FORMAT] = "FormatViolation",
    [OCPP_ERR_PROPERTY_CONSTRAINT] = "PropertyConstraintViolation",
    [OCPP_ERR_OCCURRENCE_CONSTRAINT] = "OccurrenceConstraintViolation",
    [OCPP_ERR_TYPE_CONSTRAINT] = "TypeConstraintViolation",
    [OCPP_ERR_GENERIC] = "GenericError",
    [OCPP_ERR_RPC_FRAMEWORK] = "RpcFrameworkError",
    [OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED] = "MessageTypeNotSupported",
};

static json_t *boot_request(const struct ocpp_station_info *info, enum ocpp_boot_reason why)
{
    const char *reason = why == OCPP_BOOT_REMOTE_RESET ? "RemoteReset"
                         : why == OCPP_BOOT_TRIGGERED  ? "Triggered"
                                                       : "PowerUp";
    json_t *cs = json_object();

    json_object_set_new(cs, "model", ocpp_str_max(info->model, 20));
    json_object_set_new(cs, "vendorName", ocpp_str_max(info->vendor, 50));
    if (info->serial && *info->serial)
        json_object_set_new(cs, "serialNumber", ocpp_str_max(info->serial, 25));
    if (info->firmware && *info->firmware)
        json_object_set_new(cs, "firmwareVersion", ocpp_str_max(info->firmware, 50));
    return json_pack("{s:s,s:o}", "reason", reason, "chargingStation", cs);
}

/* Reset.req {type: Immediate|OnIdle, evseId?} */
static enum ocpp_error reset_parse(json_t *payload, struct ocpp_reset_req *out, char *reason,
                                   size_t len)
{
    const char *type = json_string_value(json_object_get(payload, "type"));
    json_t *evse = json_object_get(payload, "evseId");

    if (!type)
        return snprintf(reason, len, "type: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (strcmp(type, "Immediate") == 0)
        out->kind = OCPP_RESET_HARD;
    else if (strcmp(type, "OnIdle") == 0)
        out->kind = OCPP_RESET_SOFT;
    else
        return snprintf(reason, len, "type: Immediate or OnIdle"), OCPP_ERR_PROPERTY_CONSTRAINT;
    if (evse && !json_is_integer(evse))
        return snprintf(reason, len, "evseId: an integer"), OCPP_ERR_TYPE_CONSTRAINT;
    out->evse_id = evse ? (int)json_integer_value(evse) : 0;
    return OCPP_ERR_NONE;
}

/* TriggerMessage.req {requestedMessage, evse?: {id, connectorId?}} */
static enum ocpp_error trigger_parse(json_t *payload, struct ocpp_trigger_req *out,
                                     char *reason, size_t len)
{
    static const struct ocpp_trigger_name names[] = {
        {"BootNotification", OCPP_TRIGGER_BOOT},
        {"LogStatusNotification", OCPP_TRIGGER_DIAG_STATUS},
        {"FirmwareStatusNotification", OCPP_TRIGGER_FIRMWARE_STATUS},
        {"Heartbeat", OCPP_TRIGGER_HEARTBEAT},
        {"MeterValues", OCPP_TRIGGER_METER_VALUES},
        {"SignChargingStationCertificate", OCPP_TRIGGER_OTHER},
        {"SignV2GCertificate", OCPP_TRIGGER_OTHER},
        {"StatusNotification", OCPP_TRIGGER_STATUS},
        {"TransactionEvent", OCPP_TRIGGER_TX_EVENT},
        {"SignCombinedCertificate", OCPP_TRIGGER_OTHER},
        {"PublishFirmwareStatusNotification", OCPP_TRIGGER_OTHER},
        {NULL, OCPP_TRIGGER_OTHER},
    };
    json_t *evse = json_object_get(payload, "evse");

    memset(out, 0, sizeof *out);
    if (evse) {
        json_t *id = json_object_get(evse, "id"), *c = json_object_get(evse, "connectorId");
        if (!json_is_integer(id) || (c && !json_is_integer(c)))
            return snprintf(reason, len, "evse: {id, connectorId?} integers"),
                   OCPP_ERR_TYPE_CONSTRAINT;
        out->evse_id = (int)json_integer_value(id);
        out->connector_id = c ? (int)json_integer_value(c) : 0;
    }
    return ocpp_trigger_lookup(names, json_string_value(json_object_get(payload,
                                                                        "requestedMessage")),
                               out, reason, len);
}

/* ChangeAvailability.req {operationalStatus, evse?: {id, connectorId?}} */
static enum ocpp_error availability_parse(json_t *payload, struct ocpp_unit_req *out,
                                          char *reason, size_t len)
{
    const char *st = json_string_value(json_object_get(payload, "operationalStatus"));
    json_t *evse = json_object_get(payload, "evse");

    memset(out, 0, sizeof *out);
    if (!st)
        return snprintf(reason, len, "operationalStatus: required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (strcmp(st, "Operative") != 0 && strcmp(st, "Inoperative") != 0)
        return snprintf(reason, len, "operationalStatus: Operative or Inoperative"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    if (evse) {
        json_t *id = json_object_get(evse, "id"), *c = json_object_get(evse, "connectorId");
        if (!json_is_integer(id) || (c && !json_is_integer(c)))
            return snprintf(reason, len, "evse: {id, connectorId?} integers"),
                   OCPP_ERR_TYPE_CONSTRAINT;
        out->evse_id = (int)json_integer_value(id);
        out->connector_id = c ? (int)json_integer_value(c) : 0;
    }
    out->operative = strcmp(st, "Operative") == 0;
    return OCPP_ERR_NONE;
}

/* UnlockConnector.req {evseId, connectorId} */
static enum ocpp_error unlock_parse(json_t *payload, struct ocpp_unit_req *out, char *reason,
                                    size_t len)
{
    json_t *e = json_object_get(payload, "evseId"), *c = json_object_get(payload, "connectorId");

    memset(out, 0, sizeof *out);
    if (!e || !c)
        return snprintf(reason, len, "%s: required", e ? "connectorId" : "evseId"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(e) || !json_is_integer(c))
        return snprintf(reason, len, "evseId, connectorId: integers"), OCPP_ERR_TYPE_CONSTRAINT;
    out->evse_id = (int)json_integer_value(e);
    out->connector_id = (int)json_integer_value(c);
    return OCPP_ERR_NONE;
}

/* ---- configuration: GetVariables / SetVariables over the device model ---- */

/* The setting of component/variable (no instances, no EVSE-level components here):
 * its id, or -1 with *status UnknownComponent / UnknownVariable. */
static int variable_of(json_t *item, const char **status)
{
    const char *c = json_string_value(json_object_get(json_object_get(item, "component"), "name"));
    const char *v = json_string_value(json_object_get(json_object_get(item, "variable"), "name"));
    int component_known = 0;

    for (int i = 0; c && v && i < OCPP_CFG__COUNT; i++) {
        const struct ocpp_config_key *k = &ocpp_config_keys[i];
        if (!k->component || strcmp(k->component, c) != 0)
            continue;
        component_known = 1;
        if (strcmp(k->variable, v) == 0)
            return i;
    }
    *status = component_known ? "UnknownVariable" : "UnknownComponent";
    return -1;
}

/* Checks the shape of get/setVariableData items: component.name and variable.name. */
static int items_ok(json_t *items, const char *name, int with_value, enum ocpp_error *e,
                    char *reason, size_t len)
{
    json_t *it;
    size_t i;

    if (!json_is_array(items) || json_array_size(items) == 0) {
        *e = OCPP_ERR_OCCURRENCE_CONSTRAINT;
        snprintf(reason, len, "%s: a non-empty array", name);
        return 0;
    }
    json_array_foreach(items, i, it) {
        if (!json_is_string(json_object_get(json_object_get(it, "component"), "name")) ||
            !json_is_string(json_object_get(json_object_get(it, "variable"), "name")) ||
            (with_value && !json_is_string(json_object_get(it, "attributeValue")))) {
            *e = OCPP_ERR_OCCURRENCE_CONSTRAINT;
            snprintf(reason, len, "%s[%zu]: component.name, variable.name%s required", name, i,
                     with_value ? ", attributeValue" : "");
            return 0;
        }
    }
    return 1;
}

/* Only the Actual attribute exists here. */
static int actual(json_t *item)
{
    const char *t = json_string_value(json_object_get(item, "attributeType"));
    return !t || strcmp(t, "Actual") == 0;
}

static json_t *result_of(json_t *item, const char *status)
{
    json_t *r = json_pack("{s:s,s:O,s:O}", "attributeStatus", status, "component",
                          json_object_get(item, "component"), "variable",
                          json_object_get(item, "variable"));
    if (json_object_get(item, "attributeType"))
        json_object_set(r, "attributeType", json_object_get(item, "attributeType"));
    return r;
}

static json_t *config_get(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len)
{
    json_t *items = json_object_get(req, "getVariableData"), *it, *out;
    size_t i;

    if (!items_ok(items, "getVariableData", 0, e, reason, len))
        return NULL;
    out = json_array();
    json_array_foreach(items, i, it) {
        const char *status = "Accepted";
        int id = variable_of(it, &status);
        if (id >= 0 && !actual(it))
            status = "NotSupportedAttributeType";
        json_t *r = result_of(it, id >= 0 && !strcmp(status, "Accepted") ? "Accepted" : status);
        if (id >= 0 && !strcmp(status, "Accepted")) {
            char value[2600];
            a->get(a->arg, (enum ocpp_config_id)id, value, sizeof value);
            json_object_set_new(r, "attributeValue", ocpp_str_max(value, 2500));
        }
        json_array_append_new(out, r);
    }
    return json_pack("{s:o}", "getVariableResult", out);
}

static json_t *config_set(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len)
{
    json_t *items = json_object_get(req, "setVariableData"), *it, *out;
    size_t i;

    if (!items_ok(items, "setVariableData", 1, e, reason, len))
        return NULL;
    out = json_array();
    json_array_foreach(items, i, it) {
        const char *status = "Accepted";
        const char *value = json_string_value(json_object_get(it, "attributeValue"));
        int id = variable_of(it, &status);
        if (id >= 0) {
            enum ocpp_config_id cid = (enum ocpp_config_id)id;
            status = !actual(it)                             ? "NotSupportedAttributeType"
                     : ocpp_config_keys[id].readonly         ? "Rejected"
                     : !ocpp_config_value_ok(cid, value)     ? "Rejected"
                     : a->set(a->arg, cid, value) != 0       ? "Rejected"
                                                             : "Accepted";
        }
        json_array_append_new(out, result_of(it, status));
    }
    return json_pack("{s:o}", "setVariableResult", out);
}

/* One connector per EVSE, EVSEs numbered from 1 (2.0.1 has no "connector 0"). */
static int status_targets(int connectors, struct ocpp_status_target *t, int max)
{
    int n = 0;

    for (int i = 1; i <= connectors && n < max; i++, n++) {
        t[n].evse_id = i;
        t[n].connector_id = 1;
    }
    return n;
}

static json_t *status_request(const struct ocpp_status_target *t, enum ocpp_connector_status st,
                              const char *timestamp)
{
    const char *status = "Available";

    switch (st) {
    case OCPP_CONN_AVAILABLE: status = "Available"; break;
    case OCPP_CONN_PREPARING:
    case OCPP_CONN_CHARGING:
    case OCPP_CONN_SUSPENDED_EV:
    case OCPP_CONN_SUSPENDED_EVSE:
    case OCPP_CONN_FINISHING: status = "Occupied"; break;
    case OCPP_CONN_RESERVED: status = "Reserved"; break;
    case OCPP_CONN_UNAVAILABLE: status = "Unavailable"; break;
    case OCPP_CONN_FAULTED: status = "Faulted"; break;
    }
    return json_pack("{s:s,s:s,s:i,s:i}", "timestamp", timestamp, "connectorStatus", status,
                     "evseId", t->evse_id, "connectorId", t->connector_id);
}

/* ---- transactions: TransactionEvent Started / Updated / Ended ---- */

static const char *trigger_reason(enum ocpp_tx_cause c)
{
    switch (c) {
    case OCPP_CAUSE_REMOTE_START: return "RemoteStart";
    case OCPP_CAUSE_AUTHORIZED: return "Authorized";
    case OCPP_CAUSE_PERIODIC: return "MeterValuePeriodic";
    case OCPP_CAUSE_CHARGING_STATE: return "ChargingStateChanged";
    case OCPP_CAUSE_REMOTE_STOP: return "RemoteStop";
    case OCPP_CAUSE_LOCAL_STOP: return "StopAuthorized";
    case OCPP_CAUSE_EV_DISCONNECTED: return "EVCommunicationLost";
    case OCPP_CAUSE_HARD_RESET:
    case OCPP_CAUSE_SOFT_RESET: return "ResetCommand";
    case OCPP_CAUSE_DEAUTHORIZED: return "Deauthorized";
    case OCPP_CAUSE_UNLOCK: return "UnlockCommand";
    case OCPP_CAUSE_FAULT: return "AbnormalCondition";
    case OCPP_CAUSE_TRIGGER: return "Trigger";
    case OCPP_CAUSE_POWER_LOSS: return "AbnormalCondition";
    }
    return "Trigger";
}

static const char *stopped_reason(enum ocpp_tx_cause c)
{
    switch (c) {
    case OCPP_CAUSE_REMOTE_STOP: return "Remote";
    case OCPP_CAUSE_LOCAL_STOP: return "Local";
    case OCPP_CAUSE_EV_DISCONNECTED: return "EVDisconnected";
    case OCPP_CAUSE_HARD_RESET: return "ImmediateReset";
    case OCPP_CAUSE_SOFT_RESET: return "Reboot";
    case OCPP_CAUSE_DEAUTHORIZED: return "DeAuthorized";
    case OCPP_CAUSE_POWER_LOSS: return "PowerLoss";
    case OCPP_CAUSE_UNLOCK:
    case OCPP_CAUSE_FAULT:
    case OCPP_CAUSE_TRIGGER:
    case OCPP_CAUSE_REMOTE_START:
    case OCPP_CAUSE_AUTHORIZED:
    case OCPP_CAUSE_PERIODIC:
    case OCPP_CAUSE_CHARGING_STATE: break;   /* not a reason to stop */
    }
    return "Other";
}

static const char *charging_state(enum ocpp_connector_status st)
{
    switch (st) {
    case OCPP_CONN_CHARGING: return "Charging";
    case OCPP_CONN_SUSPENDED_EV: return "SuspendedEV";
    case OCPP_CONN_SUSPENDED_EVSE: return "SuspendedEVSE";
    case OCPP_CONN_PREPARING:
    case OCPP_CONN_FINISHING: return "EVConnected";
    case OCPP_CONN_AVAILABLE:
    case OCPP_CONN_RESERVED:
    case OCPP_CONN_UNAVAILABLE:
    case OCPP_CONN_FAULTED: break;
    }
    return "Idle";
}

static json_t *id_token(const char *id_tag, const char *id_type)
{
    return json_pack("{s:o,s:s}", "idToken", ocpp_str_max(id_tag, 36), "type",
                     id_type && *id_type ? id_type : "ISO14443");
}

static enum ocpp_action tx_request(const struct ocpp_tx *t, json_t **payload)
{
    static const char *const types[] = {"Started", "Updated", "Ended"};
    json_t *info = json_pack("{s:o,s:s}", "transactionId", ocpp_str_max(t->tx_id, 36),
                             "chargingState", charging_state(t->status));
    json_t *p = json_pack("{s:s,s:s,s:s,s:i}", "eventType", types[t->event], "timestamp",
                          t->timestamp, "triggerReason", trigger_reason(t->cause), "seqNo",
                          t->seq_no);

    if (t->event == OCPP_TX_ENDED)
        json_object_set_new(info, "stoppedReason", json_string(stopped_reason(t->cause)));
    if (t->event == OCPP_TX_STARTED && t->remote_start_id >= 0)
        json_object_set_new(info, "remoteStartId", json_integer(t->remote_start_id));
    json_object_set_new(p, "transactionInfo", info);
    if (t->offline)
        json_object_set_new(p, "offline", json_true());
    if (t->event == OCPP_TX_STARTED && t->id_tag && *t->id_tag)
        json_object_set_new(p, "idToken", id_token(t->id_tag, t->id_type));
    if (t->event == OCPP_TX_STARTED && t->reservation_id >= 0)
        json_object_set_new(p, "reservationId", json_integer(t->reservation_id));
    if (t->event == OCPP_TX_STARTED)
        json_object_set_new(p, "evse", json_pack("{s:i,s:i}", "id", t->where.evse_id,
                                                 "connectorId", t->where.connector_id));
    if (t->meter)
        json_object_set_new(p, "meterValue",
                            ocpp_meter_values(t->meter, ocpp_meter_context(t->event),
                                              t->timestamp, 1));
    *payload = p;
    return OCPP_ACTION_TRANSACTION_EVENT;
}

/* Authorize response {idTokenInfo}; TransactionEvent response {idTokenInfo?} */
static int tx_answer(enum ocpp_action action, json_t *payload, struct ocpp_tx_answer *out,
                     char *reason, size_t len)
{
    memset(out, 0, sizeof *out);
    if (ocpp_id_info_read(json_object_get(payload, "idTokenInfo"),
                          action == OCPP_ACTION_AUTHORIZE, &out->accepted) != 0)
        return snprintf(reason, len, "%s response: idTokenInfo.status missing",
                        ocpp_actions_v201[action].name), -1;
    return 0;
}

static json_t *authorize_request(const char *id_tag, const char *id_type)
{
    return json_pack("{s:o}", "idToken", id_token(id_tag, id_type));
}

/* MeterValues {evseId, meterValue} */
static json_t *meter_request(const struct ocpp_status_target *t, const char *tx_id,
                             const struct ocpp_meter *m, const char *context,
                             const char *timestamp)
{
    (void)tx_id;
    return json_pack("{s:i,s:o}", "evseId", t->evse_id, "meterValue",
                     ocpp_meter_values(m, context, timestamp, 1));
}

/* RequestStartTransaction {evseId?, remoteStartId, idToken {idToken, type},
 * chargingProfile?, groupIdToken?} */
static enum ocpp_error remote_start_parse(json_t *payload, struct ocpp_remote_start *out,
                                          char *reason, size_t len)
{
    static const char *const id_types[] = {"Central", "eMAID", "ISO14443", "ISO15693",
                                           "KeyCode", "Local", "MacAddress", "NoAuthorization",
                                           NULL};
    json_t *evse = json_object_get(payload, "evseId");
    json_t *rsid = json_object_get(payload, "remoteStartId");
    json_t *tok = json_object_get(payload, "idToken");
    const char *tag = json_string_value(json_object_get(tok, "idToken"));
    const char *type = json_string_value(json_object_get(tok, "type"));

    memset(out, 0, sizeof *out);
    if (!rsid || !tok || !tag || !type)
        return snprintf(reason, len, "%s: required",
                        !rsid ? "remoteStartId" : !tok ? "idToken"
                        : !tag ? "idToken.idToken" : "idToken.type"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(rsid))
        return snprintf(reason, len, "remoteStartId: an integer"), OCPP_ERR_TYPE_CONSTRAINT;
    if (evse && (!json_is_integer(evse) || json_integer_value(evse) < 1))
        return snprintf(reason, len, "evseId: an integer > 0"), OCPP_ERR_TYPE_CONSTRAINT;
    if (strlen(tag) > 36)
        return snprintf(reason, len, "idToken.idToken: at most 36 characters"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    int i = 0;
    while (id_types[i] && strcmp(id_types[i], type) != 0)
        i++;
    if (!id_types[i])
        return snprintf(reason, len, "idToken.type: unknown type %.40s", type),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    out->evse_id = evse ? (int)json_integer_value(evse) : 0;
    out->remote_start_id = (int)json_integer_value(rsid);
    snprintf(out->id_tag, sizeof out->id_tag, "%s", tag);
    snprintf(out->id_type, sizeof out->id_type, "%s", type);
    json_t *prof = json_object_get(payload, "chargingProfile");
    out->has_profile = prof != NULL;
    out->profile_raw = prof;
    return prof ? ocpp_profile_read(prof, 1, out->evse_id, &out->profile, reason, len)
                : OCPP_ERR_NONE;
}

/* RequestStopTransaction {transactionId: string <= 36} */
static enum ocpp_error remote_stop_parse(json_t *payload, char *tx_id, size_t n, char *reason,
                                         size_t len)
{
    json_t *id = json_object_get(payload, "transactionId");

    if (!id)
        return snprintf(reason, len, "transactionId: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_string(id) || json_string_length(id) > 36)
        return snprintf(reason, len, "transactionId: a string of at most 36 characters"),
               OCPP_ERR_TYPE_CONSTRAINT;
    snprintf(tx_id, n, "%s", json_string_value(id));
    return OCPP_ERR_NONE;
}

/* ---- local authorization list (the shape is shared: ocpp_version.c) ---- */

static enum ocpp_error local_list_parse(json_t *payload, struct ocpp_local_list *out,
                                        char *reason, size_t len)
{
    return ocpp_local_list_read(payload, 1, out, reason, len);
}

static json_t *local_version_answer(int version)
{
    return ocpp_local_version_payload(1, version);
}

/* ---- firmware and logs ---- */

static enum ocpp_error request_id_of(json_t *payload, const char *inner, const char *field,
                                     int *request_id, char *reason, size_t len)
{
    json_t *id = json_object_get(payload, "requestId");
    if (!json_is_integer(id) || !json_is_string(json_object_get(json_object_get(payload, inner),
                                                                field)))
        return snprintf(reason, len, "requestId and %s.%s: required", inner, field),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    *request_id = (int)json_integer_value(id);
    return OCPP_ERR_NONE;
}

/* UpdateFirmware {requestId, firmware {location, retrieveDateTime, ...}, ...} */
static enum ocpp_error firmware_parse(json_t *payload, int *request_id, char *reason,
                                      size_t len)
{
    return request_id_of(payload, "firmware", "location", request_id, reason, len);
}

static json_t *firmware_answer(void)
{
    return ocpp_status_payload("Accepted");
}

/* GetLog {logType, requestId, log {remoteLocation, ...}, ...} */
static enum ocpp_error diagnostics_parse(json_t *payload, int *request_id, char *reason,
                                         size_t len)
{
    return request_id_of(payload, "log", "remoteLocation", request_id, reason, len);
}

static json_t *diagnostics_answer(const char *filename)
{
    return json_pack("{s:s,s:s}", "status", "Accepted", "filename", filename);
}

/* ---- reservations ---- */

/* ReserveNow {id, expiryDateTime, idToken, evseId?, connectorType?, groupIdToken?} */
static enum ocpp_error reserve_parse(json_t *payload, struct ocpp_reserve_req *out,
                                     char *reason, size_t len)
{
    json_t *id = json_object_get(payload, "id"), *evse = json_object_get(payload, "evseId");
    json_t *tok = json_object_get(payload, "idToken");
    const char *tag = json_string_value(json_object_get(tok, "idToken"));
    const char *type = json_string_value(json_object_get(tok, "type"));

    memset(out, 0, sizeof *out);
    if (!json_is_integer(id) || !tag || !type || !json_object_get(payload, "expiryDateTime"))
        return snprintf(reason, len, "id, expiryDateTime, idToken: required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (evse && (!json_is_integer(evse) || json_integer_value(evse) < 0))
        return snprintf(reason, len, "evseId: an integer >= 0"), OCPP_ERR_TYPE_CONSTRAINT;
    out->expiry = ocpp_time_parse(json_string_value(json_object_get(payload, "expiryDateTime")));
    if (out->expiry < 0)
        return snprintf(reason, len, "expiryDateTime: an RFC 3339 date-time"), OCPP_ERR_FORMAT;
    out->id = (int)json_integer_value(id);
    out->evse_id = evse ? (int)json_integer_value(evse) : 0;
    snprintf(out->id_tag, sizeof out->id_tag, "%s", tag);
    snprintf(out->id_type, sizeof out->id_type, "%s", type);
    return OCPP_ERR_NONE;
}

static json_t *reservation_expired(int id)
{
    return json_pack("{s:i,s:s}", "reservationId", id, "reservationUpdateStatus", "Expired");
}

/* ---- events ---- */

static json_t *notify_problem(int event_id, const char *timestamp,
                              const struct ocpp_status_target *t, int problem)
{
    return json_pack("{s:s,s:i,s:[{s:i,s:s,s:s,s:s,s:s,s:{s:s,s:{s:i,s:i}},s:{s:s}}]}",
                     "generatedAt", timestamp, "seqNo", 0, "eventData", "eventId", event_id,
                     "timestamp", timestamp, "trigger", "Delta", "actualValue",
                     problem ? "true" : "false", "eventNotificationType",
                     "HardWiredNotification", "component", "name", "Connector", "evse", "id",
                     t->evse_id, "connectorId", t->connector_id, "variable", "name", "Problem");
}

static json_t *security_event(const char *type, const char *timestamp)
{
    return json_pack("{s:s,s:s}", "type", type, "timestamp", timestamp);
}

/* ---- device model report: GetBaseReport → NotifyReport ---- */

/* GetBaseReport {requestId, reportBase}; base: 0 configuration, 1 full, 2 summary */
static enum ocpp_error report_parse(json_t *payload, int *request_id, int *base, char *reason,
                                    size_t len)
{
    static const char *const bases[] = {"ConfigurationInventory", "FullInventory",
                                        "SummaryInventory", NULL};
    json_t *id = json_object_get(payload, "requestId");
    const char *b = json_string_value(json_object_get(payload, "reportBase"));

    if (!json_is_integer(id) || !b)
        return snprintf(reason, len, "%s: required", !json_is_integer(id) ? "requestId"
                                                                          : "reportBase"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    *base = -1;
    for (int i = 0; bases[i]; i++) {
        if (strcmp(bases[i], b) == 0)
            *base = i;
    }
    if (*base < 0)
        return snprintf(reason, len, "reportBase: unknown %.40s", b),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    *request_id = (int)json_integer_value(id);
    return OCPP_ERR_NONE;
}

/* The reportData of every variable of the device model the base names (configuration:
 * the writable ones). */
static json_t *report_data(const struct ocpp_config_access *a, int base)
{
    static const char *const types[] = {[OCPP_CFG_INT] = "integer", [OCPP_CFG_BOOL] = "boolean",
                                        [OCPP_CFG_STRING] = "string"};
    json_t *all = json_array();

    for (int id = 0; id < OCPP_CFG__COUNT; id++) {
        const struct ocpp_config_key *k = &ocpp_config_keys[id];
        char value[512];
        if (!k->component || (base == 0 && k->readonly))
            continue;
        a->get(a->arg, (enum ocpp_config_id)id, value, sizeof value);
        json_array_append_new(all, json_pack(
            "{s:{s:s},s:{s:s},s:[{s:s,s:o,s:s}],s:{s:s,s:b}}", "component", "name",
            k->component, "variable", "name", k->variable, "variableAttribute", "type", "Actual",
            "value", ocpp_str_max(value, 2500), "mutability",
            k->readonly ? "ReadOnly" : "ReadWrite", "variableCharacteristics", "dataType",
            types[k->type], "supportsMonitoring", 0));
    }
    return all;
}

static json_t *notify_report(int request_id, const char *generated_at, int seq_no, int tbc,
                             json_t *data)
{
    json_t *p = json_pack("{s:i,s:s,s:i,s:o}", "requestId", request_id, "generatedAt",
                          generated_at, "seqNo", seq_no, "reportData", data);
    if (tbc)
        json_object_set_new(p, "tbc", json_true());
    return p;
}

/* ---- smart charging (the shapes are read in ocpp_profile.c) ---- */

static enum ocpp_error set_profile_parse(json_t *payload, struct ocpp_profile *out,
                                         char *reason, size_t len)
{
    return ocpp_profile_set_read(payload, 1, out, reason, len);
}

static enum ocpp_error clear_profile_parse(json_t *payload, struct ocpp_profile_filter *out,
                                           char *reason, size_t len)
{
    return ocpp_profile_clear_read(payload, 1, out, reason, len);
}

static enum ocpp_error composite_parse(json_t *payload, int *evse_id, int *duration, int *amps,
                                       char *reason, size_t len)
{
    return ocpp_composite_read(payload, 1, evse_id, duration, amps, reason, len);
}

static json_t *set_profile_object(json_t *payload)
{
    return ocpp_profile_object(payload, 1);
}

/* GetChargingProfiles {requestId, evseId?, chargingProfile {chargingProfilePurpose?,
 * stackLevel?, chargingProfileId?[], chargingLimitSource?[]}} */
static enum ocpp_error get_profiles_parse(json_t *payload, int *request_id,
                                          struct ocpp_profile_filter *f, json_t **ids,
                                          char *reason, size_t len)
{
    json_t *id = json_object_get(payload, "requestId");
    json_t *crit = json_object_get(payload, "chargingProfile");
    json_t *purpose = json_object_get(crit, "chargingProfilePurpose");

    if (!json_is_integer(id) || !json_is_object(crit))
        return snprintf(reason, len, "requestId and chargingProfile: required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    *request_id = (int)json_integer_value(id);
    f->id = -1;
    f->evse_id = ocpp_opt_int(payload, "evseId");
    f->stack_level = ocpp_opt_int(crit, "stackLevel");
    f->purpose = purpose ? ocpp_purpose_of(json_string_value(purpose), 1) : -1;
    if (purpose && f->purpose < 0)
        return snprintf(reason, len, "chargingProfile.chargingProfilePurpose: unknown"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    *ids = json_object_get(crit, "chargingProfileId");
    if (*ids && !json_is_array(*ids))
        return snprintf(reason, len, "chargingProfile.chargingProfileId: an array"),
               OCPP_ERR_TYPE_CONSTRAINT;
    return OCPP_ERR_NONE;
}

static json_t *report_profiles(int request_id, int evse_id, json_t *profiles, int tbc)
{
    json_t *p = json_pack("{s:i,s:s,s:i,s:o}", "requestId", request_id, "chargingLimitSource",
                          "CSO", "evseId", evse_id, "chargingProfile", profiles);
    if (tbc)
        json_object_set_new(p, "tbc", json_true());
    return p;
}

static json_t *composite_answer(int evse_id, const char *start, int duration, int amps,
                                const struct ocpp_period *p, int n)
{
    return json_pack("{s:s,s:{s:i,s:i,s:s,s:s,s:o}}", "status", "Accepted", "schedule",
                     "evseId", evse_id, "duration", duration, "scheduleStart", start,
                     "chargingRateUnit", amps ? "A" : "W", "chargingSchedulePeriod",
                     ocpp_periods_json(p, n));
}

extern const char ocpp_schema_ocpp2_0_1[];

const struct ocpp_version ocpp_v201 = {
    .name = "OCPP2.0.1",
    .schemas = ocpp_schema_ocpp2_0_1,
    .subprotocol = OCPP_SUBPROTOCOL_201,
    .error_names = error_names,
    .actions = ocpp_actions_v201,
    .boot_request = boot_request,
    .boot_result = ocpp_boot_result_parse,
    .heartbeat_request = ocpp_empty_payload,
    .status_targets = status_targets,
    .status_request = status_request,
    .reset_parse = reset_parse,
    .trigger_parse = trigger_parse,
    .availability_parse = availability_parse,
    .unlock_parse = unlock_parse,
    .unlock_unknown = "UnknownConnector",
    .unlock_busy = "OngoingAuthorizedTransaction",
    .soft_reset_waits = 1,
    .config_get = config_get,
    .config_set = config_set,
    .tx_request = tx_request,
    .tx_id_by_charger = 1,
    .reports_finishing = 0,
    .tx_answer = tx_answer,
    .authorize_request = authorize_request,
    .meter_request = meter_request,
    .remote_start_parse = remote_start_parse,
    .remote_stop_parse = remote_stop_parse,
    .firmware_parse = firmware_parse,
    .firmware_answer = firmware_answer,
    .diagnostics_parse = diagnostics_parse,
    .diagnostics_answer = diagnostics_answer,
    .reserve_parse = reserve_parse,
    .local_list_parse = local_list_parse,
    .local_version_answer = local_version_answer,
    .reservation_expired = reservation_expired,
    .notify_problem = notify_problem,
    .security_event = security_event,
    .report_parse = report_parse,
    .report_data = report_data,
    .notify_report = notify_report,
    .set_profile_parse = set_profile_parse,
    .clear_profile_parse = clear_profile_parse,
    .composite_parse = composite_parse,
    .composite_answer = composite_answer,
    .set_profile_object = set_profile_object,
    .get_profiles_parse = get_profiles_parse,
    .report_profiles = report_profiles,
    .boot_response = ocpp_boot_response_payload,
    .heartbeat_response = ocpp_current_time_payload,
};

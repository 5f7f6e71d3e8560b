/* OCPP 1.6-J: the version table. Field names and limits from the 1.6 JSON schemas. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_version.h"

/* 1.6 has neither RpcFrameworkError nor MessageTypeNotSupported: the nearest codes. */
static const char *const error_names[OCPP_ERR__COUNT] = {
    [OCPP_ERR_NONE] = "",
    [OCPP_ERR_NOT_IMPLEMENTED] = "NotImplemented",
    [OCPP_ERR_NOT_SUPPORTED] = "NotSupported",
    [OCPP_ERR_INTERNAL] = "InternalError",
    [OCPP_ERR_PROTOCOL] = "ProtocolError",
    [OCPP_ERR_SECURITY] = "SecurityError",
    [OCPP_ERR_FORMAT] = "FormationViolation",
    [OCPP_ERR_PROPERTY_CONSTRAINT] = "PropertyConstraintViolation",
    [OCPP_ERR_OCCURRENCE_CONSTRAINT] = "OccurenceConstraintViolation", /* sic, 1.6 spelling */
    [OCPP_ERR_TYPE_CONSTRAINT] = "TypeConstraintViolation",
    [OCPP_ERR_GENERIC] = "GenericError",
    [OCPP_ERR_RPC_FRAMEWORK] = "FormationViolation",
    [OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED] = "NotSupported",
};

static json_t *boot_request(const struct ocpp_station_info *info, enum ocpp_boot_reason why)
{
    (void)why;   /* 1.6 does not say why it boots */
    json_t *p = json_object();

    json_object_set_new(p, "chargePointVendor", ocpp_str_max(info->vendor, 20));
    json_object_set_new(p, "chargePointModel", ocpp_str_max(info->model, 20));
    if (info->serial && *info->serial)
        json_object_set_new(p, "chargePointSerialNumber", ocpp_str_max(info->serial, 25));
    if (info->firmware && *info->firmware)
        json_object_set_new(p, "firmwareVersion", ocpp_str_max(info->firmware, 50));
    return p;
}

/* Reset.req {type: Hard|Soft} */
static enum ocpp_error reset_parse(json_t *payload, struct ocpp_reset_req *out, char *reason,
                                   size_t len)
{
    const char *type = json_string_value(json_object_get(payload, "type"));

    out->evse_id = 0;
    if (!type)
        return snprintf(reason, len, "type: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (strcmp(type, "Hard") == 0)
        out->kind = OCPP_RESET_HARD;
    else if (strcmp(type, "Soft") == 0)
        out->kind = OCPP_RESET_SOFT;
    else
        return snprintf(reason, len, "type: Hard or Soft"), OCPP_ERR_PROPERTY_CONSTRAINT;
    return OCPP_ERR_NONE;
}

/* TriggerMessage.req {requestedMessage, connectorId?} */
static enum ocpp_error trigger_parse(json_t *payload, struct ocpp_trigger_req *out,
                                     char *reason, size_t len)
{
    static const struct ocpp_trigger_name names[] = {
        {"BootNotification", OCPP_TRIGGER_BOOT},
        {"DiagnosticsStatusNotification", OCPP_TRIGGER_DIAG_STATUS},
        {"FirmwareStatusNotification", OCPP_TRIGGER_FIRMWARE_STATUS},
        {"Heartbeat", OCPP_TRIGGER_HEARTBEAT},
        {"MeterValues", OCPP_TRIGGER_METER_VALUES},
        {"StatusNotification", OCPP_TRIGGER_STATUS},
        {NULL, OCPP_TRIGGER_OTHER},
    };
    json_t *c = json_object_get(payload, "connectorId");

    memset(out, 0, sizeof *out);
    if (c && (!json_is_integer(c) || json_integer_value(c) < 0))
        return snprintf(reason, len, "connectorId: an integer >= 0"), OCPP_ERR_TYPE_CONSTRAINT;
    out->evse_id = c ? (int)json_integer_value(c) : 0;
    return ocpp_trigger_lookup(names, json_string_value(json_object_get(payload,
                                                                        "requestedMessage")),
                               out, reason, len);
}

/* ChangeAvailability.req {connectorId, type: Inoperative|Operative} */
static enum ocpp_error availability_parse(json_t *payload, struct ocpp_unit_req *out,
                                          char *reason, size_t len)
{
    json_t *c = json_object_get(payload, "connectorId");
    const char *type = json_string_value(json_object_get(payload, "type"));

    memset(out, 0, sizeof *out);
    if (!c || !type)
        return snprintf(reason, len, "%s: required", c ? "type" : "connectorId"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(c) || json_integer_value(c) < 0)
        return snprintf(reason, len, "connectorId: an integer >= 0"), OCPP_ERR_TYPE_CONSTRAINT;
    if (strcmp(type, "Operative") != 0 && strcmp(type, "Inoperative") != 0)
        return snprintf(reason, len, "type: Operative or Inoperative"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    out->evse_id = (int)json_integer_value(c);
    out->operative = strcmp(type, "Operative") == 0;
    return OCPP_ERR_NONE;
}

/* UnlockConnector.req {connectorId > 0} */
static enum ocpp_error unlock_parse(json_t *payload, struct ocpp_unit_req *out, char *reason,
                                    size_t len)
{
    json_t *c = json_object_get(payload, "connectorId");

    memset(out, 0, sizeof *out);
    if (!c)
        return snprintf(reason, len, "connectorId: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(c))
        return snprintf(reason, len, "connectorId: an integer"), OCPP_ERR_TYPE_CONSTRAINT;
    out->evse_id = (int)json_integer_value(c);
    return OCPP_ERR_NONE;
}

/* ---- configuration: GetConfiguration / ChangeConfiguration ---- */

static int key16_of(const char *key)
{
    for (int i = 0; i < OCPP_CFG__COUNT; i++) {
        if (ocpp_config_keys[i].key16 && strcmp(ocpp_config_keys[i].key16, key) == 0)
            return i;
    }
    return -1;
}

static json_t *key_value(const struct ocpp_config_access *a, int id)
{
    char value[512];
    a->get(a->arg, (enum ocpp_config_id)id, value, sizeof value);
    return json_pack("{s:s,s:b,s:o}", "key", ocpp_config_keys[id].key16, "readonly",
                     ocpp_config_keys[id].readonly, "value", ocpp_str_max(value, 500));
}

/* GetConfiguration.req {key?: [CiString50]} → {configurationKey, unknownKey} */
static json_t *config_get(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len)
{
    json_t *keys = json_object_get(req, "key"), *known = json_array(), *unknown = json_array();
    json_t *k;
    size_t i;

    if (keys && !json_is_array(keys)) {
        json_decref(known);
        json_decref(unknown);
        *e = OCPP_ERR_TYPE_CONSTRAINT;
        snprintf(reason, len, "key: an array of strings");
        return NULL;
    }
    if (json_array_size(keys) == 0) {
        for (int id = 0; id < OCPP_CFG__COUNT; id++) {
            if (ocpp_config_keys[id].key16)
                json_array_append_new(known, key_value(a, id));
        }
    }
    json_array_foreach(keys, i, k) {
        const char *name = json_string_value(k);
        int id = name ? key16_of(name) : -1;
        if (id >= 0)
            json_array_append_new(known, key_value(a, id));
        else if (name)
            json_array_append_new(unknown, ocpp_str_max(name, 50));
    }
    json_t *r = json_pack("{s:o}", "configurationKey", known);
    if (json_array_size(unknown) > 0)
        json_object_set_new(r, "unknownKey", unknown);
    else
        json_decref(unknown);
    return r;
}

/* ChangeConfiguration.req {key, value} → {status: Accepted|Rejected|NotSupported} */
static json_t *config_set(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len)
{
    const char *key = json_string_value(json_object_get(req, "key"));
    const char *value = json_string_value(json_object_get(req, "value"));

    if (!key || !value) {
        *e = OCPP_ERR_OCCURRENCE_CONSTRAINT;
        snprintf(reason, len, "%s: required", key ? "value" : "key");
        return NULL;
    }
    int id = key16_of(key);
    const char *status = id < 0                                   ? "NotSupported"
                         : ocpp_config_keys[id].readonly          ? "Rejected"
                         : !ocpp_config_value_ok((enum ocpp_config_id)id, value) ? "Rejected"
                         : a->set(a->arg, (enum ocpp_config_id)id, value) != 0 ? "Rejected"
                                                                  : "Accepted";
    return ocpp_status_payload(status);
}

/* Connector 0 is the charge point as a whole; 1..n the connectors. */
static int status_targets(int connectors, struct ocpp_status_target *t, int max)
{
    int n = 0;

    for (int i = 0; i <= connectors && n < max; i++, n++) {
        t[n].evse_id = 0;
        t[n].connector_id = i;
    }
    return n;
}

static json_t *status_request(const struct ocpp_status_target *t, enum ocpp_connector_status st,
                              const char *timestamp)
{
    const char *status = "Available", *code = "NoError";

    switch (st) {
    case OCPP_CONN_AVAILABLE: status = "Available"; break;
    case OCPP_CONN_PREPARING: status = "Preparing"; break;
    case OCPP_CONN_CHARGING: status = "Charging"; break;
    case OCPP_CONN_SUSPENDED_EV: status = "SuspendedEV"; break;
    case OCPP_CONN_SUSPENDED_EVSE: status = "SuspendedEVSE"; break;
    case OCPP_CONN_FINISHING: status = "Finishing"; break;
    case OCPP_CONN_RESERVED: status = "Reserved"; break;
    case OCPP_CONN_UNAVAILABLE: status = "Unavailable"; break;
    case OCPP_CONN_FAULTED: status = "Faulted"; code = "OtherError"; break;
    }
    return json_pack("{s:i,s:s,s:s,s:s}", "connectorId", t->connector_id, "errorCode", code,
                     "status", status, "timestamp", timestamp);
}

/* ---- transactions: StartTransaction, MeterValues, StopTransaction ---- */

static const char *stop_reason(enum ocpp_tx_cause c)
{
    switch (c) {
    case OCPP_CAUSE_REMOTE_STOP: return "Remote";
    case OCPP_CAUSE_LOCAL_STOP: return "Local";
    case OCPP_CAUSE_EV_DISCONNECTED: return "EVDisconnected";
    case OCPP_CAUSE_HARD_RESET: return "HardReset";
    case OCPP_CAUSE_SOFT_RESET: return "SoftReset";
    case OCPP_CAUSE_DEAUTHORIZED: return "DeAuthorized";
    case OCPP_CAUSE_UNLOCK: return "UnlockCommand";
    case OCPP_CAUSE_POWER_LOSS: return "PowerLoss";
    case OCPP_CAUSE_FAULT:
    case OCPP_CAUSE_TRIGGER:
    case OCPP_CAUSE_REMOTE_START:
    case OCPP_CAUSE_AUTHORIZED:
    case OCPP_CAUSE_PERIODIC:
    case OCPP_CAUSE_CHARGING_STATE: break;   /* not a reason to stop */
    }
    return "Other";
}

static enum ocpp_action tx_request(const struct ocpp_tx *t, json_t **payload)
{
    json_int_t wh = t->meter ? (json_int_t)floor(t->meter->energy_wh) : 0;
    json_int_t id = t->tx_id ? strtoll(t->tx_id, NULL, 10) : 0;

    switch (t->event) {
    case OCPP_TX_STARTED:
        *payload = json_pack("{s:i,s:o,s:I,s:s}", "connectorId", t->where.connector_id, "idTag",
                             ocpp_str_max(t->id_tag, 20), "meterStart", wh, "timestamp",
                             t->timestamp);
        if (t->reservation_id >= 0)
            json_object_set_new(*payload, "reservationId", json_integer(t->reservation_id));
        return OCPP_ACTION_START_TRANSACTION;
    case OCPP_TX_UPDATED:
        *payload = json_pack("{s:i,s:I,s:o}", "connectorId", t->where.connector_id,
                             "transactionId", id, "meterValue",
                             ocpp_meter_values(t->meter, ocpp_meter_context(t->event),
                                               t->timestamp, 0));
        return OCPP_ACTION_METER_VALUES;
    case OCPP_TX_ENDED:
        *payload = json_pack("{s:I,s:I,s:s,s:s}", "transactionId", id, "meterStop", wh,
                             "timestamp", t->timestamp, "reason", stop_reason(t->cause));
        if (t->id_tag && *t->id_tag)
            json_object_set_new(*payload, "idTag", ocpp_str_max(t->id_tag, 20));
        if (t->meter)
            json_object_set_new(*payload, "transactionData",
                                ocpp_meter_values(t->meter, ocpp_meter_context(t->event),
                                                  t->timestamp, 0));
        return OCPP_ACTION_STOP_TRANSACTION;
    }
    return OCPP_ACTION_METER_VALUES;
}

/* Authorize.conf / StartTransaction.conf {idTagInfo, transactionId} /
 * StopTransaction.conf {idTagInfo?} / MeterValues.conf {} */
static int tx_answer(enum ocpp_action action, json_t *payload, struct ocpp_tx_answer *out,
                     char *reason, size_t len)
{
    memset(out, 0, sizeof *out);
    out->accepted = 1;
    if (action == OCPP_ACTION_METER_VALUES)
        return 0;
    if (ocpp_id_info_read(json_object_get(payload, "idTagInfo"),
                          action != OCPP_ACTION_STOP_TRANSACTION, &out->accepted) != 0)
        return snprintf(reason, len, "%s response: idTagInfo.status missing",
                        ocpp_actions_v16[action].name), -1;
    if (action == OCPP_ACTION_START_TRANSACTION) {
        json_t *id = json_object_get(payload, "transactionId");
        if (!json_is_integer(id))
            return snprintf(reason, len, "StartTransaction response: transactionId missing or "
                                         "not an integer"), -1;
        snprintf(out->tx_id, sizeof out->tx_id, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    }
    return 0;
}

static json_t *authorize_request(const char *id_tag, const char *id_type)
{
    (void)id_type;
    return json_pack("{s:o}", "idTag", ocpp_str_max(id_tag, 20));
}

/* MeterValues.req {connectorId, transactionId?, meterValue} */
static json_t *meter_request(const struct ocpp_status_target *t, const char *tx_id,
                             const struct ocpp_meter *m, const char *context,
                             const char *timestamp)
{
    json_t *p = json_pack("{s:i,s:o}", "connectorId", t->connector_id, "meterValue",
                          ocpp_meter_values(m, context, timestamp, 0));
    if (tx_id && *tx_id)
        json_object_set_new(p, "transactionId", json_integer(strtoll(tx_id, NULL, 10)));
    return p;
}

/* RemoteStartTransaction.req {connectorId?, idTag, chargingProfile?} */
static enum ocpp_error remote_start_parse(json_t *payload, struct ocpp_remote_start *out,
                                          char *reason, size_t len)
{
    json_t *c = json_object_get(payload, "connectorId");
    const char *tag = json_string_value(json_object_get(payload, "idTag"));

    memset(out, 0, sizeof *out);
    out->remote_start_id = -1;
    if (!tag)
        return snprintf(reason, len, "idTag: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (strlen(tag) > 20)
        return snprintf(reason, len, "idTag: at most 20 characters"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    if (c && (!json_is_integer(c) || json_integer_value(c) < 1))
        return snprintf(reason, len, "connectorId: an integer > 0"), OCPP_ERR_TYPE_CONSTRAINT;
    out->evse_id = c ? (int)json_integer_value(c) : 0;
    snprintf(out->id_tag, sizeof out->id_tag, "%s", tag);
    json_t *prof = json_object_get(payload, "chargingProfile");
    out->has_profile = prof != NULL;
    out->profile_raw = prof;
    return prof ? ocpp_profile_read(prof, 0, out->evse_id, &out->profile, reason, len)
                : OCPP_ERR_NONE;
}

/* RemoteStopTransaction.req {transactionId: integer} */
static enum ocpp_error remote_stop_parse(json_t *payload, char *tx_id, size_t n, char *reason,
                                         size_t len)
{
    json_t *id = json_object_get(payload, "transactionId");

    if (!id)
        return snprintf(reason, len, "transactionId: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(id))
        return snprintf(reason, len, "transactionId: an integer"), OCPP_ERR_TYPE_CONSTRAINT;
    snprintf(tx_id, n, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    return OCPP_ERR_NONE;
}

/* ---- reservations ---- */

/* ReserveNow.req {connectorId, expiryDate, idTag, parentIdTag?, reservationId} */
static enum ocpp_error reserve_parse(json_t *payload, struct ocpp_reserve_req *out,
                                     char *reason, size_t len)
{
    json_t *c = json_object_get(payload, "connectorId"), *id = json_object_get(payload,
                                                                               "reservationId");
    const char *tag = json_string_value(json_object_get(payload, "idTag"));

    memset(out, 0, sizeof *out);
    if (!c || !id || !tag || !json_object_get(payload, "expiryDate"))
        return snprintf(reason, len, "connectorId, expiryDate, idTag, reservationId: required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    if (!json_is_integer(c) || !json_is_integer(id) || json_integer_value(c) < 0)
        return snprintf(reason, len, "connectorId (>= 0) and reservationId: integers"),
               OCPP_ERR_TYPE_CONSTRAINT;
    if (strlen(tag) > 20)
        return snprintf(reason, len, "idTag: at most 20 characters"),
               OCPP_ERR_PROPERTY_CONSTRAINT;
    out->expiry = ocpp_time_parse(json_string_value(json_object_get(payload, "expiryDate")));
    if (out->expiry < 0)
        return snprintf(reason, len, "expiryDate: an RFC 3339 date-time"), OCPP_ERR_FORMAT;
    out->id = (int)json_integer_value(id);
    out->evse_id = (int)json_integer_value(c);
    snprintf(out->id_tag, sizeof out->id_tag, "%s", tag);
    return OCPP_ERR_NONE;
}

/* ---- local authorization list (the shape is shared: ocpp_version.c) ---- */

static enum ocpp_error local_list_parse(json_t *payload, struct ocpp_local_list *out,
                                        char *reason, size_t len)
{
    return ocpp_local_list_read(payload, 0, out, reason, len);
}

static json_t *local_version_answer(int version)
{
    return ocpp_local_version_payload(0, version);
}

/* ---- firmware and diagnostics ---- */

/* UpdateFirmware.req {location, retrieveDate, retries?, retryInterval?} */
static enum ocpp_error firmware_parse(json_t *payload, int *request_id, char *reason,
                                      size_t len)
{
    *request_id = -1;
    if (!json_is_string(json_object_get(payload, "location")) ||
        ocpp_time_parse(json_string_value(json_object_get(payload, "retrieveDate"))) < 0)
        return snprintf(reason, len, "location and retrieveDate (a date-time): required"),
               OCPP_ERR_OCCURRENCE_CONSTRAINT;
    return OCPP_ERR_NONE;
}

/* GetDiagnostics.req {location, retries?, retryInterval?, startTime?, stopTime?} */
static enum ocpp_error diagnostics_parse(json_t *payload, int *request_id, char *reason,
                                         size_t len)
{
    *request_id = -1;
    if (!json_is_string(json_object_get(payload, "location")))
        return snprintf(reason, len, "location: required"), OCPP_ERR_OCCURRENCE_CONSTRAINT;
    return OCPP_ERR_NONE;
}

static json_t *diagnostics_answer(const char *filename)
{
    return json_pack("{s:s}", "fileName", filename);
}

/* ---- smart charging (the shapes are read in ocpp_profile.c) ---- */

static enum ocpp_error set_profile_parse(json_t *payload, struct ocpp_profile *out,
                                         char *reason, size_t len)
{
    return ocpp_profile_set_read(payload, 0, out, reason, len);
}

static enum ocpp_error clear_profile_parse(json_t *payload, struct ocpp_profile_filter *out,
                                           char *reason, size_t len)
{
    return ocpp_profile_clear_read(payload, 0, out, reason, len);
}

static enum ocpp_error composite_parse(json_t *payload, int *evse_id, int *duration, int *amps,
                                       char *reason, size_t len)
{
    return ocpp_composite_read(payload, 0, evse_id, duration, amps, reason, len);
}

static json_t *set_profile_object(json_t *payload)
{
    return ocpp_profile_object(payload, 0);
}

static json_t *composite_answer(int evse_id, const char *start, int duration, int amps,
                                const struct ocpp_period *p, int n)
{
    return json_pack("{s:s,s:i,s:s,s:{s:i,s:s,s:s,s:o}}", "status", "Accepted", "connectorId",
                     evse_id, "scheduleStart", start, "chargingSchedule", "duration", duration,
                     "startSchedule", start, "chargingRateUnit", amps ? "A" : "W",
                     "chargingSchedulePeriod", ocpp_periods_json(p, n));
}

extern const char ocpp_schema_ocpp1_6[];

const struct ocpp_version ocpp_v16 = {
    .name = "OCPP1.6",
    .schemas = ocpp_schema_ocpp1_6,
    .subprotocol = OCPP_SUBPROTOCOL_16,
    .error_names = error_names,
    .actions = ocpp_actions_v16,
    .boot_request = boot_request,
    .boot_result = ocpp_boot_result_parse,
    .heartbeat_request = ocpp_empty_payload,
    .status_targets = status_targets,
    .status_request = status_request,
    .reset_parse = reset_parse,
    .trigger_parse = trigger_parse,
    .availability_parse = availability_parse,
    .unlock_parse = unlock_parse,
    .unlock_unknown = "NotSupported",
    .config_get = config_get,
    .config_set = config_set,
    .tx_request = tx_request,
    .tx_id_by_charger = 0,
    .reports_finishing = 1,
    .tx_answer = tx_answer,
    .authorize_request = authorize_request,
    .meter_request = meter_request,
    .remote_start_parse = remote_start_parse,
    .remote_stop_parse = remote_stop_parse,
    .firmware_parse = firmware_parse,
    .firmware_answer = ocpp_empty_payload,
    .diagnostics_parse = diagnostics_parse,
    .diagnostics_answer = diagnostics_answer,
    .reserve_parse = reserve_parse,
    .local_list_parse = local_list_parse,
    .local_version_answer = local_version_answer,
    .set_profile_parse = set_profile_parse,
    .clear_profile_parse = clear_profile_parse,
    .composite_parse = composite_parse,
    .composite_answer = composite_answer,
    .set_profile_object = set_profile_object,
    .boot_response = ocpp_boot_response_payload,
    .heartbeat_response = ocpp_current_time_payload,
};

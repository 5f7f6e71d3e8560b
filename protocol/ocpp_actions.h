/* Every OCPP action of every version, in one list. A row is one message: its id, its
 * 1.6 name, its 2.0.1 name (NULL where the version does not define it) and its
 * direction from the charge point's point of view. Actions the two versions name
 * differently but mean the same (GetConfiguration / GetVariables, ...) are one row, so
 * code that acts on a message switches on the id and never on a version's spelling.
 * The list expands into enum ocpp_action and each version's name column
 * (ocpp_actions.c); the simulator's handler table (simulator/sim_dispatch.c) is indexed
 * by the enum, a row for each action a charge point answers. A new action is one row
 * here; its JSON schemas are found by name (protocol/schemas, "urn:<name>.req"). Pure. */
#ifndef OCPP_ACTIONS_H
#define OCPP_ACTIONS_H

/* Direction of an action, from the charge point's point of view. */
enum ocpp_direction {
    OCPP_CP_TO_CSMS,
    OCPP_CSMS_TO_CP,
    OCPP_BOTH,                   /* DataTransfer */
};

/*  X(id,                    1.6 name,                       2.0.1 name,                        direction) */
#define OCPP_ACTIONS(X)                                                                              \
    X(AUTHORIZE,              "Authorize",                    "Authorize",                       CP_TO_CSMS) \
    X(BOOT_NOTIFICATION,      "BootNotification",             "BootNotification",                CP_TO_CSMS) \
    X(CLEARED_CHARGING_LIMIT, NULL,                           "ClearedChargingLimit",            CP_TO_CSMS) \
    X(DATA_TRANSFER,          "DataTransfer",                 "DataTransfer",                    BOTH)       \
    X(DIAGNOSTICS_STATUS,     "DiagnosticsStatusNotification", "LogStatusNotification",          CP_TO_CSMS) \
    X(FIRMWARE_STATUS,        "FirmwareStatusNotification",   "FirmwareStatusNotification",      CP_TO_CSMS) \
    X(GET_15118_EV_CERTIFICATE, NULL,                         "Get15118EVCertificate",           CP_TO_CSMS) \
    X(GET_CERTIFICATE_STATUS, NULL,                           "GetCertificateStatus",            CP_TO_CSMS) \
    X(HEARTBEAT,              "Heartbeat",                    "Heartbeat",                       CP_TO_CSMS) \
    X(METER_VALUES,           "MeterValues",                  "MeterValues",                     CP_TO_CSMS) \
    X(NOTIFY_CHARGING_LIMIT,  NULL,                           "NotifyChargingLimit",             CP_TO_CSMS) \
    X(NOTIFY_CUSTOMER_INFORMATION, NULL,                      "NotifyCustomerInformation",       CP_TO_CSMS) \
    X(NOTIFY_DISPLAY_MESSAGES, NULL,                          "NotifyDisplayMessages",           CP_TO_CSMS) \
    X(NOTIFY_EV_CHARGING_NEEDS, NULL,                         "NotifyEVChargingNeeds",           CP_TO_CSMS) \
    X(NOTIFY_EV_CHARGING_SCHEDULE, NULL,                      "NotifyEVChargingSchedule",        CP_TO_CSMS) \
    X(NOTIFY_EVENT,           NULL,                           "NotifyEvent",                     CP_TO_CSMS) \
    X(NOTIFY_MONITORING_REPORT, NULL,                         "NotifyMonitoringReport",          CP_TO_CSMS) \
    X(NOTIFY_REPORT,          NULL,                           "NotifyReport",                    CP_TO_CSMS) \
    X(PUBLISH_FIRMWARE_STATUS, NULL,                          "PublishFirmwareStatusNotification", CP_TO_CSMS) \
    X(REPORT_CHARGING_PROFILES, NULL,                         "ReportChargingProfiles",          CP_TO_CSMS) \
    X(RESERVATION_STATUS_UPDATE, NULL,                        "ReservationStatusUpdate",         CP_TO_CSMS) \
    X(SECURITY_EVENT,         NULL,                           "SecurityEventNotification",       CP_TO_CSMS) \
    X(SIGN_CERTIFICATE,       NULL,                           "SignCertificate",                 CP_TO_CSMS) \
    X(START_TRANSACTION,      "StartTransaction",             NULL,                              CP_TO_CSMS) \
    X(STATUS_NOTIFICATION,    "StatusNotification",           "StatusNotification",              CP_TO_CSMS) \
    X(STOP_TRANSACTION,       "StopTransaction",              NULL,                              CP_TO_CSMS) \
    X(TRANSACTION_EVENT,      NULL,                           "TransactionEvent",                CP_TO_CSMS) \
    X(CANCEL_RESERVATION,     "CancelReservation",            "CancelReservation",               CSMS_TO_CP) \
    X(CERTIFICATE_SIGNED,     NULL,                           "CertificateSigned",               CSMS_TO_CP) \
    X(CHANGE_AVAILABILITY,    "ChangeAvailability",           "ChangeAvailability",              CSMS_TO_CP) \
    X(CLEAR_CACHE,            "ClearCache",                   "ClearCache",                      CSMS_TO_CP) \
    X(CLEAR_CHARGING_PROFILE, "ClearChargingProfile",         "ClearChargingProfile",            CSMS_TO_CP) \
    X(CLEAR_DISPLAY_MESSAGE,  NULL,                           "ClearDisplayMessage",             CSMS_TO_CP) \
    X(CLEAR_VARIABLE_MONITORING, NULL,                        "ClearVariableMonitoring",         CSMS_TO_CP) \
    X(COST_UPDATED,           NULL,                           "CostUpdated",                     CSMS_TO_CP) \
    X(CUSTOMER_INFORMATION,   NULL,                           "CustomerInformation",             CSMS_TO_CP) \
    X(DELETE_CERTIFICATE,     NULL,                           "DeleteCertificate",               CSMS_TO_CP) \
    X(GET_BASE_REPORT,        NULL,                           "GetBaseReport",                   CSMS_TO_CP) \
    X(GET_CHARGING_PROFILES,  NULL,                           "GetChargingProfiles",             CSMS_TO_CP) \
    X(GET_COMPOSITE_SCHEDULE, "GetCompositeSchedule",         "GetCompositeSchedule",            CSMS_TO_CP) \
    X(GET_CONFIG,             "GetConfiguration",             "GetVariables",                    CSMS_TO_CP) \
    X(GET_DIAGNOSTICS,        "GetDiagnostics",               "GetLog",                          CSMS_TO_CP) \
    X(GET_DISPLAY_MESSAGES,   NULL,                           "GetDisplayMessages",              CSMS_TO_CP) \
    X(GET_INSTALLED_CERTIFICATE_IDS, NULL,                    "GetInstalledCertificateIds",      CSMS_TO_CP) \
    X(GET_LOCAL_LIST_VERSION, "GetLocalListVersion",          "GetLocalListVersion",             CSMS_TO_CP) \
    X(GET_MONITORING_REPORT,  NULL,                           "GetMonitoringReport",             CSMS_TO_CP) \
    X(GET_REPORT,             NULL,                           "GetReport",                       CSMS_TO_CP) \
    X(GET_TRANSACTION_STATUS, NULL,                           "GetTransactionStatus",            CSMS_TO_CP) \
    X(INSTALL_CERTIFICATE,    NULL,                           "InstallCertificate",              CSMS_TO_CP) \
    X(PUBLISH_FIRMWARE,       NULL,                           "PublishFirmware",                 CSMS_TO_CP) \
    X(REMOTE_START,           "RemoteStartTransaction",       "RequestStartTransaction",         CSMS_TO_CP) \
    X(REMOTE_STOP,            "RemoteStopTransaction",        "RequestStopTransaction",          CSMS_TO_CP) \
    X(RESERVE_NOW,            "ReserveNow",                   "ReserveNow",                      CSMS_TO_CP) \
    X(RESET,                  "Reset",                        "Reset",                           CSMS_TO_CP) \
    X(SEND_LOCAL_LIST,        "SendLocalList",                "SendLocalList",                   CSMS_TO_CP) \
    X(SET_CHARGING_PROFILE,   "SetChargingProfile",           "SetChargingProfile",              CSMS_TO_CP) \
    X(SET_CONFIG,             "ChangeConfiguration",          "SetVariables",                    CSMS_TO_CP) \
    X(SET_DISPLAY_MESSAGE,    NULL,                           "SetDisplayMessage",               CSMS_TO_CP) \
    X(SET_MONITORING_BASE,    NULL,                           "SetMonitoringBase",               CSMS_TO_CP) \
    X(SET_MONITORING_LEVEL,   NULL,                           "SetMonitoringLevel",              CSMS_TO_CP) \
    X(SET_NETWORK_PROFILE,    NULL,                           "SetNetworkProfile",               CSMS_TO_CP) \
    X(SET_VARIABLE_MONITORING, NULL,                          "SetVariableMonitoring",           CSMS_TO_CP) \
    X(TRIGGER_MESSAGE,        "TriggerMessage",               "TriggerMessage",                  CSMS_TO_CP) \
    X(UNLOCK_CONNECTOR,       "UnlockConnector",              "UnlockConnector",                 CSMS_TO_CP) \
    X(UNPUBLISH_FIRMWARE,     NULL,                           "UnpublishFirmware",               CSMS_TO_CP) \
    X(UPDATE_FIRMWARE,        "UpdateFirmware",               "UpdateFirmware",                  CSMS_TO_CP)

enum ocpp_action {
#define OCPP_ACTION_ENUM(id, v16, v201, dir) OCPP_ACTION_##id,
    OCPP_ACTIONS(OCPP_ACTION_ENUM)
#undef OCPP_ACTION_ENUM
    OCPP_ACTION__COUNT
};

/* One action as a version defines it: name is NULL when the version has no such
 * message. A version's column is an array [OCPP_ACTION__COUNT] indexed by the enum. */
struct ocpp_action_def {
    enum ocpp_action id;
    const char *name;
    enum ocpp_direction direction;
};

/* The columns of the list (ocpp_actions.c), for the version tables. */
extern const struct ocpp_action_def ocpp_actions_v16[OCPP_ACTION__COUNT];
extern const struct ocpp_action_def ocpp_actions_v201[OCPP_ACTION__COUNT];

/* The direction of a (any version: the list gives one per row). */
enum ocpp_direction ocpp_action_direction(enum ocpp_action a);

#endif

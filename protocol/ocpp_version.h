/* One table per OCPP version. Everything that differs between 1.6 and 2.0.1 is reached
 * through a `const struct ocpp_version *`; no code outside protocol/ compares version
 * strings. Pure: jansson only. All json_t * returned by builders are new references. */
#ifndef OCPP_VERSION_H
#define OCPP_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "ocpp_actions.h"
#include "ocpp_config.h"
#include "ocpp_meter.h"
#include "ocpp_profile.h"
#include "ocpp_wire.h"

/* What a charge point says about itself in BootNotification. */
struct ocpp_station_info {
    const char *vendor;          /* 1.6 chargePointVendor / 2.0.1 vendorName (<= 20 chars) */
    const char *model;           /* 1.6 chargePointModel / 2.0.1 model (<= 20 chars) */
    const char *serial;          /* serial number (<= 25 chars), may be NULL */
    const char *firmware;        /* firmware version (<= 50 chars), may be NULL */
    int connectors;              /* physical connectors, >= 1 */
};

enum ocpp_boot_status {
    OCPP_BOOT_ACCEPTED,
    OCPP_BOOT_PENDING,
    OCPP_BOOT_REJECTED,
};

struct ocpp_boot_result {
    enum ocpp_boot_status status;
    int interval;                /* seconds, as the CSMS gave it (>= 0) */
};

/* 1.6 names every state; 2.0.1 says Occupied for Preparing..Finishing (its
 * TransactionEvent chargingState tells them apart). */
enum ocpp_connector_status {
    OCPP_CONN_AVAILABLE,
    OCPP_CONN_PREPARING,         /* cable plugged, no energy yet */
    OCPP_CONN_CHARGING,
    OCPP_CONN_SUSPENDED_EV,      /* the car takes no energy (full) */
    OCPP_CONN_SUSPENDED_EVSE,    /* the charger offers none (profile limit 0) */
    OCPP_CONN_FINISHING,
    OCPP_CONN_RESERVED,
    OCPP_CONN_UNAVAILABLE,
    OCPP_CONN_FAULTED,
};

/* One StatusNotification target: 1.6 uses connector_id only (0 = the whole charge point),
 * 2.0.1 uses evse_id + connector_id. */
struct ocpp_status_target {
    int evse_id;
    int connector_id;
};

/* Why a charge point boots (2.0.1 says it in BootNotification; 1.6 does not). */
enum ocpp_boot_reason {
    OCPP_BOOT_POWER_UP,
    OCPP_BOOT_REMOTE_RESET,
    OCPP_BOOT_TRIGGERED,
};

/* CSMS-initiated commands in version-neutral terms. */
enum ocpp_reset_kind {
    OCPP_RESET_SOFT,             /* 1.6 Soft, 2.0.1 OnIdle */
    OCPP_RESET_HARD,             /* 1.6 Hard, 2.0.1 Immediate */
};

struct ocpp_reset_req {
    enum ocpp_reset_kind kind;
    int evse_id;                 /* 2.0.1 evseId, 0 = the whole station */
};

enum ocpp_trigger {
    OCPP_TRIGGER_BOOT,
    OCPP_TRIGGER_HEARTBEAT,
    OCPP_TRIGGER_STATUS,
    OCPP_TRIGGER_METER_VALUES,
    OCPP_TRIGGER_TX_EVENT,       /* 2.0.1 TransactionEvent */
    OCPP_TRIGGER_FIRMWARE_STATUS,
    OCPP_TRIGGER_DIAG_STATUS,    /* 1.6 DiagnosticsStatusNotification, 2.0.1 LogStatus... */
    OCPP_TRIGGER_OTHER,          /* a message the version defines that we do not send yet */
};


struct ocpp_trigger_req {
    enum ocpp_trigger what;
    int evse_id;                 /* 2.0.1 evse.id / 1.6 connectorId; 0 = not given */
    int connector_id;            /* 2.0.1 evse.connectorId; 0 = not given */
};

/* A version's requestedMessage names (NULL-terminated table). */
struct ocpp_trigger_name {
    const char *name;
    enum ocpp_trigger what;
};
/* out->what for requestedMessage m, or a CallError (unknown name) with reason. */
enum ocpp_error ocpp_trigger_lookup(const struct ocpp_trigger_name *names, const char *m,
                                    struct ocpp_trigger_req *out, char *reason, size_t len);

/* The part of a charge point a ChangeAvailability / UnlockConnector names: 2.0.1
 * evse (+ connector), 1.6 connectorId in evse_id; 0 = the whole charge point. */
struct ocpp_unit_req {
    int evse_id;
    int connector_id;
    int operative;               /* ChangeAvailability: 1 Operative, 0 Inoperative */
};

/* ---- transactions ---- */

enum ocpp_tx_event { OCPP_TX_STARTED, OCPP_TX_UPDATED, OCPP_TX_ENDED };

/* Why a transaction message is sent (2.0.1 triggerReason; for Ended also the
 * stoppedReason, and 1.6 StopTransaction reason). */
enum ocpp_tx_cause {
    OCPP_CAUSE_REMOTE_START,
    OCPP_CAUSE_AUTHORIZED,       /* started locally after Authorize */
    OCPP_CAUSE_PERIODIC,         /* sampled meter values */
    OCPP_CAUSE_CHARGING_STATE,   /* Charging <-> SuspendedEV / SuspendedEVSE */
    OCPP_CAUSE_REMOTE_STOP,
    OCPP_CAUSE_LOCAL_STOP,
    OCPP_CAUSE_EV_DISCONNECTED,
    OCPP_CAUSE_HARD_RESET,
    OCPP_CAUSE_SOFT_RESET,
    OCPP_CAUSE_DEAUTHORIZED,     /* the CSMS did not accept the id */
    OCPP_CAUSE_UNLOCK,           /* UnlockConnector during the session */
    OCPP_CAUSE_FAULT,            /* the charger faulted */
    OCPP_CAUSE_TRIGGER,          /* TriggerMessage asked for it */
    OCPP_CAUSE_POWER_LOSS,       /* the charger was switched off */
};

/* One transaction message in version-neutral terms: 1.6 StartTransaction / MeterValues /
 * StopTransaction, 2.0.1 TransactionEvent Started / Updated / Ended. */
struct ocpp_tx {
    enum ocpp_tx_event event;
    enum ocpp_tx_cause cause;
    struct ocpp_status_target where;
    enum ocpp_connector_status status;   /* the connector's, for chargingState */
    const char *id_tag, *id_type;        /* 1.6 idTag; 2.0.1 idToken {idToken, type} */
    const char *tx_id;           /* 2.0.1: the charger's id; 1.6: the CSMS's, in decimal */
    int seq_no;                  /* 2.0.1 */
    int remote_start_id;         /* 2.0.1; < 0: none */
    int offline;                 /* 2.0.1: the event happened while the CSMS was away */
    int reservation_id;          /* Started: the reservation it used; < 0: none */
    const char *timestamp;       /* when it happened (RFC 3339 UTC) */
    const struct ocpp_meter *meter;      /* NULL: no meter values */
};

/* The CSMS's answer to Authorize or a transaction message. */
struct ocpp_tx_answer {
    int accepted;                /* the id is Accepted (or the answer says nothing of it) */
    char tx_id[24];              /* 1.6 StartTransaction.conf transactionId, decimal */
};

/* RemoteStartTransaction (1.6) / RequestStartTransaction (2.0.1). */
struct ocpp_remote_start {
    int evse_id;                 /* 1.6 connectorId, 2.0.1 evseId; 0 = the charger chooses */
    char id_tag[37];
    char id_type[21];            /* 2.0.1 idToken.type ("" in 1.6) */
    int remote_start_id;         /* 2.0.1; -1 in 1.6 */
    int has_profile;             /* a chargingProfile (TxProfile) came with it: */
    struct ocpp_profile profile;
    json_t *profile_raw;         /* ... as sent (borrowed from the payload) */
};

/* ReserveNow in version-neutral terms. */
struct ocpp_reserve_req {
    int id;
    double expiry;               /* unix seconds */
    int evse_id;                 /* 1.6 connectorId, 2.0.1 evseId; 0 = not given / station */
    char id_tag[37], id_type[21];
};

/* SendLocalList in version-neutral terms: entries (a new object id -> status string,
 * JSON null = remove) to apply, in full or as a difference. */
struct ocpp_local_list {
    int version;
    int full;
    json_t *entries;
};

struct ocpp_version {
    const char *name;            /* "OCPP1.6" or "OCPP2.0.1": the API's spelling */
    const char *schemas;         /* the official JSON schemas (embedded protocol/schemas) */
    const char *subprotocol;     /* OCPP_SUBPROTOCOL_16 / _201 */
    const char *const *error_names;      /* [OCPP_ERR__COUNT], the spec's spelling */
    /* [OCPP_ACTION__COUNT]: the version's name of each action (NULL: not defined). */
    const struct ocpp_action_def *actions;

    /* BootNotification.req payload (1.6: chargePointVendor/Model, chargePointSerialNumber,
     * firmwareVersion; 2.0.1: reason PowerUp, chargingStation{...}). */
    json_t *(*boot_request)(const struct ocpp_station_info *info, enum ocpp_boot_reason why);
    /* Reads a BootNotification.conf payload (borrowed). Returns 0, or -1 with a reason
     * naming the bad field in reason[len]. */
    int (*boot_result)(json_t *payload, struct ocpp_boot_result *out, char *reason, size_t len);
    json_t *(*heartbeat_request)(void);
    /* Fills targets[max] with the StatusNotifications to send after an accepted boot for a
     * charger with `connectors` connectors (1.6: 0..n; 2.0.1: EVSE i connector 1 for
     * i = 1..n). Returns the count. */
    int (*status_targets)(int connectors, struct ocpp_status_target *targets, int max);
    /* StatusNotification.req payload; timestamp is an RFC 3339 UTC string. */
    json_t *(*status_request)(const struct ocpp_status_target *t, enum ocpp_connector_status st,
                              const char *timestamp);

    /* Reads the payload (borrowed) of a CSMS's Reset / TriggerMessage call. Returns
     * OCPP_ERR_NONE, or the CallError kind with a reason naming the field. */
    enum ocpp_error (*reset_parse)(json_t *payload, struct ocpp_reset_req *out, char *reason,
                                   size_t len);
    enum ocpp_error (*trigger_parse)(json_t *payload, struct ocpp_trigger_req *out,
                                     char *reason, size_t len);

    enum ocpp_error (*availability_parse)(json_t *payload, struct ocpp_unit_req *out,
                                          char *reason, size_t len);
    enum ocpp_error (*unlock_parse)(json_t *payload, struct ocpp_unit_req *out, char *reason,
                                    size_t len);
    const char *unlock_unknown;  /* UnlockStatus for a connector it does not have */
    const char *unlock_busy;     /* ... in a session; NULL: the session stops, Unlocked */
    int soft_reset_waits;        /* 2.0.1 OnIdle waits for the sessions (Scheduled); 1.6
                                  * Soft ends them and reboots */

    /* Configuration: the answers to OCPP_ACTION_GET_CONFIG / _SET_CONFIG (1.6
     * GetConfiguration / ChangeConfiguration, 2.0.1 GetVariables / SetVariables), built
     * from the values behind a. NULL with *e and reason[len] when the request is
     * malformed (answer a CallError). */
    json_t *(*config_get)(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len);
    json_t *(*config_set)(json_t *req, const struct ocpp_config_access *a, enum ocpp_error *e,
                          char *reason, size_t len);

    /* Transactions. tx_request builds the message for t and returns its action.
     * tx_answer reads the CSMS's answer (borrowed payload) to Authorize or to a
     * transaction message `action`: 0, or -1 with reason[len]. */
    enum ocpp_action (*tx_request)(const struct ocpp_tx *t, json_t **payload);
    int tx_id_by_charger;        /* 2.0.1 names transactions itself; 1.6 the CSMS does */
    int reports_finishing;       /* 1.6 says Finishing; 2.0.1 goes Occupied -> Available */
    int (*tx_answer)(enum ocpp_action action, json_t *payload, struct ocpp_tx_answer *out,
                     char *reason, size_t len);
    json_t *(*authorize_request)(const char *id_tag, const char *id_type);
    /* MeterValues of status target t (1.6 with the session's transactionId, if any). */
    json_t *(*meter_request)(const struct ocpp_status_target *t, const char *tx_id,
                             const struct ocpp_meter *m, const char *context,
                             const char *timestamp);
    /* OCPP_ACTION_REMOTE_START / _STOP (1.6 RemoteStart/StopTransaction, 2.0.1
     * RequestStart/StopTransaction). */
    enum ocpp_error (*remote_start_parse)(json_t *payload, struct ocpp_remote_start *out,
                                          char *reason, size_t len);
    /* The transaction a remote stop names, as text, into tx_id[n]. */
    enum ocpp_error (*remote_stop_parse)(json_t *payload, char *tx_id, size_t n, char *reason,
                                         size_t len);

    /* Reservations: ReserveNow, CancelReservation {reservationId} (both versions), and
     * what the charger says when one expires (2.0.1 ReservationStatusUpdate; NULL in
     * 1.6, whose StatusNotification Available says it). */
    enum ocpp_error (*reserve_parse)(json_t *payload, struct ocpp_reserve_req *out,
                                     char *reason, size_t len);
    json_t *(*reservation_expired)(int id);

    /* Local authorization list: SendLocalList's request (out->entries is a new
     * reference), GetLocalListVersion's answer. */
    enum ocpp_error (*local_list_parse)(json_t *payload, struct ocpp_local_list *out,
                                        char *reason, size_t len);
    json_t *(*local_version_answer)(int version);

    /* Firmware and diagnostics, as status progressions: UpdateFirmware (same name in
     * both) and OCPP_ACTION_GET_DIAGNOSTICS (1.6 GetDiagnostics, 2.0.1 GetLog) with
     * OCPP_ACTION_DIAGNOSTICS_STATUS (DiagnosticsStatusNotification /
     * LogStatusNotification). The parsers give the 2.0.1 requestId (-1 in 1.6); the
     * answers are the Accepted ones. */
    enum ocpp_error (*firmware_parse)(json_t *payload, int *request_id, char *reason,
                                      size_t len);
    json_t *(*firmware_answer)(void);
    enum ocpp_error (*diagnostics_parse)(json_t *payload, int *request_id, char *reason,
                                         size_t len);
    json_t *(*diagnostics_answer)(const char *filename);

    /* 2.0.1 events (NULL in 1.6): NotifyEvent of a connector's Problem variable turning
     * true / false, SecurityEventNotification of `type`. */
    json_t *(*notify_problem)(int event_id, const char *timestamp,
                              const struct ocpp_status_target *t, int problem);
    json_t *(*security_event)(const char *type, const char *timestamp);

    /* 2.0.1 device model report (NULL in 1.6): GetBaseReport's request, every
     * variable the base names as reportData items (new array), one NotifyReport part
     * (data stolen). */
    enum ocpp_error (*report_parse)(json_t *payload, int *request_id, int *base, char *reason,
                                    size_t len);
    json_t *(*report_data)(const struct ocpp_config_access *a, int base);
    json_t *(*notify_report)(int request_id, const char *generated_at, int seq_no, int tbc,
                             json_t *data);

    /* Smart charging (SetChargingProfile, ClearChargingProfile, GetCompositeSchedule:
     * the same names in both versions). composite_answer builds the Accepted answer
     * from the periods (unit A when amps). */
    enum ocpp_error (*set_profile_parse)(json_t *payload, struct ocpp_profile *out,
                                         char *reason, size_t len);
    enum ocpp_error (*clear_profile_parse)(json_t *payload, struct ocpp_profile_filter *out,
                                           char *reason, size_t len);
    enum ocpp_error (*composite_parse)(json_t *payload, int *evse_id, int *duration, int *amps,
                                       char *reason, size_t len);
    json_t *(*composite_answer)(int evse_id, const char *start, int duration, int amps,
                                const struct ocpp_period *p, int n);
    /* The profile object of a SetChargingProfile payload (borrowed). */
    json_t *(*set_profile_object)(json_t *payload);
    /* 2.0.1 GetChargingProfiles (NULL in 1.6): its requestId and filter (ids: a
     * borrowed array of profile ids, or NULL), and one ReportChargingProfiles of an EVSE
     * (profiles stolen). */
    enum ocpp_error (*get_profiles_parse)(json_t *payload, int *request_id,
                                          struct ocpp_profile_filter *f, json_t **ids,
                                          char *reason, size_t len);
    json_t *(*report_profiles)(int request_id, int evse_id, json_t *profiles, int tbc);

    /* CSMS side (used by the built-in `chargefleet csms`). */
    json_t *(*boot_response)(enum ocpp_boot_status st, int interval, const char *now);
    json_t *(*heartbeat_response)(const char *now);
};

extern const struct ocpp_version ocpp_v16;
extern const struct ocpp_version ocpp_v201;

/* Lookups; NULL when unknown. by_name takes the API spelling ("OCPP1.6", "OCPP2.0.1"),
 * by_subprotocol the websocket one ("ocpp1.6", "ocpp2.0.1"). */
const struct ocpp_version *ocpp_version_by_name(const char *name);
const struct ocpp_version *ocpp_version_by_subprotocol(const char *subprotocol);

/* The action v calls `name`, or -1 when v defines no such message (name NULL too).
 * A scan of the list: once per frame at most. */
int ocpp_action_by_name(const struct ocpp_version *v, const char *name);
/* v's name of a (a static string), or NULL when v does not define it. */
static inline const char *ocpp_action_name(const struct ocpp_version *v, enum ocpp_action a)
{
    return (unsigned)a < OCPP_ACTION__COUNT ? v->actions[a].name : NULL;
}
/* The entry of `name` in v's column, or NULL when the version does not define it. */
const struct ocpp_action_def *ocpp_version_action(const struct ocpp_version *v,
                                                  const char *name);

/* The spec's spelling of an error kind in this version. */
const char *ocpp_error_name(const struct ocpp_version *v, enum ocpp_error e);

/* Helpers shared by the version tables (same wire shape in both versions). */
const char *ocpp_boot_status_name(enum ocpp_boot_status st);
int ocpp_boot_result_parse(json_t *payload, struct ocpp_boot_result *out, char *reason,
                           size_t len);
/* Payloads with the same shape in both versions: {} (Heartbeat request),
 * {status, currentTime, interval} (BootNotification response), {currentTime}. */
json_t *ocpp_empty_payload(void);
json_t *ocpp_boot_response_payload(enum ocpp_boot_status st, int interval, const char *now);
json_t *ocpp_current_time_payload(const char *now);
/* {"status": status}: the answer of most CSMS-initiated calls in both versions. */
json_t *ocpp_status_payload(const char *status);
/* The ReadingContext of a transaction message's meter values. */
const char *ocpp_meter_context(enum ocpp_tx_event ev);
/* Reads an idTagInfo (1.6) / idTokenInfo (2.0.1) {status}: *accepted is 1 for Accepted
 * (or for an optional info that is absent). -1 when it is required or has no status. */
int ocpp_id_info_read(json_t *info, int required, int *accepted);
/* SendLocalList / GetLocalListVersion shapes of 1.6 (v201 0) and 2.0.1. */
enum ocpp_error ocpp_local_list_read(json_t *payload, int v201, struct ocpp_local_list *out,
                                     char *reason, size_t len);
json_t *ocpp_local_version_payload(int v201, int version);
/* {status, requestId?}: a firmware / diagnostics / log status notification (the
 * requestId only when >= 0). */
json_t *ocpp_progress_payload(const char *status, int request_id);
/* A new JSON string of s cut to at most max bytes (schema maxLength). */
json_t *ocpp_str_max(const char *s, int max);

/* Every version, in the order the API lists them; NULL-terminated. */
extern const struct ocpp_version *const ocpp_versions[];

#endif

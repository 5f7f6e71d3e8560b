/* Private to simulator/: what a CSMS-call handler is given and returns (the handler
 * types of sim_dispatch.c's table). Below the feature files that hold handlers and the
 * dispatch that calls them, so neither includes the other for the types. */
#ifndef SIM_HANDLER_H
#define SIM_HANDLER_H

#include <stdio.h>
#include <jansson.h>

#include "ocpp_version.h"

struct sim_charger;

/* What should follow a handled call, once its answer is written (sim_charger.c). */
enum sim__next {
    SIM__NEXT_NONE,
    SIM__NEXT_REBOOT,          /* close once drained, reconnect, boot (RemoteReset) */
    SIM__NEXT_BOOT,            /* BootNotification now (TriggerMessage: Triggered) */
    SIM__NEXT_DRAINED,         /* a CALL completed: a close waiting for the queue to
                                * drain may go now */
};

/* A handler's answer: result (a new reference), or, when result is NULL, a CallError of
 * kind error with reason. */
struct sim__reply {
    json_t *result;
    enum ocpp_error error;
    char reason[160];
};

/* A CSMS call's payload as its version's parser read it (the row's parse). */
union sim__request {
    struct ocpp_reset_req reset;
    struct ocpp_trigger_req trigger;
    struct ocpp_unit_req unit;               /* ChangeAvailability, UnlockConnector */
    struct ocpp_remote_start remote_start;
    char tx_id[40];                          /* RemoteStop / RequestStopTransaction */
    struct ocpp_reserve_req reserve;
    struct ocpp_local_list local;            /* entries: a new reference, the handler's */
    int request_id;                          /* UpdateFirmware, GetDiagnostics / GetLog */
    struct { int request_id, base; } report; /* GetBaseReport */
    struct ocpp_profile profile;             /* SetChargingProfile */
    struct ocpp_profile_filter filter;       /* ClearChargingProfile */
    struct { int evse_id, duration, amps; } composite;
    struct {
        int request_id;
        struct ocpp_profile_filter filter;
        json_t *ids;                         /* borrowed from the payload, or NULL */
    } get_profiles;
};

/* Carries out one CSMS call (payload borrowed; req filled by the row's parser when it
 * has one) and fills *r. A feature header declares its handlers with the function type
 * (`sim__handler_fn sim__tx_csms_remote_start;`), so the compiler holds each definition
 * to this one signature. */
typedef enum sim__next sim__handler_fn(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r);
typedef sim__handler_fn *sim__handler;

/* A reply of status {"status": s} / a CallError. Return SIM__NEXT_NONE. */
static inline enum sim__next sim__reply_status(struct sim__reply *r, const char *status)
{
    r->result = ocpp_status_payload(status);
    return SIM__NEXT_NONE;
}

static inline enum sim__next sim__reply_error(struct sim__reply *r, enum ocpp_error e,
                                              const char *reason)
{
    r->result = NULL;
    r->error = e;
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    return SIM__NEXT_NONE;
}

#endif

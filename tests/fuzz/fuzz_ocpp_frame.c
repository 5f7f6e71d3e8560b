/* libFuzzer harness: one websocket text message as a charger receives it from a CSMS.
 * The frame parser, then what the charger does with a CALL's payload before it acts:
 * the schema check of both versions and the pure readers of the payloads it parses
 * itself (boot answer, idTagInfo, local list, charging profiles, composite schedule). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ocpp_frame.h"
#include "ocpp_profile.h"
#include "ocpp_schema.h"
#include "ocpp_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_payload(json_t *payload, int v201)
{
    char reason[256];
    struct ocpp_boot_result boot;
    struct ocpp_local_list list = {0};
    struct ocpp_profile profile;
    struct ocpp_profile_filter filter;
    int accepted, evse, duration, amps;

    ocpp_boot_result_parse(payload, &boot, reason, sizeof(reason));
    ocpp_id_info_read(json_object_get(payload, v201 ? "idTokenInfo" : "idTagInfo"), 0,
                      &accepted);
    if (ocpp_local_list_read(payload, v201, &list, reason, sizeof(reason)) == OCPP_ERR_NONE)
        json_decref(list.entries);
    memset(&profile, 0, sizeof(profile));
    if (ocpp_profile_set_read(payload, v201, &profile, reason, sizeof(reason)) == OCPP_ERR_NONE) {
        /* The profile as the charger then applies it: limits at a few instants, and
         * the composite schedule GetCompositeSchedule would answer. */
        const struct ocpp_supply ac = {230, 3};
        const struct ocpp_profile *ps[1] = {&profile};
        struct ocpp_period periods[OCPP_MAX_PERIODS];
        for (double t = 0; t < 4e9; t += 1e9)
            ocpp_profile_limit_w(&profile, t, t / 2, &ac);
        ocpp_composite_schedule(ps, 1, profile.evse_id, NULL, 0, 1.7e9, 86400, profile.amps,
                                22000, &ac, periods, OCPP_MAX_PERIODS);
    }
    ocpp_profile_clear_read(payload, v201, &filter, reason, sizeof(reason));
    ocpp_composite_read(payload, v201, &evse, &duration, &amps, reason, sizeof(reason));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const versions[] = {"OCPP1.6", "OCPP2.0.1"};
    struct ocpp_frame f;
    char reason[256];

    if (ocpp_frame_parse((const char *)data, size, &f, reason, sizeof(reason)) != OCPP_ERR_NONE)
        return 0;
    for (int i = 0; i < 2; i++) {
        const struct ocpp_version *v = ocpp_version_by_name(versions[i]);
        char err[256];
        if (f.type == OCPP_CALL) {
            ocpp_schema_check(v, f.action, 1, f.payload, err, sizeof(err));
            read_payload(f.payload, i);
        } else if (f.type == OCPP_CALLRESULT) {
            ocpp_schema_check(v, "BootNotification", 0, f.payload, err, sizeof(err));
            read_payload(f.payload, i);
        }
    }
    /* What a charger answers with: the frame built back from its parts. */
    char *out = f.type == OCPP_CALL ? ocpp_frame_call(f.id, f.action, f.payload)
              : f.type == OCPP_CALLRESULT ? ocpp_frame_result(f.id, f.payload)
              : ocpp_frame_error(f.id, f.error_code, f.error_description, f.payload);
    free(out);
    ocpp_frame_clear(&f);
    return 0;
}

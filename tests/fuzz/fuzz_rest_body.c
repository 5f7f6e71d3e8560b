/* libFuzzer harness: a REST request body as the API reads it (json_loadb, any JSON
 * value, as api_routes.c does), handed to the validator the first byte selects: the
 * chargers, locations and CPO create bodies, the charger PUT, the location PATCH, a
 * custom model, and every command's arguments. Each one must answer OK, INVALID or
 * NOT_FOUND with a detail, never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "fleet_validate.h"
#include "fleet_validate_update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WS "ws://127.0.0.1:9000/ocpp"

static const char *const commands[] = {
    "start-session", "stop-session", "authorize", "inject-fault", "clear-fault",
    "start-generator", "plug", "unplug", "ev-suspend", "set-configuration", "restart",
    "proxy-message", "no-such-command",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t e;
    json_t *body, *out = NULL, *out2 = NULL, *errors = NULL;

    if (size < 1)
        return 0;
    body = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, &e);
    if (!body)
        return 0;
    unsigned sel = data[0];
    switch (sel % 8) {
    case 0: {
        json_t *taken = json_pack("{s:b}", "TAKEN1", 1);
        fleet_validate_chargers(body, taken, NULL, sel & 8 ? WS : NULL, &out, &errors);
        json_decref(taken);
        break;
    }
    case 1:
        fleet_validate_locations(body, NULL, sel & 8 ? WS : NULL, 0, &out, &errors);
        break;
    case 2:
        fleet_validate_cpo(body, sel & 8 ? WS : NULL, &out, &errors);
        break;
    case 3:
        fleet_validate_charger_update(body, sel & 8, &out, &out2, &errors);
        break;
    case 4:
        fleet_validate_location_patch(body, &out, &errors);
        break;
    case 5:
        fleet_validate_model(body, "fuzz-brand", &out, &errors);
        break;
    default:
        fleet_validate_command(commands[(sel >> 3) % (sizeof(commands) / sizeof(commands[0]))],
                             body, &out, &errors);
        break;
    }
    json_decref(out);
    json_decref(out2);
    json_decref(errors);
    json_decref(body);
    return 0;
}

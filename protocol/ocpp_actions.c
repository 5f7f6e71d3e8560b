#include "ocpp_actions.h"

#include <stddef.h>

#define OCPP_ACTION_V16(id, v16, v201, dir) \
    [OCPP_ACTION_##id] = {OCPP_ACTION_##id, v16, OCPP_##dir},
#define OCPP_ACTION_V201(id, v16, v201, dir) \
    [OCPP_ACTION_##id] = {OCPP_ACTION_##id, v201, OCPP_##dir},

const struct ocpp_action_def ocpp_actions_v16[OCPP_ACTION__COUNT] = {
    OCPP_ACTIONS(OCPP_ACTION_V16)
};
const struct ocpp_action_def ocpp_actions_v201[OCPP_ACTION__COUNT] = {
    OCPP_ACTIONS(OCPP_ACTION_V201)
};

enum ocpp_direction ocpp_action_direction(enum ocpp_action a)
{
    return ocpp_actions_v201[a].direction;
}

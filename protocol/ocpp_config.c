#include "ocpp_config.h"
#include "ocpp_meter.h"

#include <stdlib.h>
#include <string.h>

/* 1.6 keys from the 1.6 spec (section 9), 2.0.1 names from its device model
 * (appendices, "referenced components and variables"). */
const struct ocpp_config_key ocpp_config_keys[OCPP_CFG__COUNT] = {
    [OCPP_CFG_HEARTBEAT_INTERVAL] = {"HeartbeatInterval", "OCPPCommCtrlr", "HeartbeatInterval",
                                     OCPP_CFG_INT, 0, 1},
    [OCPP_CFG_CONNECTION_TIMEOUT] = {"ConnectionTimeOut", "TxCtrlr", "EVConnectionTimeOut",
                                     OCPP_CFG_INT, 0, 1},
    [OCPP_CFG_METER_SAMPLE_INTERVAL] = {"MeterValueSampleInterval", "SampledDataCtrlr",
                                        "TxUpdatedInterval", OCPP_CFG_INT, 0, 0},
    [OCPP_CFG_CLOCK_ALIGNED_INTERVAL] = {"ClockAlignedDataInterval", "AlignedDataCtrlr",
                                         "Interval", OCPP_CFG_INT, 0, 0},
    [OCPP_CFG_METER_SAMPLED_DATA] = {"MeterValuesSampledData", "SampledDataCtrlr",
                                     "TxUpdatedMeasurands", OCPP_CFG_STRING, 0, 0},
    [OCPP_CFG_NUMBER_OF_CONNECTORS] = {"NumberOfConnectors", NULL, NULL, OCPP_CFG_INT, 1, 0},
    [OCPP_CFG_SUPPORTED_PROFILES] = {"SupportedFeatureProfiles", NULL, NULL, OCPP_CFG_STRING,
                                     1, 0},
    [OCPP_CFG_AUTHORIZE_REMOTE] = {"AuthorizeRemoteTxRequests", "AuthCtrlr",
                                   "AuthorizeRemoteStart", OCPP_CFG_BOOL, 0, 0},
    [OCPP_CFG_LOCAL_AUTHORIZE_OFFLINE] = {"LocalAuthorizeOffline", "AuthCtrlr",
                                          "LocalAuthorizeOffline", OCPP_CFG_BOOL, 0, 0},
    [OCPP_CFG_LOCAL_PRE_AUTHORIZE] = {"LocalPreAuthorize", "AuthCtrlr", "LocalPreAuthorize",
                                      OCPP_CFG_BOOL, 0, 0},
    [OCPP_CFG_STOP_ON_EV_DISCONNECT] = {"StopTransactionOnEVSideDisconnect", "TxCtrlr",
                                        "StopTxOnEVSideDisconnect", OCPP_CFG_BOOL, 0, 0},
    [OCPP_CFG_UNLOCK_ON_EV_DISCONNECT] = {"UnlockConnectorOnEVSideDisconnect", NULL, NULL,
                                          OCPP_CFG_BOOL, 0, 0},
    [OCPP_CFG_WEBSOCKET_PING_INTERVAL] = {"WebSocketPingInterval", "OCPPCommCtrlr",
                                          "WebSocketPingInterval", OCPP_CFG_INT, 0, 0},
    [OCPP_CFG_RESET_RETRIES] = {"ResetRetries", "OCPPCommCtrlr", "ResetRetries", OCPP_CFG_INT,
                                0, 0},
    [OCPP_CFG_GET_CONFIGURATION_MAX_KEYS] = {"GetConfigurationMaxKeys", NULL, NULL,
                                             OCPP_CFG_INT, 1, 0},
};

int ocpp_config_value_ok(enum ocpp_config_id id, const char *value)
{
    const struct ocpp_config_key *k = &ocpp_config_keys[id];
    char *end;

    if (!value || strlen(value) > 500)
        return 0;
    switch (k->type) {
    case OCPP_CFG_INT: {
        long v = strtol(value, &end, 10);
        return *value && !*end && v >= k->min && v <= 86400 * 7;
    }
    case OCPP_CFG_BOOL:
        return strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
    case OCPP_CFG_STRING: {
        unsigned bits;
        return id != OCPP_CFG_METER_SAMPLED_DATA || ocpp_measurands_parse(value, &bits) == 0;
    }
    }
    return 0;
}

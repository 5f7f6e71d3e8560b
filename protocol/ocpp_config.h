/* A charge point's configuration as both versions see it: one table of settings, each
 * with its 1.6 configuration key and its 2.0.1 component/variable, whether the CSMS may
 * change it and what values it takes. The version tables use it to answer
 * GetConfiguration / ChangeConfiguration (1.6) and GetVariables / SetVariables (2.0.1);
 * the charger behind it only reads and writes values through struct ocpp_config_access.
 * Pure (jansson only). */
#ifndef OCPP_CONFIG_H
#define OCPP_CONFIG_H

#include <stddef.h>
#include <jansson.h>

enum ocpp_config_type { OCPP_CFG_INT, OCPP_CFG_BOOL, OCPP_CFG_STRING };

struct ocpp_config_key {
    const char *key16;          /* 1.6 configuration key, NULL if 1.6 has none */
    const char *component;      /* 2.0.1 component name, NULL if 2.0.1 has none */
    const char *variable;       /* 2.0.1 variable name */
    enum ocpp_config_type type;
    int readonly;
    int min;                    /* OCPP_CFG_INT: smallest value accepted */
};

/* The settings, indexed by enum ocpp_config_id. */
enum ocpp_config_id {
    OCPP_CFG_HEARTBEAT_INTERVAL,
    OCPP_CFG_CONNECTION_TIMEOUT,
    OCPP_CFG_METER_SAMPLE_INTERVAL,
    OCPP_CFG_CLOCK_ALIGNED_INTERVAL,
    OCPP_CFG_METER_SAMPLED_DATA,
    OCPP_CFG_NUMBER_OF_CONNECTORS,
    OCPP_CFG_SUPPORTED_PROFILES,
    OCPP_CFG_AUTHORIZE_REMOTE,
    OCPP_CFG_LOCAL_AUTHORIZE_OFFLINE,
    OCPP_CFG_LOCAL_PRE_AUTHORIZE,
    OCPP_CFG_STOP_ON_EV_DISCONNECT,
    OCPP_CFG_UNLOCK_ON_EV_DISCONNECT,
    OCPP_CFG_WEBSOCKET_PING_INTERVAL,
    OCPP_CFG_RESET_RETRIES,
    OCPP_CFG_GET_CONFIGURATION_MAX_KEYS,
    OCPP_CFG__COUNT
};

extern const struct ocpp_config_key ocpp_config_keys[OCPP_CFG__COUNT];

/* How the version tables reach the charger's values. get writes the current value as
 * text into buf[n]; set stores a checked value (text) and returns 0, or -1 when the
 * charger refuses it. */
struct ocpp_config_access {
    void (*get)(void *arg, enum ocpp_config_id id, char *buf, size_t n);
    int (*set)(void *arg, enum ocpp_config_id id, const char *value);
    void *arg;
};

/* 1 when value is acceptable text for the setting (type, range). */
int ocpp_config_value_ok(enum ocpp_config_id id, const char *value);

#endif

/* Wire constants of OCPP-J (1.6 and 2.0.1): message type ids, subprotocol names,
 * size limits. The one place these numbers and strings live. */
#ifndef OCPP_WIRE_H
#define OCPP_WIRE_H

enum ocpp_msg_type {
    OCPP_CALL = 2,
    OCPP_CALLRESULT = 3,
    OCPP_CALLERROR = 4,
};

#define OCPP_SUBPROTOCOL_16 "ocpp1.6"
#define OCPP_SUBPROTOCOL_201 "ocpp2.0.1"

/* Both specs cap the unique message id at 36 characters. */
#define OCPP_MSGID_MAX 36

/* Error kinds a CallError can carry. Each version spells them in its own table
 * (1.6 says "FormationViolation" and "OccurenceConstraintViolation", 2.0.1 says
 * "FormatViolation" and "OccurrenceConstraintViolation" and adds two more). */
enum ocpp_error {
    OCPP_ERR_NONE = 0,
    OCPP_ERR_NOT_IMPLEMENTED,
    OCPP_ERR_NOT_SUPPORTED,
    OCPP_ERR_INTERNAL,
    OCPP_ERR_PROTOCOL,
    OCPP_ERR_SECURITY,
    OCPP_ERR_FORMAT,
    OCPP_ERR_PROPERTY_CONSTRAINT,
    OCPP_ERR_OCCURRENCE_CONSTRAINT,
    OCPP_ERR_TYPE_CONSTRAINT,
    OCPP_ERR_GENERIC,
    OCPP_ERR_RPC_FRAMEWORK,       /* 2.0.1 only; 1.6 maps it to FormationViolation */
    OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED, /* 2.0.1 only; 1.6 maps it to NotSupported */
    OCPP_ERR__COUNT
};

#endif

/* OCPP-J frames: [2,id,action,payload] [3,id,payload] [4,id,code,description,details].
 * Pure: jansson only, no I/O. */
#ifndef OCPP_FRAME_H
#define OCPP_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ocpp_wire.h"

struct ocpp_frame {
    enum ocpp_msg_type type;
    char id[OCPP_MSGID_MAX + 1];
    const char *action;            /* CALL: borrowed from root */
    json_t *payload;               /* CALL/CALLRESULT payload, CALLERROR details: borrowed */
    const char *error_code;        /* CALLERROR: borrowed */
    const char *error_description; /* CALLERROR: borrowed */
    json_t *root;                  /* owned: the whole parsed array */
};

/* Parses one websocket text message into *out.
 * Returns OCPP_ERR_NONE and fills *out (release with ocpp_frame_clear), or an error kind
 * and a short human reason in reason[reason_len] (names the element that is wrong).
 * When the frame is malformed but a message id could be read (element 1 is a string of
 * at most 36 chars), out->id holds it and out->type the type id if it was a number, so the
 * caller can answer a CallError; otherwise out->id is "" (nothing to answer: drop it).
 * Error kinds: OCPP_ERR_RPC_FRAMEWORK for invalid JSON / not an array / bad element
 * types or counts; OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED for a type id other than 2/3/4;
 * OCPP_ERR_FORMAT when the CALL payload is not an object.
 * On error nothing needs freeing (out->root is NULL). */
enum ocpp_error ocpp_frame_parse(const char *buf, size_t len, struct ocpp_frame *out,
                                 char *reason, size_t reason_len);

/* Releases out->root and zeroes the frame. Safe on a zeroed frame. */
void ocpp_frame_clear(struct ocpp_frame *f);

/* Builders: return a newly malloc'd NUL-terminated compact JSON text (caller frees with
 * free()), or NULL on allocation failure. payload/details are borrowed (not stolen);
 * NULL payload/details mean {}. */
char *ocpp_frame_call(const char *id, const char *action, json_t *payload);
char *ocpp_frame_result(const char *id, json_t *payload);
char *ocpp_frame_error(const char *id, const char *code, const char *description,
                       json_t *details);

/* Unique message ids per charger: "<8 hex of prefix>-<seq in decimal>", e.g.
 * "1a2b3c4d-17". out must hold OCPP_MSGID_MAX + 1 bytes. The caller picks a random
 * prefix per charger (the simulator draws it with OpenSSL) and increments seq. */
void ocpp_msgid_format(char *out, uint32_t prefix, uint64_t seq);

#endif

#include "ocpp_frame.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum ocpp_error fail(char *reason, size_t rlen, enum ocpp_error e, const char *fmt, ...)
{
    va_list ap;

    if (reason && rlen) {
        va_start(ap, fmt);
        vsnprintf(reason, rlen, fmt, ap);
        va_end(ap);
    }
    return e;
}

/* Reads element 1 as the message id when it has the right shape, so that even a
 * malformed frame can be answered with a CallError. */
static void read_id(json_t *root, struct ocpp_frame *out)
{
    json_t *id = json_array_get(root, 1);
    const char *s = json_string_value(id);

    if (s && *s && strlen(s) <= OCPP_MSGID_MAX)
        snprintf(out->id, sizeof(out->id), "%s", s);
}

enum ocpp_error ocpp_frame_parse(const char *buf, size_t len, struct ocpp_frame *out,
                                 char *reason, size_t reason_len)
{
    json_error_t jerr;
    json_t *root, *type, *payload;
    size_t n;
    enum ocpp_error e = OCPP_ERR_NONE;

    memset(out, 0, sizeof(*out));
    root = json_loadb(buf, len, JSON_DECODE_ANY, &jerr);
    if (!root)
        return fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK, "invalid JSON: %s", jerr.text);
    if (!json_is_array(root)) {
        json_decref(root);
        return fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK, "a frame must be a JSON array");
    }
    n = json_array_size(root);
    read_id(root, out);
    type = json_array_get(root, 0);
    if (!json_is_integer(type)) {
        e = fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK,
                 "element 0 (message type) must be an integer");
        goto bad;
    }
    out->type = (enum ocpp_msg_type)json_integer_value(type);
    if (json_integer_value(type) < OCPP_CALL || json_integer_value(type) > OCPP_CALLERROR) {
        e = fail(reason, reason_len, OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED,
                 "message type %" JSON_INTEGER_FORMAT " is not 2, 3 or 4",
                 json_integer_value(type));
        goto bad;
    }
    if (!out->id[0]) {
        e = fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK,
                 "element 1 (message id) must be a string of 1..%d characters", OCPP_MSGID_MAX);
        goto bad;
    }
    switch (out->type) {
    case OCPP_CALL:
        if (n != 4 || !json_is_string(json_array_get(root, 2))) {
            e = fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK,
                     n != 4 ? "a CALL has 4 elements" : "element 2 (action) must be a string");
            goto bad;
        }
        payload = json_array_get(root, 3);
        if (!json_is_object(payload)) {
            e = fail(reason, reason_len, OCPP_ERR_FORMAT, "element 3 (payload) must be an object");
            goto bad;
        }
        out->action = json_string_value(json_array_get(root, 2));
        out->payload = payload;
        break;
    case OCPP_CALLRESULT:
        payload = json_array_get(root, 2);
        if (n != 3 || !json_is_object(payload)) {
            e = fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK,
                     n != 3 ? "a CALLRESULT has 3 elements"
                            : "element 2 (payload) must be an object");
            goto bad;
        }
        out->payload = payload;
        break;
    case OCPP_CALLERROR:
        /* details (element 4) is required by the spec; tolerate its absence */
        if ((n != 5 && n != 4) || !json_is_string(json_array_get(root, 2)) ||
            !json_is_string(json_array_get(root, 3)) ||
            (n == 5 && !json_is_object(json_array_get(root, 4)))) {
            e = fail(reason, reason_len, OCPP_ERR_RPC_FRAMEWORK,
                     "a CALLERROR is [4, id, code (string), description (string), details (object)]");
            goto bad;
        }
        out->error_code = json_string_value(json_array_get(root, 2));
        out->error_description = json_string_value(json_array_get(root, 3));
        out->payload = json_array_get(root, 4);
        break;
    }
    out->root = root;
    return OCPP_ERR_NONE;
bad:
    json_decref(root);
    out->action = NULL;
    out->payload = NULL;
    return e;
}

void ocpp_frame_clear(struct ocpp_frame *f)
{
    json_decref(f->root);
    memset(f, 0, sizeof(*f));
}

/* Packs an array, borrowing the payload (json_pack "O" takes a new reference). */
static char *dump(json_t *arr)
{
    char *s = arr ? json_dumps(arr, JSON_COMPACT) : NULL;

    json_decref(arr);
    return s;
}

static json_t *or_empty(json_t *j)
{
    return j ? json_incref(j) : json_object();
}

char *ocpp_frame_call(const char *id, const char *action, json_t *payload)
{
    return dump(json_pack("[i,s,s,o]", OCPP_CALL, id, action, or_empty(payload)));
}

char *ocpp_frame_result(const char *id, json_t *payload)
{
    return dump(json_pack("[i,s,o]", OCPP_CALLRESULT, id, or_empty(payload)));
}

char *ocpp_frame_error(const char *id, const char *code, const char *description,
                       json_t *details)
{
    return dump(json_pack("[i,s,s,s,o]", OCPP_CALLERROR, id, code,
                          description ? description : "", or_empty(details)));
}

void ocpp_msgid_format(char *out, uint32_t prefix, uint64_t seq)
{
    snprintf(out, OCPP_MSGID_MAX + 1, "%08" PRIx32 "-%" PRIu64, prefix, seq);
}

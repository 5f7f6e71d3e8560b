/* OCPP-J framing: parse every frame type, every malformed case with the CallError kind
 * each version spells, the builders, message ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ocpp_frame.h"
#include "ocpp_version.h"

static enum ocpp_error parse(const char *s, struct ocpp_frame *f)
{
    char reason[128];
    return ocpp_frame_parse(s, strlen(s), f, reason, sizeof(reason));
}

static void parses_call_result_error(void **state)
{
    struct ocpp_frame f;

    assert_int_equal(parse("[2,\"abc\",\"Heartbeat\",{}]", &f), OCPP_ERR_NONE);
    assert_int_equal(f.type, OCPP_CALL);
    assert_string_equal(f.id, "abc");
    assert_string_equal(f.action, "Heartbeat");
    assert_true(json_is_object(f.payload));
    ocpp_frame_clear(&f);

    assert_int_equal(parse("[3,\"x-1\",{\"status\":\"Accepted\"}]", &f), OCPP_ERR_NONE);
    assert_int_equal(f.type, OCPP_CALLRESULT);
    assert_string_equal(json_string_value(json_object_get(f.payload, "status")), "Accepted");
    ocpp_frame_clear(&f);

    assert_int_equal(parse("[4,\"x-2\",\"NotImplemented\",\"nope\",{}]", &f), OCPP_ERR_NONE);
    assert_int_equal(f.type, OCPP_CALLERROR);
    assert_string_equal(f.error_code, "NotImplemented");
    assert_string_equal(f.error_description, "nope");
    ocpp_frame_clear(&f);
    ocpp_frame_clear(&f);   /* safe twice */
}

static void malformed_frames(void **state)
{
    struct ocpp_frame f;

    /* nothing to answer: no id */
    assert_int_equal(parse("not json", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_string_equal(f.id, "");
    assert_null(f.root);
    assert_int_equal(parse("{\"a\":1}", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_int_equal(parse("[2, 7, \"Heartbeat\", {}]", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_string_equal(f.id, "");
    /* an id longer than 36 characters is not an id */
    assert_int_equal(parse("[2,\"0123456789012345678901234567890123456\",\"Heartbeat\",{}]", &f),
                     OCPP_ERR_RPC_FRAMEWORK);
    assert_string_equal(f.id, "");

    /* answerable: the id was readable */
    assert_int_equal(parse("[9,\"id9\",\"Heartbeat\",{}]", &f), OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED);
    assert_string_equal(f.id, "id9");
    assert_int_equal(parse("[\"2\",\"id1\",\"Heartbeat\",{}]", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_string_equal(f.id, "id1");
    assert_int_equal(parse("[2,\"id2\",\"Heartbeat\"]", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_int_equal(parse("[2,\"id3\",5,{}]", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_int_equal(parse("[2,\"id4\",\"Heartbeat\",[]]", &f), OCPP_ERR_FORMAT);
    assert_string_equal(f.id, "id4");
    assert_int_equal(f.type, OCPP_CALL);
    assert_null(f.payload);
    assert_int_equal(parse("[3,\"id5\",\"x\"]", &f), OCPP_ERR_RPC_FRAMEWORK);
    assert_int_equal(parse("[4,\"id6\",1,\"d\",{}]", &f), OCPP_ERR_RPC_FRAMEWORK);
}

static void error_kinds_spelled_per_version(void **state)
{
    assert_string_equal(ocpp_error_name(&ocpp_v16, OCPP_ERR_FORMAT), "FormationViolation");
    assert_string_equal(ocpp_error_name(&ocpp_v201, OCPP_ERR_FORMAT), "FormatViolation");
    assert_string_equal(ocpp_error_name(&ocpp_v16, OCPP_ERR_OCCURRENCE_CONSTRAINT),
                        "OccurenceConstraintViolation");
    assert_string_equal(ocpp_error_name(&ocpp_v201, OCPP_ERR_OCCURRENCE_CONSTRAINT),
                        "OccurrenceConstraintViolation");
    assert_string_equal(ocpp_error_name(&ocpp_v201, OCPP_ERR_RPC_FRAMEWORK), "RpcFrameworkError");
    assert_string_equal(ocpp_error_name(&ocpp_v16, OCPP_ERR_RPC_FRAMEWORK), "FormationViolation");
    assert_string_equal(ocpp_error_name(&ocpp_v201, OCPP_ERR_MESSAGE_TYPE_NOT_SUPPORTED),
                        "MessageTypeNotSupported");
    assert_string_equal(ocpp_error_name(&ocpp_v16, OCPP_ERR_NOT_IMPLEMENTED), "NotImplemented");
    for (int e = OCPP_ERR_NOT_IMPLEMENTED; e < OCPP_ERR__COUNT; e++) {
        assert_non_null(ocpp_v16.error_names[e]);
        assert_non_null(ocpp_v201.error_names[e]);
    }
}

static void builders_roundtrip(void **state)
{
    struct ocpp_frame f;
    json_t *p = json_pack("{s:i}", "connectorId", 1);
    char *s = ocpp_frame_call("m-1", "StatusNotification", p);

    assert_string_equal(s, "[2,\"m-1\",\"StatusNotification\",{\"connectorId\":1}]");
    assert_int_equal(parse(s, &f), OCPP_ERR_NONE);
    assert_int_equal(json_integer_value(json_object_get(f.payload, "connectorId")), 1);
    ocpp_frame_clear(&f);
    free(s);
    assert_int_equal(p->refcount, 1);   /* borrowed, not stolen */
    json_decref(p);

    s = ocpp_frame_result("m-2", NULL);
    assert_string_equal(s, "[3,\"m-2\",{}]");
    free(s);
    s = ocpp_frame_error("m-3", "NotImplemented", "no \"Reset\"", NULL);
    assert_int_equal(parse(s, &f), OCPP_ERR_NONE);
    assert_string_equal(f.error_description, "no \"Reset\"");
    ocpp_frame_clear(&f);
    free(s);
}

static void message_ids(void **state)
{
    char a[OCPP_MSGID_MAX + 1], b[OCPP_MSGID_MAX + 1];

    ocpp_msgid_format(a, 0x1a2b3c4d, 17);
    assert_string_equal(a, "1a2b3c4d-17");
    ocpp_msgid_format(b, 0x1a2b3c4d, 18);
    assert_string_not_equal(a, b);
    ocpp_msgid_format(a, 0xffffffffu, UINT64_MAX);
    assert_true(strlen(a) <= OCPP_MSGID_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_call_result_error),
        cmocka_unit_test(malformed_frames),
        cmocka_unit_test(error_kinds_spelled_per_version),
        cmocka_unit_test(builders_roundtrip),
        cmocka_unit_test(message_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

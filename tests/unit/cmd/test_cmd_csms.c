/* The built-in CSMS's answers (cmd_csms.c, included to reach its statics, as h2o's unit
 * tests do): every CALL of a charger it answers gets a payload that is valid against
 * the official response schema of the charger's version, and exactly the messages of
 * a session are answered (the others get NotImplemented). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cmd_csms.c"
#include "ocpp_schema.h"

/* The answer to action a of version v, checked against v's response schema; 1 when
 * there is one, 0 when the sink does not answer it. */
static int answered(struct csms *c, const struct ocpp_version *v, enum ocpp_action a,
                    json_t *payload)
{
    struct session s = {.v = v};
    char err[256] = "";
    json_t *res = session_answer(c, &s, a, payload);

    if (!res)
        return 0;
    if (ocpp_schema_check(v, ocpp_action_name(v, a), 0, res, err, sizeof err) != 0)
        fail_msg("%s %s: answer not valid: %s", v->name, ocpp_action_name(v, a), err);
    json_decref(res);
    return 1;
}

static void answers_are_valid_and_cover_sessions(void **state)
{
    static const struct {
        const struct ocpp_version *v;
        int answered;           /* besides BootNotification and Heartbeat (handle) */
    } vs[] = {{&ocpp_v16, 8}, {&ocpp_v201, 12}};
    struct csms c = {0};

    for (size_t k = 0; k < 2; k++) {
        int n = 0;
        for (int a = 0; a < OCPP_ACTION__COUNT; a++)
            if (ocpp_action_name(vs[k].v, (enum ocpp_action)a) &&
                ocpp_action_direction((enum ocpp_action)a) != OCPP_CSMS_TO_CP)
                n += answered(&c, vs[k].v, (enum ocpp_action)a, NULL);
        assert_int_equal(n, vs[k].answered);
        assert_int_equal(answered(&c, vs[k].v, (enum ocpp_action)-1, NULL), 0);
    }
    assert_int_equal(c.transactions, 1);   /* 1.6 StartTransaction: an id each */
}

/* A TransactionEvent with an idToken is authorized; one without gets {}. */
static void transaction_event_authorizes_its_token(void **state)
{
    struct csms c = {0};
    struct session s = {.v = &ocpp_v201};
    json_t *p = json_pack("{s:{s:s,s:s}}", "idToken", "idToken", "T1", "type", "ISO14443");
    json_t *res = session_answer(&c, &s, OCPP_ACTION_TRANSACTION_EVENT, p);

    assert_string_equal(json_string_value(json_object_get(json_object_get(res, "idTokenInfo"),
                                                          "status")), "Accepted");
    json_decref(res);
    res = session_answer(&c, &s, OCPP_ACTION_TRANSACTION_EVENT, NULL);
    assert_int_equal(json_object_size(res), 0);
    json_decref(res);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_are_valid_and_cover_sessions),
        cmocka_unit_test(transaction_event_authorizes_its_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* A transaction over a fake transport, the test playing the CSMS: a remote start goes
 * Authorize → StartTransaction (1.6, AuthorizeRemoteTxRequests true) or straight to
 * TransactionEvent Started (2.0.1); the CSMS's answers reach the session through each
 * CALL's callback (the transactionId of StartTransaction.conf); a remote stop ends it.
 * Each test ends with uv_loop_close() == 0 (the meter's timers closed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_charger.h"

/* Answers the outstanding CALL the way a CSMS that accepts everything does, until none
 * is left; the actions it answered, in order, into seen ("A,B,C"). */
static void csms_answers_all(struct fake *fk, char *seen, size_t n)
{
    for (int guard = 0; guard < 32 && fk->ch.rpc.out; guard++) {
        const char *id = fk->ch.rpc.out_id;
        const char *a = ocpp_action_name(fk->ch.version, fk->ch.rpc.out->action);
        size_t k = strlen(seen);
        snprintf(seen + k, n - k, "%s%s", k ? "," : "", a);
        char cid[OCPP_MSGID_MAX + 1];
        snprintf(cid, sizeof cid, "%s", id);
        if (!strcmp(a, "Authorize") && fk->ch.version == &ocpp_v16)
            fake_in(fk, "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Accepted\"}}]", cid);
        else if (!strcmp(a, "Authorize"))
            fake_in(fk, "[3,\"%s\",{\"idTokenInfo\":{\"status\":\"Accepted\"}}]", cid);
        else if (!strcmp(a, "StartTransaction"))
            fake_in(fk, "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Accepted\"},"
                        "\"transactionId\":42}]", cid);
        else
            fake_in(fk, "[3,\"%s\",{}]", cid);
    }
}

/* The n-th CALL of action the charger sent, or NULL. */
static const struct fake_frame *call_of(const struct fake *fk, const char *action, int n)
{
    for (int i = 0; fake_out(fk, i); i++) {
        const struct fake_frame *f = fake_out(fk, i);
        if (fake_type(f) == 2 && !strcmp(fake_str(f, 2), action) && n-- == 0)
            return f;
    }
    return NULL;
}

static const char *answer_status(const struct fake *fk, int i)
{
    return json_string_value(json_object_get(fake_payload(fake_out(fk, i)), "status"));
}

static void remote_start_16_authorize_first(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 2);
    char seen[512] = "";

    assert_int_equal(sim__setting_change(&fk->ch, OCPP_CFG_AUTHORIZE_REMOTE, "true"), 0);
    fake_in(fk, "[2,\"rs\",\"RemoteStartTransaction\",{\"connectorId\":1,\"idTag\":\"TAG1\"}]");
    assert_int_equal(fake_type(fake_out(fk, 0)), 3);          /* the answer first */
    assert_string_equal(answer_status(fk, 0), "Accepted");
    assert_string_equal(sim__conn_tx_id(&fk->ch, 1), "");           /* no session yet */
    csms_answers_all(fk, seen, sizeof seen);
    assert_string_equal(seen, "Authorize,StatusNotification,StartTransaction,"
                              "StatusNotification");
    assert_int_equal(sim__tx_count(&fk->ch, -1), 1);
    assert_string_equal(sim__conn_tx_id(&fk->ch, 1), "42");         /* from StartTransaction.conf */

    int before = fake_out_count(fk);
    fake_in(fk, "[2,\"st\",\"RemoteStopTransaction\",{\"transactionId\":42}]");
    assert_string_equal(answer_status(fk, before), "Accepted");
    seen[0] = '\0';
    csms_answers_all(fk, seen, sizeof seen);
    assert_string_equal(seen, "StopTransaction,StatusNotification,StatusNotification");
    assert_int_equal(sim__tx_count(&fk->ch, -1), 0);
    assert_int_equal(fake_free(fk), 0);
}

/* An Authorize the CSMS refuses starts nothing. */
static void authorize_refused_no_session(void **state)
{
    struct fake *fk = fake_new(&ocpp_v16, 1);

    sim__setting_change(&fk->ch, OCPP_CFG_AUTHORIZE_REMOTE, "true");
    fake_in(fk, "[2,\"rs\",\"RemoteStartTransaction\",{\"idTag\":\"BAD\"}]");
    char id[OCPP_MSGID_MAX + 1];
    snprintf(id, sizeof id, "%s", fk->ch.rpc.out_id);
    assert_int_equal(fk->ch.rpc.out->action, OCPP_ACTION_AUTHORIZE);
    fake_in(fk, "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Blocked\"}}]", id);
    assert_int_equal(sim__tx_count(&fk->ch, -1), 0);
    assert_true(sim__rpc_idle(&fk->ch.rpc));
    assert_int_equal(fake_free(fk), 0);
}

static void remote_start_201_transaction_events(void **state)
{
    struct fake *fk = fake_new(&ocpp_v201, 1);
    char seen[512] = "";

    fake_in(fk, "[2,\"rs\",\"RequestStartTransaction\",{\"evseId\":1,\"remoteStartId\":7,"
                "\"idToken\":{\"idToken\":\"TAG1\",\"type\":\"ISO14443\"}}]");
    assert_string_equal(answer_status(fk, 0), "Accepted");
    csms_answers_all(fk, seen, sizeof seen);
    assert_string_equal(seen, "StatusNotification,TransactionEvent,StatusNotification");
    const struct fake_frame *started = call_of(fk, "TransactionEvent", 0);
    assert_non_null(started);
    json_t *p = fake_payload(started);
    assert_string_equal(json_string_value(json_object_get(p, "eventType")), "Started");
    assert_string_equal(json_string_value(json_object_get(p, "triggerReason")), "RemoteStart");
    json_t *info = json_object_get(p, "transactionInfo");
    assert_int_equal(json_integer_value(json_object_get(info, "remoteStartId")), 7);
    char tx_id[40];
    snprintf(tx_id, sizeof tx_id, "%s", json_string_value(json_object_get(info,
                                                                          "transactionId")));
    assert_string_equal(sim__conn_tx_id(&fk->ch, 0), tx_id);      /* the charger names it */

    int before = fake_out_count(fk);
    fake_in(fk, "[2,\"st\",\"RequestStopTransaction\",{\"transactionId\":\"%s\"}]", tx_id);
    assert_string_equal(answer_status(fk, before), "Accepted");
    seen[0] = '\0';
    csms_answers_all(fk, seen, sizeof seen);
    assert_string_equal(seen, "TransactionEvent,StatusNotification");
    const struct fake_frame *ended = call_of(fk, "TransactionEvent", 1);
    assert_non_null(ended);
    assert_string_equal(json_string_value(json_object_get(fake_payload(ended), "eventType")),
                        "Ended");
    assert_int_equal(sim__tx_count(&fk->ch, -1), 0);
    fake_in(fk, "[2,\"s2\",\"RequestStopTransaction\",{\"transactionId\":\"%s\"}]", tx_id);
    assert_string_equal(answer_status(fk, fake_out_count(fk) - 1), "Rejected");
    assert_int_equal(fake_free(fk), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(remote_start_16_authorize_first),
        cmocka_unit_test(authorize_refused_no_session),
        cmocka_unit_test(remote_start_201_transaction_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

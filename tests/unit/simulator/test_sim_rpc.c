/* The CALL queue over a fake transport (no network): one CALL outstanding at a time,
 * in order, BootNotification first; each CALL's callback hears its fate once, with
 * the times it was queued, sent and answered; timeouts, resends of session messages,
 * answers for another id, the queue's bound, a lost connection. Every test ends with
 * uv_loop_close() == 0: a handle left open fails it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ocpp_version.h"
#include "sim_rpc.h"

/* The fake transport: what was sent, in order; open or not; boot only. */
struct fake {
    int open, boot_only;
    int n;
    char ids[16][OCPP_MSGID_MAX + 1];
    enum ocpp_action actions[16];
    char *text[16];
    uint64_t at[16];               /* uv_hrtime() when it was handed over */
};

static int fake_can_send(void *arg, enum ocpp_action a)
{
    struct fake *f = arg;
    return f->open && (!f->boot_only || a == OCPP_ACTION_BOOT_NOTIFICATION);
}

static void fake_send(void *arg, char *text, const char *id, enum ocpp_action a)
{
    struct fake *f = arg;
    assert_true(f->n < 16);
    snprintf(f->ids[f->n], sizeof f->ids[f->n], "%s", id);
    f->actions[f->n] = a;
    f->at[f->n] = uv_hrtime();
    f->text[f->n++] = text;
}

static const struct sim__rpc_ops fake_ops = {fake_can_send, fake_send};

/* What the callbacks heard. */
struct heard {
    int n;
    enum sim_call_outcome outcome[16];
    enum ocpp_action action[16];
    uint64_t due[16], sent[16], answered[16];
    int status_ok[16];             /* RESULT: the payload said {"status":"Accepted"} */
};

static void record(struct sim_call *c, const struct sim_call_answer *a)
{
    struct heard *h = c->data;
    int i = h->n++;
    if (i >= 16)
        return;                    /* counted only */
    h->outcome[i] = a->outcome;
    h->action[i] = c->action;
    h->due[i] = c->due_ns;
    h->sent[i] = c->sent_ns;
    h->answered[i] = c->answered_ns;
    const char *st = json_string_value(json_object_get(a->payload, "status"));
    h->status_ok[i] = st && !strcmp(st, "Accepted");
}

struct env {
    uv_loop_t loop;
    struct fake fake;
    struct heard heard;
    struct sim__rpc rpc;
};

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    assert_int_equal(uv_loop_init(&e->loop), 0);
    e->fake.open = 1;
    sim__rpc_init(&e->rpc, &e->loop, &fake_ops, &e->fake, 0x1a2b3c4d, 30000,
                  ocpp_v201.actions, "CP-TEST");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    sim__rpc_reset(&e->rpc, 0);
    for (int i = 0; i < e->fake.n; i++)
        free(e->fake.text[i]);
    assert_int_equal(uv_loop_close(&e->loop), 0);
    free(e);
    return 0;
}

/* The CSMS answers message id with text ("[3,id,{...}]" or a CALLERROR). */
static int answer(struct sim__rpc *r, const char *fmt, const char *id)
{
    char buf[256];
    struct ocpp_frame f;
    char reason[128];
    snprintf(buf, sizeof buf, fmt, id);
    assert_int_equal(ocpp_frame_parse(buf, strlen(buf), &f, reason, sizeof reason),
                     OCPP_ERR_NONE);
    int rc = sim__rpc_answer(r, &f, uv_hrtime());
    ocpp_frame_clear(&f);
    return rc;
}

static void queue(struct env *e, enum ocpp_action a, unsigned serial)
{
    sim__rpc_call(&e->rpc, a, json_object(), serial ? 1 : -1, serial, record, &e->heard);
}

static void one_outstanding_in_order(void **state)
{
    struct env *e = *state;

    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    queue(e, OCPP_ACTION_STATUS_NOTIFICATION, 0);
    queue(e, OCPP_ACTION_METER_VALUES, 0);
    assert_int_equal(e->fake.n, 1);              /* one outstanding, two waiting */
    assert_int_equal(e->rpc.queued, 2);
    assert_int_equal(e->fake.actions[0], OCPP_ACTION_HEARTBEAT);
    assert_non_null(strstr(e->fake.text[0], "\"Heartbeat\""));
    assert_non_null(sim__rpc_outstanding(&e->rpc, e->fake.ids[0]));

    assert_int_equal(answer(&e->rpc, "[3,\"%s\",{\"status\":\"Accepted\"}]", e->fake.ids[0]), 0);
    assert_int_equal(e->heard.n, 1);
    assert_int_equal(e->heard.outcome[0], SIM_CALL_RESULT);
    assert_true(e->heard.status_ok[0]);          /* the callback got the payload */
    assert_int_equal(e->fake.n, 2);              /* the next one went */
    assert_int_equal(e->fake.actions[1], OCPP_ACTION_STATUS_NOTIFICATION);
    assert_string_not_equal(e->fake.ids[0], e->fake.ids[1]);

    assert_int_equal(answer(&e->rpc, "[4,\"%s\",\"NotSupported\",\"no\",{}]", e->fake.ids[1]),
                     0);
    assert_int_equal(e->heard.outcome[1], SIM_CALL_ERROR);
    assert_int_equal(e->fake.actions[2], OCPP_ACTION_METER_VALUES);
    assert_int_equal(answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[2]), 0);
    assert_int_equal(e->heard.n, 3);
    assert_true(sim__rpc_idle(&e->rpc));
    assert_int_equal(e->rpc.deadline_ms, 0);
}

/* due <= sent <= answered, from uv_hrtime; a CALL that waits is sent later than due. */
static void callback_gets_times(void **state)
{
    struct env *e = *state;

    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    queue(e, OCPP_ACTION_AUTHORIZE, 0);
    uint64_t before = uv_hrtime();
    answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[0]);
    answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[1]);
    assert_int_equal(e->heard.n, 2);
    for (int i = 0; i < 2; i++) {
        assert_true(e->heard.due[i] > 0);
        assert_true(e->heard.due[i] <= e->heard.sent[i]);
        assert_true(e->heard.sent[i] <= e->heard.answered[i]);
    }
    assert_true(e->heard.sent[0] < before);       /* sent when queued: nothing before it */
    assert_true(e->heard.due[1] < before);        /* queued then ... */
    assert_true(e->heard.sent[1] >= before);      /* ... sent once the first was answered */
    assert_true(e->heard.answered[0] >= before);
}

/* Before an accepted boot only BootNotification goes, and it goes first. */
static void boot_goes_first(void **state)
{
    struct env *e = *state;

    e->fake.open = 0;
    queue(e, OCPP_ACTION_STATUS_NOTIFICATION, 0);
    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    assert_int_equal(e->fake.n, 0);              /* closed: everything waits */
    e->fake.open = 1;
    e->fake.boot_only = 1;
    sim__rpc_pump(&e->rpc);
    assert_int_equal(e->fake.n, 0);              /* booting: a StatusNotification waits */
    queue(e, OCPP_ACTION_BOOT_NOTIFICATION, 0);
    assert_int_equal(e->fake.n, 1);
    assert_int_equal(e->fake.actions[0], OCPP_ACTION_BOOT_NOTIFICATION);
    e->fake.boot_only = 0;
    answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[0]);
    assert_int_equal(e->fake.actions[1], OCPP_ACTION_STATUS_NOTIFICATION);
}

/* An answer for no outstanding CALL changes nothing; a corked queue sends nothing. */
static void answer_for_another_id_ignored(void **state)
{
    struct env *e = *state;

    assert_int_equal(answer(&e->rpc, "[3,\"%s\",{}]", "nobody-1"), -1);
    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    e->rpc.corked = 1;
    queue(e, OCPP_ACTION_AUTHORIZE, 0);
    assert_int_equal(answer(&e->rpc, "[3,\"%s\",{}]", "nobody-2"), -1);
    assert_int_equal(e->heard.n, 0);
    assert_non_null(sim__rpc_outstanding(&e->rpc, e->fake.ids[0]));
    assert_int_equal(answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[0]), 0);
    assert_int_equal(e->fake.n, 1);              /* corked: Authorize waits */
    e->rpc.corked = 0;
    sim__rpc_pump(&e->rpc);
    assert_int_equal(e->fake.n, 2);
}

static void expire_when_due(uv_timer_t *t)
{
    struct sim__rpc *r = t->data;
    if (r->deadline_ms && r->deadline_ms <= uv_now(t->loop))
        sim__rpc_expire(r);
    if (!r->out)
        uv_timer_stop(t);
}

/* A plain CALL times out once; a session message is sent again (first) until its
 * attempts are spent, then times out. The loop's deadline drives it. */
static void timeouts(void **state)
{
    struct env *e = *state;
    uv_timer_t sweep;

    e->rpc.timeout_ms = 5;
    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    queue(e, OCPP_ACTION_TRANSACTION_EVENT, 7);
    uv_timer_init(&e->loop, &sweep);
    sweep.data = &e->rpc;
    uv_timer_start(&sweep, expire_when_due, 1, 1);
    uv_run(&e->loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&sweep, NULL);
    uv_run(&e->loop, UV_RUN_DEFAULT);

    assert_int_equal(e->heard.n, 2);
    assert_int_equal(e->heard.outcome[0], SIM_CALL_TIMEOUT);
    assert_int_equal(e->heard.action[0], OCPP_ACTION_HEARTBEAT);
    assert_int_equal(e->heard.outcome[1], SIM_CALL_TIMEOUT);
    assert_int_equal(e->heard.answered[1], 0);
    assert_int_equal(e->fake.n, 1 + SIM_CALL_ATTEMPTS);   /* the session message 3 times */
    for (int i = 1; i <= SIM_CALL_ATTEMPTS; i++)
        assert_int_equal(e->fake.actions[i], OCPP_ACTION_TRANSACTION_EVENT);
    assert_true(sim__rpc_idle(&e->rpc));
    /* sent is its last attempt's: after the attempt before it was handed over */
    assert_true(e->heard.sent[1] > e->fake.at[SIM_CALL_ATTEMPTS - 1]);
    assert_true(e->heard.sent[1] <= e->fake.at[SIM_CALL_ATTEMPTS]);
}

/* A lost connection keeps the session messages (the unanswered one first) and drops
 * the others, each callback told once. */
static void reset_keeps_session_messages(void **state)
{
    struct env *e = *state;

    queue(e, OCPP_ACTION_TRANSACTION_EVENT, 1);  /* outstanding */
    queue(e, OCPP_ACTION_HEARTBEAT, 0);
    queue(e, OCPP_ACTION_METER_VALUES, 2);
    e->fake.open = 0;
    sim__rpc_reset(&e->rpc, 1);
    assert_int_equal(e->heard.n, 1);
    assert_int_equal(e->heard.outcome[0], SIM_CALL_DROPPED);
    assert_int_equal(e->heard.action[0], OCPP_ACTION_HEARTBEAT);
    assert_int_equal(e->rpc.queued, 2);
    e->fake.open = 1;
    uint64_t reconnected = uv_hrtime();
    sim__rpc_pump(&e->rpc);
    assert_int_equal(e->fake.n, 2);
    assert_int_equal(e->fake.actions[1], OCPP_ACTION_TRANSACTION_EVENT);   /* again, first */
    answer(&e->rpc, "[3,\"%s\",{}]", e->fake.ids[1]);
    assert_int_equal(e->fake.actions[2], OCPP_ACTION_METER_VALUES);
    /* its times: due when first queued, sent when sent again on the new connection */
    assert_int_equal(e->heard.n, 2);
    assert_int_equal(e->heard.action[1], OCPP_ACTION_TRANSACTION_EVENT);
    assert_int_equal(e->heard.outcome[1], SIM_CALL_RESULT);
    assert_true(e->heard.due[1] < reconnected);
    assert_true(e->heard.sent[1] >= reconnected);
    assert_true(e->heard.answered[1] >= e->heard.sent[1]);
}

/* The queue is bounded: the oldest waiting CALL is dropped (and said so). */
static void bounded(void **state)
{
    struct env *e = *state;

    e->fake.open = 0;
    for (int i = 0; i < SIM_QUEUE_MAX + 2; i++)
        queue(e, OCPP_ACTION_HEARTBEAT, 0);
    assert_int_equal(e->rpc.queued, SIM_QUEUE_MAX);
    assert_int_equal(e->rpc.dropped, 2);
    assert_int_equal(e->heard.n, 2);
    assert_int_equal(e->heard.outcome[0], SIM_CALL_DROPPED);
}

/* The bound drops the oldest waiting CALL, not the newest. */
static void bounded_drops_oldest(void **state)
{
    struct env *e = *state;

    e->fake.open = 0;
    queue(e, OCPP_ACTION_STATUS_NOTIFICATION, 0);
    for (int i = 1; i < SIM_QUEUE_MAX; i++)
        queue(e, OCPP_ACTION_HEARTBEAT, 0);
    queue(e, OCPP_ACTION_AUTHORIZE, 0);           /* one over the bound */
    assert_int_equal(e->heard.n, 1);
    assert_int_equal(e->heard.outcome[0], SIM_CALL_DROPPED);
    assert_int_equal(e->heard.action[0], OCPP_ACTION_STATUS_NOTIFICATION);
    assert_int_equal(e->rpc.queued, SIM_QUEUE_MAX);
    assert_int_equal(e->rpc.tail->action, OCPP_ACTION_AUTHORIZE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_outstanding_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(callback_gets_times, setup, teardown),
        cmocka_unit_test_setup_teardown(boot_goes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(answer_for_another_id_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_keeps_session_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(bounded_drops_oldest, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

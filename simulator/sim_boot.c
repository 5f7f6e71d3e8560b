#include "sim_boot.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "sim_tx.h"

static void heartbeat_cb(uv_timer_t *t);

/* Exponential backoff with jitter: base * 2^(attempt-1), capped, then a random point in
 * [delay/2, delay] so a CSMS restart does not see every charger at the same instant. */
uint64_t sim__boot_backoff_ms(const struct sim_charger *ch)
{
    const struct sim_runtime_opts *o = &ch->rt->opts;
    uint64_t lo = (uint64_t)(ch->backoff_min_ms ? ch->backoff_min_ms : o->backoff_min_ms);
    uint64_t hi = (uint64_t)(ch->backoff_max_ms ? ch->backoff_max_ms : o->backoff_max_ms);
    uint64_t d = lo;
    for (int i = 1; i < ch->attempts && d < hi; i++)
        d *= 2;
    if (d > hi)
        d = hi;
    return d / 2 + (d / 2 ? sim__rand_u32() % (d / 2 + 1) : 0);
}


static void boot_done(struct sim_call *c, const struct sim_call_answer *a);

void sim__boot_send(struct sim_charger *ch)
{
    struct ocpp_station_info info = {
        .vendor = ch->vendor, .model = ch->model, .serial = ch->serial,
        .firmware = ch->firmware, .connectors = ch->connectors,
    };
    sim__call_cb(ch, OCPP_ACTION_BOOT_NOTIFICATION,
                 ch->version->boot_request(&info, ch->boot_reason), -1, 0, boot_done, ch);
}

/* The provision deadline passed: the step FAILED (said once, with the last error). The
 * charger is not stopped: it goes on trying, as a real one does, and is READY if the
 * CSMS accepts it later. */
static void fail(struct sim_charger *ch)
{
    char reason[256];
    snprintf(reason, sizeof reason, "%s (gave up after %d s)",
             ch->last_error ? ch->last_error : "no BootNotification accepted",
             ch->rt->opts.provision_timeout_s);
    CF_CLOG_WARN(ch->identity, "provisioning failed: %s; still trying", reason);
    ch->deadline = 0;
    ch->step_failed = 1;
    if (ch->rt->ev.failed)
        ch->rt->ev.failed(ch, reason, ch->rt->ev_arg);
}

static int past_deadline(const struct sim_charger *ch)
{
    return !ch->provisioned && ch->deadline && uv_now(ch->rt->loop) >= ch->deadline;
}

/* Arms the main timer, clamped to the provision deadline so a charger that keeps
 * failing is declared FAILED on time. */
static void timer_arm(struct sim_charger *ch, uint64_t delay_ms, uv_timer_cb cb)
{
    ch->retry_at = uv_now(ch->rt->loop) + delay_ms;
    if (!ch->provisioned && ch->deadline) {
        uint64_t now = uv_now(ch->rt->loop);
        uint64_t left = ch->deadline > now ? ch->deadline - now : 0;
        if (delay_ms > left)
            delay_ms = left;
    }
    uv_timer_start(&ch->timer, cb, delay_ms, 0);
}

/* Tells the owner, while the charger is not accepted, why it waits (wait_what or the
 * last error) and that it tries again in delay_ms. */
static void say_waiting(struct sim_charger *ch, uint64_t delay_ms)
{
    if (ch->provisioned || !ch->rt->ev.waiting)
        return;
    char why[300], in[24];
    if (delay_ms >= 10000 || delay_ms % 1000 == 0)
        snprintf(in, sizeof in, "%llu s", (unsigned long long)(delay_ms + 500) / 1000);
    else
        snprintf(in, sizeof in, "%.1f s", (double)delay_ms / 1000);
    snprintf(why, sizeof why, "%s (retry in %s)",
             ch->wait_what ? ch->wait_what : ch->last_error ? ch->last_error : "not accepted",
             in);
    ch->rt->ev.waiting(ch, why, ch->rt->ev_arg);
}

/* A timer armed by timer_arm ended: past the provision deadline the step FAILED, and a
 * wait that was clamped to the deadline goes on for what is left of it (cb again, and
 * the owner hears it again: `failed` said something else). Returns 1 when the charger
 * acts now. */
static int timer_due(struct sim_charger *ch, uv_timer_cb cb)
{
    int failed_now = past_deadline(ch);
    if (failed_now)
        fail(ch);
    uint64_t now = uv_now(ch->rt->loop);
    if (ch->state == SIM_STOPPING)
        return 0;
    if (ch->retry_at > now) {
        uv_timer_start(&ch->timer, cb, ch->retry_at - now, 0);
        if (failed_now)
            say_waiting(ch, ch->retry_at - now);
        return 0;
    }
    ch->retry_at = 0;
    return 1;
}

/* Waits delay_ms after `what` (a static string; NULL: the last error), then cb tries
 * again; the owner hears why (say_waiting). */
static void retry_later(struct sim_charger *ch, uint64_t delay_ms, uv_timer_cb cb,
                        const char *what)
{
    timer_arm(ch, delay_ms, cb);
    ch->wait_what = what;
    say_waiting(ch, delay_ms);
}

static void heartbeat_cb(uv_timer_t *t)
{
    struct sim_charger *ch = t->data;
    if (ch->state != SIM_ACCEPTED)
        return;
    sim__call(ch, OCPP_ACTION_HEARTBEAT, ch->version->heartbeat_request());
    uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
}

static void reconnect_cb(uv_timer_t *t)
{
    struct sim_charger *ch = t->data;
    if (ch->state != SIM_IDLE || ch->off || !timer_due(ch, reconnect_cb))
        return;
    sim__runtime_want_connect(ch->rt, ch);
}

static void reboot_cb(uv_timer_t *t)
{
    struct sim_charger *ch = t->data;
    if (ch->state != SIM_BOOTING || !timer_due(ch, reboot_cb))
        return;
    sim__boot_send(ch);
}

static void on_boot_result(struct sim_charger *ch, json_t *payload)
{
    struct ocpp_boot_result r;
    char reason[160];
    if (ch->version->boot_result(payload, &r, reason, sizeof reason) != 0) {
        ch->rt->m.boots_errors++;
        sim__set_error(ch, "%s", reason);
        CF_CLOG_WARN(ch->identity, "%s", reason);
        retry_later(ch, sim__boot_backoff_ms(ch) + 1000, reboot_cb, NULL);
        return;
    }
    switch (r.status) {
    case OCPP_BOOT_ACCEPTED: {
        int first = !ch->provisioned;
        uint64_t now = uv_now(ch->rt->loop);
        ch->boot_ms = now > ch->connect_at ? (int)(now - ch->connect_at) : 0;
        ch->rt->m.boots_accepted++;
        sim_metrics_boot_latency(&ch->rt->m, (uint64_t)ch->boot_ms);
        ch->state = SIM_ACCEPTED;
        ch->provisioned = 1;
        ch->boot_reason = OCPP_BOOT_POWER_UP;   /* a later reconnect is a power-up */
        ch->deadline = 0;
        free(ch->last_error);
        ch->last_error = NULL;
        ch->heartbeat_s = r.interval > 0 ? r.interval : ch->rt->opts.default_heartbeat_s;
        CF_CLOG_DEBUG(ch->identity, "BootNotification accepted, heartbeat every %d s",
                     ch->heartbeat_s);
        if (ch->rt->ev.ready)
            ch->rt->ev.ready(ch, first, ch->rt->ev_arg);
        if (ch->state != SIM_ACCEPTED)
            return; /* the owner stopped it */
        if (ch->security_pending && ch->version->security_event) {
            char ts[25];
            cf_now_rfc3339(ts);
            sim__call(ch, OCPP_ACTION_SECURITY_EVENT,
                      ch->version->security_event(ch->security_pending, ts));
        }
        ch->security_pending = NULL;
        ch->quiet = !ch->live_said;        /* a plain boot: nothing to say */
        sim__send_statuses(ch, -1);
        ch->quiet = 0;
        if (ch->live_said)
            sim__touch(ch);
        uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
        return;
    }
    case OCPP_BOOT_PENDING:
        ch->rt->m.boots_pending++;
        sim__set_error(ch, "BootNotification Pending at CSMS (never Accepted)");
        retry_later(ch, (uint64_t)(r.interval > 0 ? r.interval : 1) * 1000, reboot_cb,
                    "BootNotification Pending at CSMS");
        return;
    case OCPP_BOOT_REJECTED:
        ch->rt->m.boots_rejected++;
        sim__set_error(ch, "BootNotification Rejected by CSMS");
        retry_later(ch, (uint64_t)(r.interval > 0 ? r.interval : 1) * 1000, reboot_cb, NULL);
        return;
    }
}

/* The BootNotification completed: accepted, to be retried, or (no answer) the
 * connection goes and the charger reconnects and boots again. */
static void boot_done(struct sim_call *c, const struct sim_call_answer *a)
{
    struct sim_charger *ch = c->data;

    switch (a->outcome) {
    case SIM_CALL_RESULT:
        on_boot_result(ch, a->payload);
        return;
    case SIM_CALL_ERROR:
        ch->rt->m.boots_errors++;
        sim__set_error(ch, "BootNotification answered CallError %s: %s", a->error_code,
                  a->error_description);
        retry_later(ch, sim__boot_backoff_ms(ch) + 1000, reboot_cb, NULL);
        return;
    case SIM_CALL_TIMEOUT:
        sim__set_error(ch, "BootNotification: no response from CSMS within %llu s",
                  (unsigned long long)(ch->rpc.timeout_ms / 1000));
        sim__ws_close(&ch->ws);      /* reconnect and boot again */
        return;
    case SIM_CALL_DROPPED:
        return;
    }
}


void sim__boot_reconnect_later(struct sim_charger *ch, uint64_t delay_ms)
{
    retry_later(ch, delay_ms, reconnect_cb, NULL);
}

void sim__boot_first_connect_in(struct sim_charger *ch, uint64_t delay_ms)
{
    timer_arm(ch, delay_ms, reconnect_cb);
}

void sim__boot_heartbeat_restart(struct sim_charger *ch)
{
    uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
}

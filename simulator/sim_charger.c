/* One simulated charge point: state + two embedded timers + one websocket on the loop.
 * Connect (paced by the runtime) → BootNotification → Accepted: StatusNotification for
 * every connector, then Heartbeat at the CSMS's interval; Pending/Rejected: boot again
 * after the interval; connection lost: reconnect with exponential backoff and jitter.
 * Version differences come only through ch->version (protocol/ocpp_version.h). */
#include "sim_internal.h"

#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/socket.h>
#include <string.h>

#include "cf_log.h"

#define RX_KEEP_MAX 4096
#define TX_MESSAGE_ATTEMPTS 3   /* a session message unanswered this often is given up */

static void charger_maybe_free(struct sim_charger *ch);
static void send_next_call(struct sim_charger *ch);
static void conn_lost(struct sim_charger *ch, const char *reason);
static void send_statuses(struct sim_charger *ch, int only);
static void close_if_drained(struct sim_charger *ch);

static uint32_t rand_u32(void)
{
    uint32_t v = 0;
    RAND_bytes((unsigned char *)&v, sizeof v);
    return v;
}

/* Exponential backoff with jitter: base * 2^(attempt-1), capped, then a random point in
 * [delay/2, delay] so a CSMS restart does not see every charger at the same instant. */
static uint64_t backoff_ms(const struct sim_charger *ch)
{
    const struct sim_runtime_opts *o = &ch->rt->opts;
    uint64_t lo = (uint64_t)(ch->backoff_min_ms ? ch->backoff_min_ms : o->backoff_min_ms);
    uint64_t hi = (uint64_t)(ch->backoff_max_ms ? ch->backoff_max_ms : o->backoff_max_ms);
    uint64_t d = lo;
    for (int i = 1; i < ch->attempts && d < hi; i++)
        d *= 2;
    if (d > hi)
        d = hi;
    return d / 2 + (d / 2 ? rand_u32() % (d / 2 + 1) : 0);
}

static void set_error(struct sim_charger *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(struct sim_charger *ch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[200];
    vsnprintf(buf, sizeof buf, fmt, ap);
    free(ch->last_error);
    ch->last_error = strdup(buf);
    va_end(ap);
}

void sim_log_event(struct sim_charger *ch, const char *event, const char *fmt, ...)
{
    char detail[300];
    va_list ap;

    if (!ch->rt->ev.log)
        return;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    struct sim_log e = {event, NULL, NULL, NULL, detail, strlen(detail)};
    ch->rt->ev.log(ch, &e, ch->rt->ev_arg);
}

static void log_frame(struct sim_charger *ch, const char *dir, const char *action,
                      const char *id, const char *text, size_t len)
{
    sim_metrics_frame(&ch->rt->m, dir, action);
    if (!ch->rt->ev.log)
        return;
    struct sim_log e = {"frame", dir, action, id, text, len};
    ch->rt->ev.log(ch, &e, ch->rt->ev_arg);
}

/* The precise reason of a failing connection attempt (NULL fmt: none); kept off the
 * charger's struct until there is one. */
static void set_conn_error(struct sim_charger *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_conn_error(struct sim_charger *ch, const char *fmt, ...)
{
    free(ch->conn_error);
    ch->conn_error = NULL;
    if (!fmt)
        return;
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ch->conn_error = strdup(buf);
}

/* Sends a frame (text is taken); id and action say what it is. On an open websocket
 * with nothing waiting before it, it is written at once: asking for WRITEABLE first
 * costs two changes of the socket's poll set per frame, and lws's libuv glue
 * re-registers the fd with epoll at each (uv_poll_start): strace of serve booting
 * 10,000, epoll_ctl calls per charger 21 -> 12. lws buffers what the kernel does not
 * take and sends it before anything written later (lws_write, "Truncated Writes";
 * lws_issue_raw appends to its buffer while one is pending). Otherwise the frame waits
 * for WRITEABLE. */
static void tx_push(struct sim_charger *ch, char *text, const char *id, const char *action)
{
    if (!text)
        return;
    if (!sim_may_send(ch->rt)) {    /* fenced: this runtime may not speak for it now */
        CF_CLOG_DEBUG(ch->identity, "not sent (lease not renewed): %s", text);
        free(text);
        return;
    }
    size_t len = strlen(text);
    log_frame(ch, "out", action, id, text, len);
    CF_CLOG_DEBUG(ch->identity, "-> %s", text);
    struct sim_out *o = malloc(sizeof *o + LWS_PRE + len);
    o->next = NULL;
    o->len = len;
    memcpy(o->buf + LWS_PRE, text, len);
    free(text);
    if (ch->wsi && !ch->tx_head && !ch->want_close && !lws_partial_buffered(ch->wsi) &&
        (ch->state == SIM_BOOTING || ch->state == SIM_ACCEPTED)) {
        int w = lws_write(ch->wsi, o->buf + LWS_PRE, len, LWS_WRITE_TEXT);
        free(o);
        if (w < (int)len) {          /* the socket failed: close, as WRITEABLE would */
            set_conn_error(ch, "websocket write failed");
            lws_set_timeout(ch->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
        return;
    }
    if (ch->tx_tail)
        ch->tx_tail->next = o;
    else
        ch->tx_head = o;
    ch->tx_tail = o;
    if (ch->wsi)
        lws_callback_on_writable(ch->wsi);
}

static void call_free(struct sim_call *c)
{
    json_decref(c->payload);
    free(c);
}

/* The outstanding CALL is answered (or given up): it goes. */
static void out_done(struct sim_charger *ch)
{
    if (ch->out)
        call_free(ch->out);
    ch->out = NULL;
    ch->out_id[0] = '\0';
}

/* Ends a websocket session's state. With keep_tx (the connection was lost), session
 * messages stay queued in order, the unanswered one first, to be delivered after the
 * next accepted boot: an offline charger loses no transaction message. */
static void clear_session(struct sim_charger *ch, int keep_tx)
{
    while (ch->tx_head) {
        struct sim_out *o = ch->tx_head;
        ch->tx_head = o->next;
        free(o);
    }
    ch->tx_tail = NULL;
    struct sim_call *c = ch->calls_head;
    if (ch->out) {                    /* the unanswered CALL goes first */
        ch->out->next = c;
        c = ch->out;
        ch->out = NULL;
        ch->queued++;
    }
    ch->calls_head = ch->calls_tail = NULL;
    while (c) {
        struct sim_call *next = c->next;
        if (keep_tx && c->serial) {
            c->next = NULL;
            if (ch->calls_tail)
                ch->calls_tail->next = c;
            else
                ch->calls_head = c;
            ch->calls_tail = c;
        } else {
            call_free(c);
            ch->queued--;
        }
        c = next;
    }
    out_done(ch);
    free(ch->rx);
    ch->rx = NULL;
    ch->rx_len = ch->rx_cap = 0;
    ch->out_deadline = 0;
}

/* Queues a CALL; only one is outstanding at a time (OCPP-J), the rest wait in order. */
void sim_call(struct sim_charger *ch, const char *action, json_t *payload, int conn,
              unsigned serial)
{
    struct sim_call *c = malloc(sizeof *c);
    c->next = NULL;
    c->action = action;
    c->payload = payload;
    c->conn = conn;
    c->serial = serial;
    c->attempts = 0;
    if (ch->queued >= SIM_QUEUE_MAX && ch->calls_head) {   /* bounded: the oldest goes */
        struct sim_call *old = ch->calls_head;
        ch->calls_head = old->next;
        if (!ch->calls_head)
            ch->calls_tail = NULL;
        ch->dropped++;
        CF_CLOG_WARN(ch->identity, "queue full (%d messages): %s dropped (%lu so far)",
                    SIM_QUEUE_MAX, old->action, ch->dropped);
        call_free(old);
        ch->queued--;
    }
    ch->queued++;
    if (!strcmp(action, "BootNotification")) {   /* a boot goes before everything */
        c->next = ch->calls_head;
        ch->calls_head = c;
        if (!ch->calls_tail)
            ch->calls_tail = c;
    } else {
        if (ch->calls_tail)
            ch->calls_tail->next = c;
        else
            ch->calls_head = c;
        ch->calls_tail = c;
    }
    send_next_call(ch);
}

/* After a Reset: close once every frame is written and every CALL answered. */
static void close_if_drained(struct sim_charger *ch)
{
    if (!ch->close_after_tx || ch->tx_head || ch->out || ch->calls_head)
        return;
    ch->close_after_tx = 0;
    ch->want_close = 1;
    if (ch->wsi)
        lws_callback_on_writable(ch->wsi);
}

static void call(struct sim_charger *ch, const char *action, json_t *payload)
{
    sim_call(ch, action, payload, -1, 0);
}

static int call_timeout(const struct sim_charger *ch)
{
    return ch->call_timeout_s ? ch->call_timeout_s : ch->rt->opts.call_timeout_s;
}

/* The outstanding CALL's answer did not come in time (the runtime's deadline sweep
 * calls it: no timer per charger). */
void sim_call_expired(struct sim_charger *ch)
{
    ch->out_deadline = 0;
    if (!ch->out)
        return;
    CF_CLOG_WARN(ch->identity, "%s: no response within %d s", ch->out->action,
                call_timeout(ch));
    if (!strcmp(ch->out->action, "BootNotification")) {
        set_error(ch, "BootNotification: no response from CSMS within %d s",
                  call_timeout(ch));
        ch->want_close = 1;          /* reconnect and boot again */
        if (ch->wsi)
            lws_callback_on_writable(ch->wsi);
        return;
    }
    if (ch->out->serial && ++ch->out->attempts < TX_MESSAGE_ATTEMPTS) {
        /* a session message is not lost to a silent CSMS: it goes again, first */
        struct sim_call *c = ch->out;
        CF_CLOG_WARN(ch->identity, "%s: sending again (attempt %d of %d)", c->action,
                    c->attempts + 1, TX_MESSAGE_ATTEMPTS);
        ch->out = NULL;
        ch->out_id[0] = '\0';
        c->next = ch->calls_head;
        ch->calls_head = c;
        if (!ch->calls_tail)
            ch->calls_tail = c;
        ch->queued++;
        send_next_call(ch);
        return;
    }
    out_done(ch);
    send_next_call(ch);
    close_if_drained(ch);
}

static void send_next_call(struct sim_charger *ch)
{
    if (ch->out || !ch->calls_head || !ch->wsi || ch->want_close)
        return;
    /* before an accepted boot only BootNotification may go (OCPP-J) */
    if (ch->state != SIM_ACCEPTED &&
        (ch->state != SIM_BOOTING || strcmp(ch->calls_head->action, "BootNotification")))
        return;
    struct sim_call *c = ch->calls_head;
    ch->calls_head = c->next;
    if (!ch->calls_head)
        ch->calls_tail = NULL;
    ch->queued--;
    ocpp_msgid_format(ch->out_id, ch->msgid_prefix, ++ch->msgid_seq);
    ch->out = c;
    tx_push(ch, ocpp_frame_call(ch->out_id, c->action, c->payload), ch->out_id, c->action);
    uint64_t to = (uint64_t)call_timeout(ch) * 1000;
    ch->out_deadline = uv_now(ch->rt->loop) + to;
}

static void send_boot(struct sim_charger *ch)
{
    struct ocpp_station_info info = {
        .vendor = ch->vendor, .model = ch->model, .serial = ch->serial,
        .firmware = ch->firmware, .connectors = ch->connectors,
    };
    call(ch, "BootNotification", ch->version->boot_request(&info, ch->boot_reason));
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
    call(ch, "Heartbeat", ch->version->heartbeat_request());
    uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
}

static void reconnect_cb(uv_timer_t *t)
{
    struct sim_charger *ch = t->data;
    if (ch->state != SIM_IDLE || ch->off || !timer_due(ch, reconnect_cb))
        return;
    sim_runtime_want_connect(ch->rt, ch);
}

static void reboot_cb(uv_timer_t *t)
{
    struct sim_charger *ch = t->data;
    if (ch->state != SIM_BOOTING || !timer_due(ch, reboot_cb))
        return;
    send_boot(ch);
}

static void on_boot_result(struct sim_charger *ch, json_t *payload)
{
    struct ocpp_boot_result r;
    char reason[160];
    if (ch->version->boot_result(payload, &r, reason, sizeof reason) != 0) {
        ch->rt->m.boots_errors++;
        set_error(ch, "%s", reason);
        CF_CLOG_WARN(ch->identity, "%s", reason);
        retry_later(ch, backoff_ms(ch) + 1000, reboot_cb, NULL);
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
            call(ch, "SecurityEventNotification",
                 ch->version->security_event(ch->security_pending, ts));
        }
        ch->security_pending = NULL;
        ch->quiet = !ch->live_said;        /* a plain boot: nothing to say */
        send_statuses(ch, -1);
        ch->quiet = 0;
        if (ch->live_said)
            sim_touch(ch);
        uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
        return;
    }
    case OCPP_BOOT_PENDING:
        ch->rt->m.boots_pending++;
        set_error(ch, "BootNotification Pending at CSMS (never Accepted)");
        retry_later(ch, (uint64_t)(r.interval > 0 ? r.interval : 1) * 1000, reboot_cb,
                    "BootNotification Pending at CSMS");
        return;
    case OCPP_BOOT_REJECTED:
        ch->rt->m.boots_rejected++;
        set_error(ch, "BootNotification Rejected by CSMS");
        retry_later(ch, (uint64_t)(r.interval > 0 ? r.interval : 1) * 1000, reboot_cb, NULL);
        return;
    }
}

void sim_answer_error(struct sim_charger *ch, const char *id, enum ocpp_error e,
                         const char *desc)
{
    sim_metrics_call_error(&ch->rt->m, "out", ocpp_error_name(ch->version, e));
    tx_push(ch, ocpp_frame_error(id, ocpp_error_name(ch->version, e), desc, NULL), id,
            ch->in_action);
}

/* ---- calls from the CSMS: the generic work (parse, answer, errors) is done here,
 * the version-specific reading in the version table ---- */

void sim_answer(struct sim_charger *ch, const char *id, json_t *payload)
{
    tx_push(ch, ocpp_frame_result(id, payload), id, ch->in_action);
    json_decref(payload);
}

void sim_charger_answer(struct sim_charger *ch, const char *id, json_t *payload)
{
    sim_answer(ch, id, payload);
}

int sim_targets(const struct sim_charger *ch, struct ocpp_status_target *all)
{
    return ch->version->status_targets(ch->connectors, all, SIM_MAX_TARGETS);
}

int sim_find_target(const struct sim_charger *ch, int evse_id, int connector_id)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim_targets(ch, all);

    for (int i = 0; i < n; i++) {
        if (all[i].evse_id == 0 ? all[i].connector_id == evse_id
                                : all[i].evse_id == evse_id &&
                                      (connector_id == 0 || all[i].connector_id == connector_id))
            return i;
    }
    return -1;
}

void sim_send_status(struct sim_charger *ch, int t, enum ocpp_connector_status st)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    char ts[25];

    if (t < 0 || t >= sim_targets(ch, all))
        return;
    cf_now_rfc3339(ts);
    call(ch, "StatusNotification", ch->version->status_request(&all[t], st, ts));
    sim_touch(ch);
}

/* Sends StatusNotification for target `only`, or every target when only < 0: what its
 * session makes it, else Available, or Unavailable when the CSMS made it Inoperative. */
static void send_statuses(struct sim_charger *ch, int only)
{
    struct ocpp_status_target all[SIM_MAX_TARGETS];
    int n = sim_targets(ch, all);

    for (int i = 0; i < n; i++) {
        if (only < 0 || i == only)
            sim_send_status(ch, i, sim_tx_status(ch, i));
    }
}

void sim_power(struct sim_charger *ch, int on)
{
    if (!on) {
        ch->off = 1;
        uv_timer_stop(&ch->timer);
        if (ch->state == SIM_BOOTING || ch->state == SIM_ACCEPTED) {
            ch->close_after_tx = 1;   /* its last words (session ends) go first */
            close_if_drained(ch);
        }
        return;
    }
    ch->off = 0;
    ch->boot_reason = OCPP_BOOT_POWER_UP;
    ch->security_pending = "StartupOfTheDevice";
    if (ch->state == SIM_IDLE) {
        uv_timer_stop(&ch->timer);
        sim_runtime_want_connect(ch->rt, ch);
    }
}

void sim_idle_now(struct sim_charger *ch)
{
    if (ch->reset_when_idle && sim_tx_count(ch, -1) == 0) {
        ch->reset_when_idle = 0;
        CF_CLOG_INFO(ch->identity, "idle: the scheduled reset reboots now");
        sim_reboot(ch, OCPP_BOOT_REMOTE_RESET);
    }
}

void sim_reboot(struct sim_charger *ch, enum ocpp_boot_reason why)
{
    ch->boot_reason = why;
    ch->security_pending = "ResetOrReboot";
    if (ch->state != SIM_BOOTING && ch->state != SIM_ACCEPTED)
        return;                       /* offline: it boots when it connects */
    ch->close_after_tx = 1;
    close_if_drained(ch);
}

/* Reset: accepted for the whole charge point (an EVSE alone: Rejected). The answer is
 * written, the websocket closed, and the charger reconnects and boots again (2.0.1
 * reason RemoteReset), as a real one does after a reboot. */
static void csms_reset(struct sim_charger *ch, struct ocpp_frame *f)
{
    struct ocpp_reset_req r;
    char reason[160];
    enum ocpp_error e = ch->version->reset_parse(f->payload, &r, reason, sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    if (r.evse_id != 0) {
        sim_answer(ch, f->id, ocpp_status_payload("Rejected"));
        return;
    }
    if (r.kind == OCPP_RESET_SOFT && ch->version->soft_reset_waits && sim_tx_count(ch, -1)) {
        /* 2.0.1 OnIdle: Scheduled, the reboot comes when the last session has ended */
        sim_answer(ch, f->id, ocpp_status_payload("Scheduled"));
        ch->reset_when_idle = 1;
        CF_CLOG_INFO(ch->identity, "reset scheduled: once the sessions have ended");
        return;
    }
    sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
    CF_CLOG_INFO(ch->identity, "%s reset requested by the CSMS: rebooting",
                r.kind == OCPP_RESET_HARD ? "hard" : "soft");
    sim_tx_end_all(ch, r.kind == OCPP_RESET_HARD ? OCPP_CAUSE_HARD_RESET
                                                 : OCPP_CAUSE_SOFT_RESET);
    sim_reboot(ch, OCPP_BOOT_REMOTE_RESET);
}

/* TriggerMessage: BootNotification, Heartbeat, StatusNotification, MeterValues,
 * (2.0.1) TransactionEvent, the firmware and diagnostics / log status are sent after the
 * answer; the certificate messages are answered NotImplemented. */
static void csms_trigger(struct sim_charger *ch, struct ocpp_frame *f)
{
    struct ocpp_trigger_req r;
    char reason[160];
    enum ocpp_error e = ch->version->trigger_parse(f->payload, &r, reason, sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    switch (r.what) {
    case OCPP_TRIGGER_OTHER:
        sim_answer(ch, f->id, ocpp_status_payload("NotImplemented"));
        return;
    case OCPP_TRIGGER_BOOT:
        sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
        ch->boot_reason = OCPP_BOOT_TRIGGERED;
        send_boot(ch);
        return;
    case OCPP_TRIGGER_HEARTBEAT:
        sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
        call(ch, "Heartbeat", ch->version->heartbeat_request());
        return;
    case OCPP_TRIGGER_STATUS:
    case OCPP_TRIGGER_METER_VALUES:
    case OCPP_TRIGGER_TX_EVENT: {
        int t = r.evse_id == 0 ? -1 : sim_find_target(ch, r.evse_id, r.connector_id);
        int sessions = r.what == OCPP_TRIGGER_TX_EVENT ? sim_tx_count(ch, t) : 1;
        if ((r.evse_id != 0 && t < 0) || sessions == 0) {   /* no such EVSE, no session */
            sim_answer(ch, f->id, ocpp_status_payload("Rejected"));
            return;
        }
        sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
        if (r.what == OCPP_TRIGGER_STATUS)
            send_statuses(ch, t);
        else
            sim_tx_triggered(ch, t, r.what == OCPP_TRIGGER_TX_EVENT);
        return;
    }
    case OCPP_TRIGGER_FIRMWARE_STATUS:
    case OCPP_TRIGGER_DIAG_STATUS:       /* nothing running: Idle */
        sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
        call(ch, r.what == OCPP_TRIGGER_FIRMWARE_STATUS ? "FirmwareStatusNotification"
                                                        : ch->version->diagnostics_status_action,
             ocpp_progress_payload("Idle", -1));
        return;
    }
}

/* ChangeAvailability: the whole charge point or one connector / EVSE becomes
 * (in)operative; its StatusNotification says Unavailable / Available. A connector in a
 * session is Scheduled: it becomes Inoperative when the session ends. */
static void csms_availability(struct sim_charger *ch, struct ocpp_frame *f)
{
    struct ocpp_unit_req r;
    char reason[160];
    enum ocpp_error e = ch->version->availability_parse(f->payload, &r, reason, sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    int t = r.evse_id == 0 ? -1 : sim_find_target(ch, r.evse_id, r.connector_id);
    if (r.evse_id != 0 && t < 0) {
        sim_answer(ch, f->id, ocpp_status_payload("Rejected"));
        return;
    }
    uint64_t bits = t < 0 ? ~UINT64_C(0) : UINT64_C(1) << t, busy = 0;
    for (int i = 0; i < SIM_MAX_TARGETS; i++)
        busy |= (bits >> i & 1) && sim_tx_busy(ch, i) ? UINT64_C(1) << i : 0;
    if (r.operative) {
        ch->unavailable &= ~bits;
        ch->unavailable_pending &= ~bits;
    } else {       /* a connector in a session becomes Inoperative when it ends */
        ch->unavailable |= bits & ~busy;
        ch->unavailable_pending |= busy;
    }
    sim_answer(ch, f->id, ocpp_status_payload(!r.operative && busy ? "Scheduled" : "Accepted"));
    for (int i = 0; i < SIM_MAX_TARGETS; i++) {
        if ((bits >> i & 1) && !(busy >> i & 1))
            send_statuses(ch, i);
    }
}

/* UnlockConnector: no cable is locked while no session runs: Unlocked. During a
 * session 1.6 stops it and unlocks; 2.0.1 refuses (OngoingAuthorizedTransaction). */
static void csms_unlock(struct sim_charger *ch, struct ocpp_frame *f)
{
    struct ocpp_unit_req r;
    char reason[160];
    enum ocpp_error e = ch->version->unlock_parse(f->payload, &r, reason, sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    int t = r.evse_id > 0 ? sim_find_target(ch, r.evse_id, r.connector_id) : -1;
    if (t >= 0 && sim_tx_busy(ch, t) && ch->version->unlock_busy) {
        sim_answer(ch, f->id, ocpp_status_payload(ch->version->unlock_busy));
        return;
    }
    sim_answer(ch, f->id, ocpp_status_payload(t < 0 ? ch->version->unlock_unknown : "Unlocked"));
    if (t >= 0)                /* 1.6: unlocking ends the session */
        sim_tx_end(ch, t, OCPP_CAUSE_UNLOCK);
}

/* ClearCache: there is no authorization cache yet, so it is clear. */
static void csms_clear_cache(struct sim_charger *ch, struct ocpp_frame *f)
{
    sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
}

/* DataTransfer: no vendor extension is known to this charge point. */
static void csms_data_transfer(struct sim_charger *ch, struct ocpp_frame *f)
{
    if (!json_is_string(json_object_get(f->payload, "vendorId"))) {
        sim_answer_error(ch, f->id, OCPP_ERR_OCCURRENCE_CONSTRAINT, "vendorId: required");
        return;
    }
    sim_answer(ch, f->id, ocpp_status_payload("UnknownVendorId"));
}

/* ---- configuration: the charger's values behind the version's
 * GetConfiguration / ChangeConfiguration or GetVariables / SetVariables ---- */

/* What a charger starts with (HeartbeatInterval and NumberOfConnectors are live). */
static const char *const setting_defaults[OCPP_CFG__COUNT] = {
    [OCPP_CFG_CONNECTION_TIMEOUT] = "60",
    [OCPP_CFG_METER_SAMPLE_INTERVAL] = "60",
    [OCPP_CFG_CLOCK_ALIGNED_INTERVAL] = "0",
    [OCPP_CFG_METER_SAMPLED_DATA] = "Energy.Active.Import.Register",
    [OCPP_CFG_SUPPORTED_PROFILES] = "Core,RemoteTrigger",
    [OCPP_CFG_AUTHORIZE_REMOTE] = "false",
    [OCPP_CFG_LOCAL_AUTHORIZE_OFFLINE] = "true",
    [OCPP_CFG_LOCAL_PRE_AUTHORIZE] = "false",
    [OCPP_CFG_STOP_ON_EV_DISCONNECT] = "true",
    [OCPP_CFG_UNLOCK_ON_EV_DISCONNECT] = "true",
    [OCPP_CFG_WEBSOCKET_PING_INTERVAL] = "0",
    [OCPP_CFG_RESET_RETRIES] = "1",
    [OCPP_CFG_GET_CONFIGURATION_MAX_KEYS] = "50",
};

static void setting_get(void *arg, enum ocpp_config_id id, char *buf, size_t n)
{
    sim_setting_get(arg, id, buf, n);
}

void sim_setting_get(const struct sim_charger *ch, enum ocpp_config_id id, char *buf, size_t n)
{
    if (id == OCPP_CFG_HEARTBEAT_INTERVAL) {
        snprintf(buf, n, "%d", ch->heartbeat_s > 0 ? ch->heartbeat_s
                                                   : ch->rt->opts.default_heartbeat_s);
        return;
    }
    if (id == OCPP_CFG_NUMBER_OF_CONNECTORS) {
        snprintf(buf, n, "%d", ch->connectors);
        return;
    }
    for (struct sim_setting *s = ch->settings; s; s = s->next) {
        if (s->id == id) {
            snprintf(buf, n, "%s", s->value);
            return;
        }
    }
    snprintf(buf, n, "%s", setting_defaults[id] ? setting_defaults[id] : "");
}

/* A new HeartbeatInterval takes effect at once; other values are kept for GET. */
static int setting_set(void *arg, enum ocpp_config_id id, const char *value)
{
    struct sim_charger *ch = arg;

    if (id == OCPP_CFG_HEARTBEAT_INTERVAL) {
        ch->heartbeat_s = atoi(value);
        if (ch->state == SIM_ACCEPTED)
            uv_timer_start(&ch->timer, heartbeat_cb, (uint64_t)ch->heartbeat_s * 1000, 0);
        return 0;
    }
    struct sim_setting **pp = &ch->settings;
    while (*pp && (*pp)->id != id)
        pp = &(*pp)->next;
    size_t n = strlen(value) + 1;
    struct sim_setting *s = malloc(sizeof *s + n);
    if (!s)
        return -1;
    s->id = id;
    memcpy(s->value, value, n);
    if (*pp) {
        s->next = (*pp)->next;
        free(*pp);
    } else {
        s->next = NULL;
    }
    *pp = s;
    if (id == OCPP_CFG_METER_SAMPLE_INTERVAL)
        sim_tx_rearm(ch);
    return 0;
}

int sim_setting_change(struct sim_charger *ch, enum ocpp_config_id id, const char *value)
{
    if (ocpp_config_keys[id].readonly || !ocpp_config_value_ok(id, value))
        return -1;
    return setting_set(ch, id, value);
}

static void csms_config(struct sim_charger *ch, struct ocpp_frame *f)
{
    const struct ocpp_config_access a = {setting_get, setting_set, ch};
    enum ocpp_error e = OCPP_ERR_NONE;
    char reason[160];
    int set = strcmp(f->action, ch->version->config_set_action) == 0;
    json_t *r = set ? ch->version->config_set(f->payload, &a, &e, reason, sizeof reason)
                    : ch->version->config_get(f->payload, &a, &e, reason, sizeof reason);

    if (r)
        sim_answer(ch, f->id, r);
    else
        sim_answer_error(ch, f->id, e, reason);
}

/* GetBaseReport (2.0.1): Accepted, then the device model in NotifyReport parts of
 * REPORT_PART items (tbc on every part but the last, seqNo from 0). */
#define REPORT_PART 8
static void csms_base_report(struct sim_charger *ch, struct ocpp_frame *f)
{
    const struct ocpp_config_access a = {setting_get, setting_set, ch};
    int request_id, base;
    char reason[160], ts[25];
    enum ocpp_error e = ch->version->report_parse(f->payload, &request_id, &base, reason,
                                                  sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
    json_t *all = ch->version->report_data(&a, base);
    size_t n = json_array_size(all);
    cf_now_rfc3339(ts);
    for (size_t i = 0, seq = 0; i < n; i += REPORT_PART, seq++) {
        json_t *part = json_array();
        for (size_t k = i; k < i + REPORT_PART && k < n; k++)
            json_array_append(part, json_array_get(all, k));
        call(ch, "NotifyReport", ch->version->notify_report(request_id, ts, (int)seq,
                                                           i + REPORT_PART < n, part));
    }
    json_decref(all);
}

/* Calls the charge point answers: by name, or (action NULL) by the name the version
 * table holds at name_at, for the calls the two versions name differently. */
static const struct {
    const char *action;
    size_t name_at;
    void (*fn)(struct sim_charger *ch, struct ocpp_frame *f);
} csms_calls[] = {
    {"Reset", 0, csms_reset},
    {"TriggerMessage", 0, csms_trigger},
    {"ChangeAvailability", 0, csms_availability},
    {"UnlockConnector", 0, csms_unlock},
    {"ClearCache", 0, csms_clear_cache},
    {"DataTransfer", 0, csms_data_transfer},
    {"SetChargingProfile", 0, sim_profile_csms_set},
    {"ClearChargingProfile", 0, sim_profile_csms_clear},
    {"GetCompositeSchedule", 0, sim_profile_csms_composite},
    {"GetChargingProfiles", 0, sim_profile_csms_get},
    {"GetBaseReport", 0, csms_base_report},
    {"ReserveNow", 0, sim_reserve_csms_reserve},
    {"CancelReservation", 0, sim_reserve_csms_cancel},
    {"SendLocalList", 0, sim_local_csms_send},
    {"GetLocalListVersion", 0, sim_local_csms_version},
    {"UpdateFirmware", 0, sim_progress_csms_firmware},
    {NULL, offsetof(struct ocpp_version, diagnostics_action), sim_progress_csms_diagnostics},
    {NULL, offsetof(struct ocpp_version, config_get_action), csms_config},
    {NULL, offsetof(struct ocpp_version, config_set_action), csms_config},
    {NULL, offsetof(struct ocpp_version, remote_start_action), sim_tx_remote_start},
    {NULL, offsetof(struct ocpp_version, remote_stop_action), sim_tx_remote_stop},
};

static int csms_call_is(const struct sim_charger *ch, size_t k, const char *action)
{
    const char *name = csms_calls[k].action;

    if (!name)
        name = *(const char *const *)((const char *)ch->version + csms_calls[k].name_at);
    return strcmp(name, action) == 0;
}

static void on_message(struct sim_charger *ch, const char *buf, size_t len)
{
    struct ocpp_frame f;
    char reason[160];
    CF_CLOG_DEBUG(ch->identity, "<- %.*s", (int)len, buf);
    enum ocpp_error e = ocpp_frame_parse(buf, len, &f, reason, sizeof reason);
    int answers_out = e == OCPP_ERR_NONE && f.type != OCPP_CALL && ch->out &&
                      !strcmp(f.id, ch->out_id);
    log_frame(ch, "in", e != OCPP_ERR_NONE ? NULL : f.type == OCPP_CALL ? f.action
                        : answers_out ? ch->out->action : NULL, f.id, buf, len);
    if (e != OCPP_ERR_NONE) {
        CF_CLOG_WARN(ch->identity, "malformed frame from CSMS: %s", reason);
        if (f.id[0])
            sim_answer_error(ch, f.id, e, reason);
        return;
    }
    switch (f.type) {
    case OCPP_CALL: {
        size_t k = 0;
        ch->in_action = f.action;      /* for the log of the answer */
        while (k < sizeof csms_calls / sizeof csms_calls[0] && !csms_call_is(ch, k, f.action))
            k++;
        const struct ocpp_action *known = ocpp_version_action(ch->version, f.action);
        if (ch->rt->ev.csms_call &&
            ch->rt->ev.csms_call(ch, f.action, f.id, f.payload, ch->rt->ev_arg)) {
            /* the owner answered in the charger's place */
        } else if (k < sizeof csms_calls / sizeof csms_calls[0] && known &&
                   known->direction != OCPP_CP_TO_CSMS) {
            csms_calls[k].fn(ch, &f);
        } else {
            /* Not implemented yet: say so, never stay silent (the CSMS would otherwise
             * wait for its own timeout). */
            char desc[160];
            snprintf(desc, sizeof desc, "%s is not implemented by this charge point",
                     f.action);
            sim_answer_error(ch, f.id, OCPP_ERR_NOT_IMPLEMENTED, desc);
        }
        ch->in_action = NULL;
        break;
    }
    case OCPP_CALLRESULT:
    case OCPP_CALLERROR:
        if (!ch->out_id[0] || strcmp(f.id, ch->out_id) != 0) {
            CF_CLOG_WARN(ch->identity, "response to unknown message id %s dropped", f.id);
            break;
        }
        ch->out_deadline = 0;
        struct sim_call *c = ch->out;
        const char *action = c->action;
        ch->out = NULL;
        ch->out_id[0] = '\0';
        if (f.type == OCPP_CALLERROR) {
            sim_metrics_call_error(&ch->rt->m, "in", f.error_code);
            CF_CLOG_WARN(ch->identity, "%s answered CallError %s: %s", action, f.error_code,
                        f.error_description);
            if (!strcmp(action, "BootNotification")) {
                ch->rt->m.boots_errors++;
                set_error(ch, "BootNotification answered CallError %s: %s", f.error_code,
                          f.error_description);
                retry_later(ch, backoff_ms(ch) + 1000, reboot_cb, NULL);
            }
        } else if (!strcmp(action, "BootNotification")) {
            on_boot_result(ch, f.payload);
        }
        if (c->conn >= 0)      /* Authorize or a session message: NULL payload = refused */
            sim_tx_answer(ch, action, c->conn, c->serial,
                          f.type == OCPP_CALLRESULT ? f.payload : NULL);
        call_free(c);
        send_next_call(ch);
        close_if_drained(ch);
        break;
    }
    ocpp_frame_clear(&f);
}

/* A connection attempt or session ended (error, close, or destroy): runs once per
 * attempt, then schedules the reconnect unless the charger is stopping. */
static void conn_lost(struct sim_charger *ch, const char *reason)
{
    struct sim_runtime *rt = ch->rt;
    enum sim_state was = ch->state;
    if (was == SIM_CONNECTING) {
        sim_runtime_connect_done(rt, ch);
        rt->m.connect_failures++;
    }
    if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
        rt->m.disconnects++;
        rt->connected--;
        if (rt->ev.connection)
            rt->ev.connection(ch, 0, rt->ev_arg);
    }
    if (reason && was != SIM_STOPPING)
        set_error(ch, "%s", reason);
    clear_session(ch, 1);
    ch->want_close = 0;
    ch->close_after_tx = 0;
    if (was == SIM_STOPPING)
        return;
    ch->state = SIM_IDLE;
    ch->attempts++;                  /* reset when a websocket comes up */
    if (was == SIM_ACCEPTED)
        CF_CLOG_INFO(ch->identity, "connection lost: %s", reason ? reason : "closed");
    if (ch->off) {                    /* switched off (REST stop-runtime): stays away */
        sim_log_event(ch, "disconnected", "switched off");
        sim_touch(ch);
        return;
    }
    uint64_t delay = backoff_ms(ch);
    if (ch->live_said)
        sim_touch(ch);            /* else the connected column says it */
    sim_log_event(ch, was == SIM_CONNECTING ? "connect_failed" : "disconnected",
                  "%s; reconnect in %llu ms (attempt %d)", reason ? reason : "closed",
                  (unsigned long long)delay, ch->attempts);
    retry_later(ch, delay, reconnect_cb, NULL);
}

/* Turns the text libwebsockets gives for a failed connect into a precise reason. */
static void connect_error_reason(struct sim_charger *ch, struct lws *wsi, const char *in,
                                 char *out, size_t n)
{
    unsigned int status = wsi ? lws_http_client_http_response(wsi) : 0;
    int fd = wsi ? (int)lws_get_socket_fd(wsi) : -1, soerr = 0;
    socklen_t slen = sizeof(soerr);

    /* lws 4.1 says only "closed before established" for a failed TCP connect: the
     * socket's pending error says what happened. */
    if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == 0 && soerr)
        CF_CLOG_DEBUG(ch->identity, "connect: socket error %d", soerr);
    if (soerr == ECONNREFUSED)
        snprintf(out, n, "connect: connection refused");
    else if (soerr == ETIMEDOUT)
        snprintf(out, n, "connect: timed out");
    else if (soerr == EHOSTUNREACH || soerr == ENETUNREACH)
        snprintf(out, n, "connect: %s", strerror(soerr));
    else if (status && status != 101)
        snprintf(out, n, "websocket handshake: HTTP %u", status);
    else if (in && strstr(in, "refused"))
        snprintf(out, n, "connect: connection refused");
    else if (in && (strstr(in, "timed out") || strstr(in, "timeout")))
        snprintf(out, n, "connect: timed out");
    else if (in && (strstr(in, "resolve") || strstr(in, "DNS") || strstr(in, "getaddrinfo")))
        snprintf(out, n, "connect: cannot resolve host");
    else
        snprintf(out, n, "connect: %s", in && *in ? in : "failed");
}

static int client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    struct sim_charger *ch = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    char msg[200];

    if (!ch)
        return lws_callback_http_dummy(wsi, reason, user, in, len);

    switch ((int)reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
        if (!len) {
            X509_STORE_CTX *x = user;
            int err = X509_STORE_CTX_get_error(x);
            set_conn_error(ch, "TLS: certificate verify failed: %s",
                           X509_verify_cert_error_string(err));
        }
        return 0;

    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        if (ch->password) {     /* security profiles 1 and 2: HTTP basic auth */
            unsigned char **p = in, *end = *p + len;
            char cred[256], b64[400], hdr[420];
            int n = snprintf(cred, sizeof cred, "%s:%s", ch->identity, ch->password);
            if (n < 0 || n >= (int)sizeof cred ||
                lws_b64_encode_string(cred, n, b64, sizeof b64) < 0)
                return -1;
            snprintf(hdr, sizeof hdr, "Basic %s", b64);
            if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                             (unsigned char *)hdr, (int)strlen(hdr), p, end))
                return -1;
        }
        return 0;

    case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH: {
        char proto[64] = "";
        int n = lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL);
        if (n <= 0 || strcmp(proto, ch->version->subprotocol) != 0) {
            set_conn_error(ch, "websocket handshake: CSMS did not agree subprotocol %s%s%s%s",
                     ch->version->subprotocol, n > 0 ? " (it chose " : "", n > 0 ? proto : "",
                     n > 0 ? ")" : "");
            return 1;
        }
        return 0;
    }

    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (ch->state == SIM_STOPPING)  /* stopped while connecting: the handshake won */
            return -1;                  /* the race; close (its slot was given back) */
        if (ch->off) {                /* switched off while connecting */
            set_conn_error(ch, "switched off");
            return -1;
        }
        sim_log_event(ch, "connected", "websocket up (%s, %s)", ch->ws_url,
                      ch->version->subprotocol);
        sim_runtime_connect_done(ch->rt, ch);
        sim_metrics_connected(&ch->rt->m, uv_now(ch->rt->loop), ch->was_connected);
        ch->was_connected = 1;
        ch->state = SIM_BOOTING;
        ch->attempts = 0;
        set_conn_error(ch, NULL);
        ch->rt->connected++;
        if (ch->rt->ev.connection)
            ch->rt->ev.connection(ch, 1, ch->rt->ev_arg);
        if (ch->state == SIM_BOOTING)
            send_boot(ch);
        return 0;

    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (ch->rx_len + len + 1 > ch->rx_cap) {
            size_t cap = ch->rx_cap ? ch->rx_cap : 1024;
            while (cap < ch->rx_len + len + 1)
                cap *= 2;
            ch->rx = realloc(ch->rx, cap);
            ch->rx_cap = cap;
        }
        memcpy(ch->rx + ch->rx_len, in, len);
        ch->rx_len += len;
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            ch->rx[ch->rx_len] = '\0';
            size_t n = ch->rx_len;
            ch->rx_len = 0;
            on_message(ch, ch->rx, n);
            if (ch->rx_cap > RX_KEEP_MAX) {
                free(ch->rx);
                ch->rx = NULL;
                ch->rx_cap = 0;
            }
        }
        return 0;

    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        if (ch->want_close) {
            /* A polite close (close frame 1001, then the CSMS's echo, then the socket
             * closes; lws bounds each step to 5 s). Not `return -1`: this lws build
             * (_DEBUG) closes a wsi twice after a callback's -1, and the second close
             * kills the socket before the close frame is written: the CSMS saw 1006.
             * Here nothing is buffered (WRITEABLE comes after lws flushed), so
             * lws_close_free_wsi takes the close-frame path; it frees nothing now.
             * want_close stays set: nothing more is written on this websocket. */
            lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY, NULL, 0);
            lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
            return 0;
        }
        struct sim_out *o = ch->tx_head;
        if (!o || !sim_may_send(ch->rt))   /* fenced: the frames wait (and go with it) */
            return 0;
        ch->tx_head = o->next;
        if (!ch->tx_head)
            ch->tx_tail = NULL;
        int w = lws_write(wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT);
        int short_write = w < (int)o->len;
        free(o);
        if (short_write)
            return -1;
        if (ch->tx_head)
            lws_callback_on_writable(wsi);
        else
            close_if_drained(ch);
        return 0;
    }

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (ch->conn_error)
            snprintf(msg, sizeof msg, "%s", ch->conn_error);
        else
            connect_error_reason(ch, wsi, in, msg, sizeof msg);
        conn_lost(ch, msg);
        return 0;

    case LWS_CALLBACK_CLIENT_CLOSED:
        conn_lost(ch, ch->conn_error ? ch->conn_error : "connection closed by CSMS");
        return 0;

    case LWS_CALLBACK_WSI_DESTROY:
        /* The last event of every wsi (NOTES-deps: a CSMS that never sends the 101 gives
         * no CONNECTION_ERROR, only this). */
        if (ch->wsi == wsi) {
            ch->wsi = NULL;
            if (ch->state == SIM_CONNECTING || ch->state == SIM_BOOTING ||
                ch->state == SIM_ACCEPTED)
                conn_lost(ch, ch->conn_error ? ch->conn_error
                                                : "websocket handshake: no answer from CSMS");
            ch->wsi_alive = 0;
            lws_set_opaque_user_data(wsi, NULL);
            charger_maybe_free(ch);
        }
        return 0;

    default:
        return 0;
    }
}

const struct lws_protocols sim_client_protocols[] = {
    /* 1 KiB rx chunks (frames are reassembled): halves the memory per connection */
    {"ocpp-client", client_cb, 0, 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int sim_charger_connect(struct sim_charger *ch)
{
    struct sim_url u;
    struct lws_client_connect_info ci;
    char host_hdr[300];

    if (sim_url_parse(ch->ws_url, ch->identity, &u) != 0) {
        ch->state = SIM_CONNECTING;
        conn_lost(ch, "bad ws_url");
        return 0;
    }
    struct lws_vhost *vh = u.tls ? sim_runtime_vhost(ch->rt, ch->ca_file, ch->cert_file,
                                                     ch->key)
                                 : sim_runtime_vhost(ch->rt, NULL, NULL, NULL);
    if (!vh) {
        ch->state = SIM_CONNECTING;
        conn_lost(ch, ch->ca_file ? "TLS: cannot load the CA file" : "cannot create client");
        return 0;
    }
    if ((u.tls && u.port == 443) || (!u.tls && u.port == 80))
        snprintf(host_hdr, sizeof host_hdr, "%s", u.host);
    else
        snprintf(host_hdr, sizeof host_hdr, "%s:%d", u.host, u.port);

    memset(&ci, 0, sizeof ci);
    ci.context = ch->rt->ctx;
    ci.vhost = vh;
    ci.address = u.host;
    ci.port = u.port;
    ci.path = u.path;
    ci.host = host_hdr;
    ci.origin = host_hdr;
    ci.protocol = ch->version->subprotocol;
    ci.local_protocol_name = "ocpp-client";
    ci.ssl_connection = u.tls ? LCCSCF_USE_SSL : 0;
    ci.opaque_user_data = ch;
    ci.pwsi = &ch->wsi;
    char ping[16];
    sim_setting_get(ch, OCPP_CFG_WEBSOCKET_PING_INTERVAL, ping, sizeof ping);
    int ping_s = atoi(ping);
    if (ping_s > 0 && (ch->ping || (ch->ping = calloc(1, sizeof *ch->ping)))) {
        /* WebSocketPingInterval: a ping after that long without traffic, hang up when
         * nothing comes back (lws: per connection) */
        ch->ping->secs_since_valid_ping = (uint16_t)(ping_s > 30000 ? 30000 : ping_s);
        ch->ping->secs_since_valid_hangup = (uint16_t)(ping_s > 30000 ? 65000 : 2 * ping_s + 5);
        ci.retry_and_idle_policy = ch->ping;
    } else {
        ci.retry_and_idle_policy = &sim_no_idle_check;
    }

    if (ch->rt->n_sources)      /* spread over the source addresses (--source-addresses) */
        ci.iface = ch->rt->sources[ch->rt->next_source++ % ch->rt->n_sources];
    ch->state = SIM_CONNECTING;
    set_conn_error(ch, NULL);
    ch->wsi_alive = 1;
    ch->connect_at = uv_now(ch->rt->loop);
    ch->rt->m.connect_attempts++;
    struct lws *w = lws_client_connect_via_info(&ci);
    if (!w) {
        /* CONNECTION_ERROR may already have run conn_lost (state moved on): do not
         * count the failure twice (NOTES-deps). */
        ch->wsi = NULL;
        ch->wsi_alive = 0;
        if (ch->state == SIM_CONNECTING)
            conn_lost(ch, "connect: cannot start the connection");
        charger_maybe_free(ch);
    }
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct sim_charger *sim_charger_start(struct sim_runtime *rt, const struct sim_charger_cfg *cfg,
                                      void *owner)
{
    struct sim_url u;
    if (sim_url_parse(cfg->ws_url, cfg->identity, &u) != 0)
        return NULL;
    struct sim_charger *ch = calloc(1, sizeof *ch);
    ch->rt = rt;
    ch->owner = owner;
    ch->boot_ms = -1;
    ch->identity = strdup(cfg->identity);
    ch->ws_url = strdup(cfg->ws_url);
    const char *ca = cfg->ca_pem ? sim_runtime_pem_file(rt, cfg->ca_pem) : cfg->ca_file;
    ch->ca_file = dup_or_null(ca);
    if (cfg->security_profile == 3 && cfg->client_cert_pem && cfg->client_key_pem) {
        ch->cert_file = sim_runtime_pem_file(rt, cfg->client_cert_pem);
        ch->key = sim_runtime_key(rt, cfg->client_key_pem);
    }
    if ((cfg->security_profile == 1 || cfg->security_profile == 2) && cfg->password)
        ch->password = strdup(cfg->password);
    json_t *rec = json_object_get(cfg->behavior, "reconnect");
    ch->backoff_min_ms = (int)json_integer_value(json_object_get(rec, "backoff_min_ms"));
    ch->backoff_max_ms = (int)json_integer_value(json_object_get(rec, "backoff_max_ms"));
    ch->call_timeout_s = (int)json_integer_value(json_object_get(cfg->behavior,
                                                                 "call_timeout_s"));
    ch->vendor = dup_or_null(cfg->info.vendor);
    ch->model = dup_or_null(cfg->info.model);
    ch->serial = dup_or_null(cfg->info.serial);
    ch->firmware = dup_or_null(cfg->info.firmware);
    ch->connectors = cfg->info.connectors > 0 ? cfg->info.connectors : 1;
    ch->dc = cfg->dc;
    ch->max_power_w = cfg->max_power_w > 0 ? cfg->max_power_w : ch->dc ? 50000 : 11000;
    ch->version = cfg->version;
    ch->provisioned = cfg->provisioned;
    ch->step_failed = cfg->step_failed;
    ch->msgid_prefix = rand_u32();
    uint64_t delay = cfg->start_delay_ms > 0 ? (uint64_t)cfg->start_delay_ms : 0;
    /* the provision timeout runs from its turn to connect */
    if (!ch->provisioned && !ch->step_failed)
        ch->deadline = uv_now(rt->loop) + delay + (uint64_t)rt->opts.provision_timeout_s * 1000;
    uv_timer_init(rt->loop, &ch->timer);
    ch->timer.data = ch;
    ch->handles_open = 1;
    ch->next = rt->all;
    if (rt->all)
        rt->all->prev = ch;
    rt->all = ch;
    rt->count++;
    ch->state = SIM_IDLE;
    ch->security_pending = "StartupOfTheDevice";
    json_t *ping = json_object_get(cfg->behavior, "ping_interval_s");
    if (ping) {                        /* the template's WebSocketPingInterval */
        char v[16];
        snprintf(v, sizeof v, "%d", (int)json_integer_value(ping));
        setting_set(ch, OCPP_CFG_WEBSOCKET_PING_INTERVAL, v);
    }
    if (json_object_get(cfg->behavior, "sessions"))
        sim_autogen_start(ch, json_object_get(cfg->behavior, "sessions"));
    if (delay)                         /* the job's connect_rate gives it a later turn */
        timer_arm(ch, delay, reconnect_cb);
    else
        sim_runtime_want_connect(rt, ch);
    return ch;
}

static void charger_free(struct sim_charger *ch)
{
    clear_session(ch, 0);
    sim_tx_free(ch);
    sim_profile_free(ch);
    json_decref(ch->local_list);
    while (ch->settings) {
        struct sim_setting *next = ch->settings->next;
        free(ch->settings);
        ch->settings = next;
    }
    free(ch->identity);
    free(ch->ws_url);
    free(ch->ca_file);
    free(ch->password);
    free(ch->last_error);
    free(ch->conn_error);
    free(ch->ping);
    free(ch->vendor);
    free(ch->model);
    free(ch->serial);
    free(ch->firmware);
    free(ch);
}

/* Free late: only when both timers are closed and the wsi is destroyed. */
static void charger_maybe_free(struct sim_charger *ch)
{
    if (ch->state != SIM_STOPPING || ch->handles_open || ch->wsi_alive)
        return;
    if (!ch->gone_sent) {
        ch->gone_sent = 1;
        if (ch->rt->ev.gone)
            ch->rt->ev.gone(ch, ch->rt->ev_arg);
    }
    charger_free(ch);
}

void sim_handle_closed(struct sim_charger *ch)
{
    ch->handles_open--;
    charger_maybe_free(ch);
}

static void timer_closed(uv_handle_t *h)
{
    sim_handle_closed(h->data);
}

void sim_charger_stop(struct sim_charger *ch)
{
    if (ch->state == SIM_STOPPING)
        return;
    sim_runtime_unlink(ch->rt, ch);
    enum sim_state was = ch->state;
    if (was == SIM_CONNECTING)
        sim_runtime_connect_done(ch->rt, ch);
    if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
        ch->rt->connected--;
        if (ch->rt->ev.connection)
            ch->rt->ev.connection(ch, 0, ch->rt->ev_arg);
    }
    ch->state = SIM_STOPPING;
    clear_session(ch, 0);
    uv_timer_stop(&ch->timer);
    uv_close((uv_handle_t *)&ch->timer, timer_closed);
    sim_progress_stop_all(ch);
    sim_autogen_stop(ch);
    if (ch->meter) {
        uv_timer_stop(&ch->meter->timer);
        uv_timer_stop(&ch->meter->res_timer);
        uv_close((uv_handle_t *)&ch->meter->timer, timer_closed);
        uv_close((uv_handle_t *)&ch->meter->res_timer, timer_closed);
    }
    if (ch->wsi) {
        if (was == SIM_BOOTING || was == SIM_ACCEPTED) {
            if (ch->rt->stopping_all) {
                sim_log_event(ch, "disconnected", SIM_CLOSING_STOP);
                CF_CLOG_INFO(ch->identity, SIM_CLOSING_STOP);
            }
            ch->want_close = 1;
            lws_callback_on_writable(ch->wsi);
        } else {
            lws_set_timeout(ch->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
    }
}

int sim_charger_boot_ms(const struct sim_charger *ch)
{
    return ch->boot_ms;
}

void *sim_charger_owner(const struct sim_charger *ch)
{
    return ch->owner;
}

const char *sim_charger_identity(const struct sim_charger *ch)
{
    return ch->identity;
}

const char *sim_charger_last_error(const struct sim_charger *ch)
{
    return ch->last_error ? ch->last_error : "";
}

const char *sim_charger_retry(struct sim_charger *ch)
{
    if (ch->off || ch->state == SIM_STOPPING || ch->state == SIM_ACCEPTED)
        return NULL;
    ch->attempts = 0;                 /* the backoff starts again from its minimum */
    if (ch->state == SIM_IDLE) {
        uv_timer_stop(&ch->timer);
        ch->retry_at = 0;
        sim_runtime_want_connect(ch->rt, ch);
        return "connecting";
    }
    if (ch->state == SIM_BOOTING) {
        if (!ch->out) {               /* waiting to boot again: now */
            uv_timer_stop(&ch->timer);
            ch->retry_at = 0;
            send_boot(ch);
        }
        return "booting";
    }
    return "connecting";              /* waiting for a connect slot, or connecting */
}

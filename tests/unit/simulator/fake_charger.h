/* A charger over a fake transport, for the simulator's unit tests: no network, no lws
 * context. A real struct sim_charger on a real loop (its CALL queue, station, features
 * and dispatch are the production code); its frames are read from the owner's log
 * callback, in order, and the test plays the CSMS. Included by one test file each. */
#ifndef FAKE_CHARGER_H
#define FAKE_CHARGER_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_autogen.h"
#include "sim_dispatch.h"
#include "sim_profile.h"
#include "sim_progress.h"
#include "sim_station.h"
#include "sim_tx.h"

#define FAKE_MAX 64

struct fake_frame {
    char dir[4];                       /* "out" (to the CSMS) or "in" */
    char action[48];                   /* "" when the log gave none */
    char id[OCPP_MSGID_MAX + 1];
    json_t *msg;                       /* the frame, parsed */
};

struct fake {
    uv_loop_t loop;
    struct sim_runtime rt;
    struct sim_charger ch;
    int n;
    struct fake_frame f[FAKE_MAX];
};

static void fake_log(struct sim_charger *ch, const struct sim_log *e, void *arg)
{
    struct fake *fk = arg;
    if (strcmp(e->event, "frame") != 0 || fk->n >= FAKE_MAX)
        return;
    struct fake_frame *f = &fk->f[fk->n++];
    snprintf(f->dir, sizeof f->dir, "%s", e->direction);
    snprintf(f->action, sizeof f->action, "%s", e->action ? e->action : "");
    snprintf(f->id, sizeof f->id, "%s", e->message_id ? e->message_id : "");
    f->msg = json_loadb(e->detail, e->detail_len, 0, NULL);
}

static int fake_can_send(void *arg, enum ocpp_action a)
{
    return 1;
}

static void fake_send(void *arg, char *text, const char *id, enum ocpp_action a)
{
    struct sim_charger *ch = arg;
    sim__send_frame(ch, text, id, ocpp_action_name(ch->version, a));
}

static const struct sim__rpc_ops fake_rpc_ops = {fake_can_send, fake_send};

static void fake_setting_changed(struct sim_charger *ch, enum ocpp_config_id id)
{
    if (id == OCPP_CFG_METER_SAMPLE_INTERVAL)
        sim__tx_rearm(ch);
}

static void fake_handle_closed(struct sim_charger *ch)
{
    ch->handles_open--;
}

static void fake_idle(struct sim_charger *ch)
{
}

/* No runtime pump or sweep runs here: connect and call_expired are never called. */
static const struct sim__hooks fake_hooks = {fake_setting_changed, fake_handle_closed,
                                             fake_idle, fake_idle, sim__tx_limits_changed,
                                             NULL, NULL};

/* An accepted charger of version v with `connectors` connectors. */
static struct fake *fake_new(const struct ocpp_version *v, int connectors)
{
    struct fake *fk = calloc(1, sizeof *fk);
    if (uv_loop_init(&fk->loop) != 0)
        abort();
    fk->rt.loop = &fk->loop;
    sim_runtime_opts_default(&fk->rt.opts);
    sim_metrics_init(&fk->rt.m);
    fk->rt.ev.log = fake_log;
    fk->rt.ev_arg = fk;
    struct sim_charger *ch = &fk->ch;
    ch->rt = &fk->rt;
    ch->hooks = &fake_hooks;
    ch->identity = strdup("CP-FAKE");
    ch->version = v;
    ch->connectors = connectors;
    ch->max_power_w = 11000;
    ch->state = SIM_ACCEPTED;
    ch->heartbeat_s = 300;
    ch->boot_ms = -1;
    sim__ws_init(&ch->ws, NULL, ch);
    sim__rpc_init(&ch->rpc, &fk->loop, &fake_rpc_ops, ch, 0xc0ffee, 30000, v->actions,
                  ch->identity);
    return fk;
}

/* Frees the charger as sim_charger_stop would (its timers closed by the same calls,
 * freed once the last is closed) and returns uv_loop_close(): 0 unless a handle was
 * left open. */
static int fake_free(struct fake *fk)
{
    struct sim_charger *ch = &fk->ch;
    sim__progress_stop_all(ch);
    sim__autogen_stop(ch);
    sim__meter_close(ch);
    uv_run(&fk->loop, UV_RUN_DEFAULT);
    if (ch->handles_open != 0)
        abort();
    sim__rpc_reset(&ch->rpc, 0);
    sim__ws_reset(&ch->ws);
    sim__tx_free(ch);
    sim__profile_free(ch);
    json_decref(ch->local_list);
    sim__settings_free(ch);
    free(ch->identity);
    sim_metrics_free(&fk->rt.m);
    for (int i = 0; i < fk->n; i++)
        json_decref(fk->f[i].msg);
    int rc = uv_loop_close(&fk->loop);
    free(fk);
    return rc;
}

/* The CSMS sends text (printf format). */
static enum sim__next fake_in(struct fake *fk, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum sim__next fake_in(struct fake *fk, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return sim__dispatch_message(&fk->ch, buf, strlen(buf));
}

/* The i-th frame the charger sent (0 = first), or NULL. */
static const struct fake_frame *fake_out(const struct fake *fk, int i)
{
    for (int k = 0; k < fk->n; k++) {
        if (!strcmp(fk->f[k].dir, "out") && i-- == 0)
            return &fk->f[k];
    }
    return NULL;
}

static int fake_out_count(const struct fake *fk)
{
    int n = 0;
    while (fake_out(fk, n))
        n++;
    return n;
}

/* The message type of a frame (2 CALL, 3 CALLRESULT, 4 CALLERROR). */
static int fake_type(const struct fake_frame *f)
{
    return (int)json_integer_value(json_array_get(f->msg, 0));
}

static const char *fake_str(const struct fake_frame *f, size_t i)
{
    return json_string_value(json_array_get(f->msg, i));
}

static json_t *fake_payload(const struct fake_frame *f)
{
    return json_array_get(f->msg, fake_type(f) == 2 ? 3 : 2);
}

#endif

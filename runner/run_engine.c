/* The conformance engine: cases one after another, their chargers' steps at once. */
#define _GNU_SOURCE   /* asprintf */
#include "run_engine.h"
#include "run_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf_log.h"
#include "ocpp_frame.h"
#include "ocpp_schema.h"
#include "ocpp_version.h"
#include "fleet_spec.h"
#include "sim_runtime.h"
#include "sim_spec.h"

#define FRAMES_KEPT 30          /* last frames of a charger kept for a failure report */
#define FRAME_SHOWN 1500        /* bytes of one frame kept */
#define PROGRESS_MS 500

extern char **environ;

struct agent {                  /* one charger running one case */
    struct run_engine *e;
    struct agent *next;
    int group;
    json_t *row;                /* its charger row (borrowed from the engine's groups) */
    const struct ocpp_version *v;
    struct sim_charger *ch;
    int step;
    json_t *cur;                /* the running step, ${vars} replaced; NULL between steps */
    uint64_t deadline;          /* of the running step (uv_now ms) */
    uv_timer_t timer;
    json_t *vars;               /* the plan's vars and what steps saved */
    json_t *events;             /* what the CSMS sent: [{kind, action, payload, ...}] */
    json_t *out;                /* message id -> {action, payload}: calls the charger sent */
    json_t *frames;             /* the last FRAMES_KEPT frames and connection events */
    int asked;                  /* the ask step's --ask-cmd ended: 1 well, -1 not */
    size_t taken;               /* events before this one were there when a step took
                                 * its last one: response steps look after it */
    int done;
    enum run_verdict verdict;
    char *message;
};

struct hook {                   /* a running --ask-cmd */
    uv_process_t proc;
    struct hook *next, **prev;
    struct agent *waiter;       /* an ask step waiting for it to end, or NULL */
};

struct run_engine {
    uv_loop_t *loop;
    struct lws_context *ctx;
    const struct run_plan *plan;
    json_t *groups;
    struct run_opts o;
    void (*done)(struct run_engine *e, void *arg);
    void *arg;
    struct sim_runtime *rt;
    int ci;                     /* the case running */
    uint64_t case_start, run_start;
    struct agent *agents;
    int closing;                /* agent timers still closing */
    uv_timer_t progress;
    uv_idle_t next;             /* starts the next case outside callbacks */
    struct hook *hooks;
    int interrupted, finished;
    struct run_result *results;
    int nresults;
    json_t *boot_ms;            /* each charger's last boot latency (ms), as they end */
    json_t *load;               /* the run's load figures, once finished */
};

const char *run_verdict_name(enum run_verdict v)
{
    switch (v) {
    case RUN_PASS: return "PASS";
    case RUN_FAIL: return "FAIL";
    case RUN_ERROR: return "ERROR";
    case RUN_NA: return "NOT APPLICABLE";
    }
    return "?";
}

static void advance(struct agent *a);
static void case_maybe_over(struct run_engine *e);
static void start_case(uv_idle_t *h);
static void timer_cb(uv_timer_t *t);

static const char *identity_of(const struct agent *a)
{
    return json_string_value(json_object_get(a->row, "identity"));
}

/* ---- output ---- */

static void clear_progress(struct run_engine *e)
{
    if (e->o.tty)
        fputs("\r\033[K", stdout);
}

/* The OCPP action a response / call step waits for, ${vars} replaced. */
static const char *cur_action(const struct agent *a, const struct run_step *st)
{
    return json_string_value(json_object_get(a->cur, st->kind == RUN_STEP_CALL ? "call"
                                                                               : "response"));
}

static const char *waiting_for(struct agent *a, char *buf, size_t n)
{
    const struct run_step *st = a->step < a->e->plan->cases[a->e->ci].nsteps
                                ? &a->e->plan->cases[a->e->ci].steps[a->step] : NULL;
    if (!st || !a->cur)
        return "running";
    const char *action = cur_action(a, st);
    if (st->kind == RUN_STEP_CALL)
        snprintf(buf, n, "waiting for the CSMS to send %s", action);
    else if (st->kind == RUN_STEP_RESPONSE)
        snprintf(buf, n, "waiting for the CSMS's answer to %s", action);
    else if (st->kind == RUN_STEP_WAIT)
        snprintf(buf, n, "waiting");
    else
        return "running";
    return buf;
}

static void progress_cb(uv_timer_t *t)
{
    struct run_engine *e = t->data;
    char buf[160];
    if (e->finished || e->ci >= e->plan->ncases)
        return;
    const struct run_case *c = &e->plan->cases[e->ci];
    struct agent *a = e->agents;
    while (a && a->done)
        a = a->next;
    long left = a && a->cur && a->deadline > uv_now(e->loop)
                ? (long)((a->deadline - uv_now(e->loop) + 999) / 1000) : -1;
    clear_progress(e);
    printf("[%d/%d] %s: %s%s", e->ci + 1, e->plan->ncases, c->id,
           a ? identity_of(a) : "", a ? " " : "");
    if (a)
        printf("%s", waiting_for(a, buf, sizeof buf));
    if (left >= 0)
        printf(" (%ld s left)", left);
    fflush(stdout);
}

static void print_result(struct run_engine *e, const struct run_result *r)
{
    clear_progress(e);
    printf("%-14s %-16s %s  [%s, %d charger%s] %.2f s\n", run_verdict_name(r->verdict), r->c->id,
           r->c->name, r->group_label, r->chargers, r->chargers == 1 ? "" : "s", r->seconds);
    if (r->message)
        printf("%16s %s\n", "", r->message);
    fflush(stdout);
}

/* ---- the ask hook ---- */

static void hook_closed(uv_handle_t *h)
{
    free(h->data);
}

static void hook_exit(uv_process_t *p, int64_t status, int sig)
{
    struct hook *k = p->data;
    if (status || sig)
        CF_LOG_WARN("run", "--ask-cmd exited with %s %lld", sig ? "signal" : "status",
                    (long long)(sig ? sig : status));
    if (k->waiter) {
        k->waiter->asked = status || sig ? -1 : 1;
        uv_timer_start(&k->waiter->timer, timer_cb, 0, 0);
    }
    *k->prev = k->next;
    if (k->next)
        k->next->prev = k->prev;
    uv_close((uv_handle_t *)p, hook_closed);
}

static char *env_pair(const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *s = malloc(n);
    snprintf(s, n, "%s=%s", name, value);
    return s;
}

/* Runs --ask-cmd with what the CSMS should do now: CF_CASE, CF_CASE_NAME, CF_IDENTITY,
 * CF_GROUP (1-based), CF_ACTION (the call awaited, or empty) and CF_ASK. wait: the
 * agent hears when it ends (a->asked). 0 started, -1 there is no --ask-cmd or it could
 * not start. */
static int ask(struct agent *a, const char *action, const char *text, int wait)
{
    struct run_engine *e = a->e;
    const struct run_case *c = &e->plan->cases[e->ci];
    if (!e->o.ask_cmd)
        return -1;
    char group[16];
    snprintf(group, sizeof group, "%d", a->group + 1);
    const char *const mine[][2] = {
        {"CF_CASE", c->id}, {"CF_CASE_NAME", c->name}, {"CF_IDENTITY", identity_of(a)},
        {"CF_GROUP", group}, {"CF_ACTION", action ? action : ""}, {"CF_ASK", text},
    };
    enum { MINE = sizeof mine / sizeof mine[0] };
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + MINE + 1, sizeof *env);
    memcpy(env, environ, n * sizeof *env);
    for (int i = 0; i < MINE; i++)
        env[n + i] = env_pair(mine[i][0], mine[i][1]);
    char *args[] = {"sh", "-c", (char *)e->o.ask_cmd, NULL};
    uv_stdio_container_t io[3] = {{.flags = UV_IGNORE},
                                  {.flags = UV_INHERIT_FD, .data.fd = 2},
                                  {.flags = UV_INHERIT_FD, .data.fd = 2}};
    uv_process_options_t po = {.exit_cb = hook_exit, .file = "/bin/sh", .args = args,
                               .env = env, .stdio_count = 3, .stdio = io};
    struct hook *k = calloc(1, sizeof *k);
    k->proc.data = k;
    int rc = uv_spawn(e->loop, &k->proc, &po);
    if (rc) {
        CF_LOG_WARN("run", "--ask-cmd could not start: %s", uv_strerror(rc));
        uv_close((uv_handle_t *)&k->proc, hook_closed);
    } else {
        k->waiter = wait ? a : NULL;
        k->next = e->hooks;
        k->prev = &e->hooks;
        if (e->hooks)
            e->hooks->prev = &k->next;
        e->hooks = k;
    }
    for (int i = 0; i < MINE; i++)
        free(env[n + i]);
    free(env);
    return rc ? -1 : 0;
}

/* ---- agents ---- */

/* Keeps "<prefix> <what><sep><text>" (a frame, or a connection event) in the ring. */
static void keep_frame(struct agent *a, const char *prefix, const char *what, const char *sep,
                       const char *text, size_t len)
{
    char *s;
    size_t shown = len > FRAME_SHOWN ? FRAME_SHOWN : len;
    if (asprintf(&s, "%s %s%s%.*s%s", prefix, what, sep, (int)shown, text,
                 shown < len ? "..." : "") < 0)
        return;
    json_array_append_new(a->frames, json_string(s));
    free(s);
    if (json_array_size(a->frames) > FRAMES_KEPT)
        json_array_remove(a->frames, 0);
}

static void agent_finish(struct agent *a, enum run_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void agent_finish(struct agent *a, enum run_verdict v, const char *fmt, ...)
{
    if (a->done)
        return;
    a->done = 1;
    a->verdict = v;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&a->message, fmt, ap) < 0)
            a->message = NULL;
        va_end(ap);
    }
    uv_timer_stop(&a->timer);
    json_decref(a->cur);
    a->cur = NULL;
    if (a->ch && sim_charger_boot_ms(a->ch) >= 0)
        json_array_append_new(a->e->boot_ms, json_integer(sim_charger_boot_ms(a->ch)));
    if (a->ch)
        sim_charger_stop(a->ch);   /* `gone` follows */
    case_maybe_over(a->e);
}

/* Is the frame the CSMS sent conformant? Fills *ev with what it is (a new object) when it
 * could be read. 0, or -1 with why[n]. */
static int conformance(struct agent *a, const char *raw, size_t len, json_t **ev, char *why,
                       size_t n)
{
    struct ocpp_frame f;
    char reason[300];
    *ev = NULL;
    if (ocpp_frame_parse(raw, len, &f, reason, sizeof reason) != OCPP_ERR_NONE) {
        snprintf(why, n, "a malformed frame from the CSMS: %s", reason);
        ocpp_frame_clear(&f);
        return -1;
    }
    int rc = 0;
    if (f.type == OCPP_CALL) {
        const struct ocpp_action_def *act = ocpp_version_action(a->v, f.action);
        *ev = json_pack("{s:s,s:s,s:s,s:O}", "kind", "call", "action", f.action, "id", f.id,
                        "payload", f.payload);
        if (!act || act->direction == OCPP_CP_TO_CSMS) {
            snprintf(why, n, "the CSMS sent a %s call, which %s does not define from the CSMS",
                     f.action, a->v->name);
            rc = -1;
        } else if (ocpp_schema_check(a->v, f.action, 1, f.payload, reason, sizeof reason) < 0) {
            snprintf(why, n, "the CSMS's %s call does not conform to %s: %s", f.action,
                     a->v->name, reason);
            rc = -1;
        }
    } else {
        json_t *sent = json_object_get(a->out, f.id);
        if (!sent) {
            snprintf(why, n, "the CSMS answered message id %s, which the charger never sent "
                     "or was answered already", f.id);
            ocpp_frame_clear(&f);
            return -1;
        }
        const char *action = json_string_value(json_object_get(sent, "action"));
        if (f.type == OCPP_CALLRESULT) {
            *ev = json_pack("{s:s,s:s,s:O,s:O}", "kind", "result", "action", action,
                            "payload", f.payload, "request", json_object_get(sent, "payload"));
            if (ocpp_schema_check(a->v, action, 0, f.payload, reason, sizeof reason) < 0) {
                snprintf(why, n, "the CSMS's answer to %s does not conform to %s: %s", action,
                         a->v->name, reason);
                rc = -1;
            }
        } else {
            *ev = json_pack("{s:s,s:s,s:s,s:s,s:O}", "kind", "error", "action", action, "code",
                            f.error_code, "desc", f.error_description, "request",
                            json_object_get(sent, "payload"));
            int known = 0;
            for (int i = 0; i < OCPP_ERR__COUNT; i++)
                known |= a->v->error_names[i] && !strcmp(a->v->error_names[i], f.error_code);
            if (!known) {
                snprintf(why, n, "the CSMS answered %s with CallError code \"%s\", which %s "
                         "does not define", action, f.error_code, a->v->name);
                rc = -1;
            }
        }
        json_object_del(a->out, f.id);
    }
    ocpp_frame_clear(&f);
    return rc;
}

static void on_log(struct sim_charger *ch, const struct sim_log *l, void *arg)
{
    struct agent *a = sim_charger_owner(ch);
    (void)arg;
    if (!a)
        return;
    if (strcmp(l->event, "frame")) {
        keep_frame(a, "--", l->event, ": ", l->detail, l->detail_len);
        return;
    }
    int in = !strcmp(l->direction, "in");
    keep_frame(a, in ? "<-" : "->", "", "", l->detail, l->detail_len);
    if (!in) {
        struct ocpp_frame f;
        char reason[100];
        if (ocpp_frame_parse(l->detail, l->detail_len, &f, reason, sizeof reason) ==
                OCPP_ERR_NONE && f.type == OCPP_CALL)
            json_object_set_new(a->out, f.id, json_pack("{s:s,s:O}", "action", f.action,
                                                         "payload", f.payload));
        ocpp_frame_clear(&f);
        return;
    }
    if (a->done)
        return;
    char why[700];
    json_t *ev;
    int rc = conformance(a, l->detail, l->detail_len, &ev, why, sizeof why);
    if (ev)
        json_array_append_new(a->events, ev);
    if (rc < 0) {
        agent_finish(a, RUN_FAIL, "%s: %s — frame: %.*s", identity_of(a), why,
                     (int)(l->detail_len > 400 ? 400 : l->detail_len), l->detail);
        return;
    }
    /* the steps look at it once the charger has handled it (on_csms_call first) */
    uv_timer_start(&a->timer, timer_cb, 0, 0);
}

static void on_gone(struct sim_charger *ch, void *arg)
{
    struct agent *a = sim_charger_owner(ch);
    (void)arg;
    if (!a)
        return;
    a->ch = NULL;
    if (!a->done)
        agent_finish(a, RUN_ERROR, "%s: the charger stopped: %s", identity_of(a),
                     sim_charger_last_error(ch));
    case_maybe_over(a->e);
}

/* The first call step from the running one on for `action` that says how to answer. */
static int on_csms_call(struct sim_charger *ch, const char *action, const char *id,
                        json_t *payload, void *arg)
{
    struct agent *a = sim_charger_owner(ch);
    (void)arg;
    (void)payload;
    if (!a || a->done)
        return 0;
    const struct run_case *c = &a->e->plan->cases[a->e->ci];
    json_t *x;
    size_t i;
    int pending = 0;           /* earlier calls of this action not taken by a step yet */
    json_array_foreach(a->events, i, x)
        pending += !json_is_true(json_object_get(x, "used")) &&
                   !strcmp(json_string_value(json_object_get(x, "kind")), "call") &&
                   !strcmp(json_string_value(json_object_get(x, "action")), action) &&
                   strcmp(json_string_value(json_object_get(x, "id")), id);
    for (int s = a->step; s < c->nsteps; s++) {
        const struct run_step *st = &c->steps[s];
        if (st->kind != RUN_STEP_CALL || strcmp(st->action, action))
            continue;
        if (pending-- > 0)
            continue;
        json_t *answer = json_object_get(st->spec, "answer");
        if (!answer)
            return 0;
        sim_charger_answer(ch, id, run_subst(answer, a->vars));
        return 1;
    }
    return 0;
}

/* ---- steps ---- */

static void timer_cb(uv_timer_t *t)
{
    advance(t->data);
}

static int fill_cfg(struct agent *a, struct sim_charger_cfg *cfg)
{
    struct cf_charger_spec spec;
    fleet_spec_from_json(a->row, &spec);
    memset(cfg, 0, sizeof *cfg);
    sim_cfg_from_spec(cfg, &spec);
    cfg->version = a->v;
    return 0;
}

static int command(struct agent *a, const char *name, json_t *args)
{
    char err[300];
    json_t *res = NULL;
    if (!a->ch) {
        agent_finish(a, RUN_ERROR, "%s: step %d: %s before the charger was connected (add a "
                     "connect step first)", identity_of(a), a->step + 1, name);
        return -1;
    }
    json_t *clean = NULL;
    if (run_check_command(name, args, &clean, err, sizeof err) < 0) {
        agent_finish(a, RUN_ERROR, "%s: step %d: %s: %s", identity_of(a), a->step + 1, name, err);
        return -1;
    }
    int rc = sim_charger_command(a->ch, name, clean, &res, err, sizeof err);
    json_decref(clean);
    if (rc < 0) {
        agent_finish(a, RUN_ERROR, "%s: step %d: %s could not be done: %s", identity_of(a),
                     a->step + 1, name, err);
        return -1;
    }
    json_decref(res);
    return 0;
}

static int save(struct agent *a, json_t *ev, const char *action)
{
    const char *name;
    json_t *path;
    json_object_foreach(json_object_get(a->cur, "save"), name, path) {
        const char *p = json_string_value(path);
        json_t *from = json_object_get(ev, "payload");
        if (!strncmp(p, "request.", 8)) {
            from = json_object_get(ev, "request");
            p += 8;
        }
        json_t *v = run_path(from, p);
        if (!v) {
            agent_finish(a, RUN_FAIL, "%s: %s has no %s (to save as %s)", identity_of(a),
                         action, json_string_value(path), name);
            return -1;
        }
        json_object_set(a->vars, name, v);
    }
    return 0;
}

/* A response or call step: finds what it waits for among the CSMS's frames. 1 found and
 * right, 0 still waiting, -1 the agent finished. */
static int await(struct agent *a, const struct run_step *st)
{
    int call = st->kind == RUN_STEP_CALL;
    const char *action = cur_action(a, st);
    json_t *ev = NULL, *x, *request = json_object_get(a->cur, "request");
    size_t i;
    char why[500];

    /* The charger has one call out at a time, so its answers come in order: a response
     * step takes one after whatever an earlier step took (not, say, a boot's
     * StatusNotification answer for a triggered one). CSMS calls may come at any time. */
    json_array_foreach(a->events, i, x) {
        const char *kind = json_string_value(json_object_get(x, "kind"));
        if ((!call && i < a->taken) || json_is_true(json_object_get(x, "used")) ||
            strcmp(json_string_value(json_object_get(x, "action")), action) ||
            (call ? strcmp(kind, "call") : !strcmp(kind, "call")))
            continue;
        if (!call && request && run_match(json_object_get(x, "request"), request, why, sizeof why))
            continue;
        ev = x;
        break;
    }
    enum run_verdict bad = st->otherwise_na ? RUN_NA : RUN_FAIL;
    if (!ev) {
        if (uv_now(a->e->loop) < a->deadline)
            return 0;
        double s = st->within_s > 0 ? st->within_s : a->e->o.timeout_s;
        if (call) {
            const char *text = json_string_value(json_object_get(a->cur, "ask"));
            agent_finish(a, bad, "%s: waited %.0f s for the CSMS to send %s%s%s%s; none came",
                         identity_of(a), s, action, text ? " (" : "", text ? text : "",
                         text ? ")" : "");
        } else {
            const char *err = a->ch ? sim_charger_last_error(a->ch) : "";
            agent_finish(a, bad, "%s: waited %.0f s for the CSMS's answer to %s; none came%s%s",
                         identity_of(a), s, action, *err ? " (last error: " : "", err);
            if (*err && a->message) {
                char *m;
                if (asprintf(&m, "%s)", a->message) >= 0) {
                    free(a->message);
                    a->message = m;
                }
            }
        }
        return -1;
    }
    json_object_set_new(ev, "used", json_true());
    if (i + 1 > a->taken)
        a->taken = i + 1;
    const char *kind = json_string_value(json_object_get(ev, "kind"));
    json_t *want_error = json_object_get(a->cur, "error");
    if (!call && want_error) {
        const char *code = json_string_value(json_object_get(ev, "code"));
        if (strcmp(kind, "error") || (json_is_string(want_error) &&
                                      strcmp(code, json_string_value(want_error)))) {
            agent_finish(a, bad, "%s: the CSMS answered %s with %s%s, expected CallError %s",
                         identity_of(a), action, code ? "CallError " : "a CALLRESULT",
                         code ? code : "", json_is_string(want_error)
                         ? json_string_value(want_error) : "(any code)");
            return -1;
        }
    } else if (!call && !strcmp(kind, "error")) {
        agent_finish(a, bad, "%s: the CSMS answered %s with CallError %s: %s", identity_of(a),
                     action, json_string_value(json_object_get(ev, "code")),
                     json_string_value(json_object_get(ev, "desc")));
        return -1;
    }
    json_t *match = json_object_get(a->cur, "match");
    if (match && run_match(json_object_get(ev, "payload"), match, why, sizeof why) < 0) {
        agent_finish(a, bad, "%s: %s %s: %s", identity_of(a), call ? "the CSMS's" :
                     "the CSMS's answer to", action, why);
        return -1;
    }
    return save(a, ev, action) < 0 ? -1 : 1;
}

/* Runs the current step. 1 done, 0 waiting, -1 the agent finished. */
static int run_step(struct agent *a, const struct run_step *st, int first)
{
    struct run_engine *e = a->e;
    switch (st->kind) {
    case RUN_STEP_CONNECT:
        if (a->ch)
            return command(a, "start-runtime", NULL) < 0 ? -1 : 1;
        struct sim_charger_cfg cfg;
        fill_cfg(a, &cfg);
        a->ch = sim_charger_start(e->rt, &cfg, a);
        if (!a->ch) {
            agent_finish(a, RUN_ERROR, "%s: could not start the charger (ws_url %s)",
                         identity_of(a), cfg.ws_url);
            return -1;
        }
        return 1;
    case RUN_STEP_DISCONNECT:
        return command(a, "stop-runtime", NULL) < 0 ? -1 : 1;
    case RUN_STEP_RECONNECT:
        return command(a, "start-runtime", NULL) < 0 ? -1 : 1;
    case RUN_STEP_DO:
        return command(a, json_string_value(json_object_get(a->cur, "do")),
                       json_object_get(a->cur, "args")) < 0 ? -1 : 1;
    case RUN_STEP_ASK:          /* waits for --ask-cmd to end: the CSMS is ready then */
        if (first) {
            a->asked = 0;
            a->deadline = uv_now(e->loop) + (uint64_t)(e->o.timeout_s * 1000);
            if (ask(a, NULL, json_string_value(json_object_get(a->cur, "ask")), 1) < 0)
                return 1;
        }
        if (a->asked < 0) {
            agent_finish(a, RUN_ERROR, "%s: --ask-cmd failed (\"%s\")", identity_of(a),
                         json_string_value(json_object_get(a->cur, "ask")));
            return -1;
        }
        if (!a->asked && uv_now(e->loop) >= a->deadline) {
            agent_finish(a, RUN_ERROR, "%s: --ask-cmd did not end within %.0f s", identity_of(a),
                         e->o.timeout_s);
            return -1;
        }
        return a->asked;
    case RUN_STEP_WAIT:
        if (first)
            a->deadline = uv_now(e->loop) + (uint64_t)(st->within_s * 1000);
        return uv_now(e->loop) >= a->deadline;
    case RUN_STEP_RESPONSE:
    case RUN_STEP_CALL:
        if (first) {
            double s = st->within_s > 0 ? st->within_s : e->o.timeout_s;
            a->deadline = uv_now(e->loop) + (uint64_t)(s * 1000);
            if (st->kind == RUN_STEP_CALL) {
                const char *text = json_string_value(json_object_get(a->cur, "ask"));
                const char *action = cur_action(a, st);
                char dflt[120];
                snprintf(dflt, sizeof dflt, "send %s", action);
                ask(a, action, text ? text : dflt, 0);
            }
        }
        return await(a, st);
    }
    return 1;
}

static void advance(struct agent *a)
{
    const struct run_case *c = &a->e->plan->cases[a->e->ci];
    while (!a->done && a->step < c->nsteps) {
        const struct run_step *st = &c->steps[a->step];
        int first = !a->cur;
        if (first)
            a->cur = run_subst(st->spec, a->vars);
        int r = run_step(a, st, first);
        if (r < 0)
            return;
        if (r == 0) {          /* woken by a frame from the CSMS, or at the deadline */
            uint64_t now = uv_now(a->e->loop);
            uv_timer_start(&a->timer, timer_cb, a->deadline > now ? a->deadline - now : 0, 0);
            return;
        }
        uv_timer_stop(&a->timer);
        json_decref(a->cur);
        a->cur = NULL;
        a->step++;
    }
    if (!a->done)
        agent_finish(a, RUN_PASS, NULL);
}

/* ---- cases ---- */

static char *group_label(struct run_engine *e, int g)
{
    json_t *row = json_array_get(json_array_get(e->groups, (size_t)g), 0);
    char *s;
    if (asprintf(&s, "group %d (%s %s/%s)", g + 1,
                 json_string_value(json_object_get(row, "ocpp_version")),
                 json_string_value(json_object_get(row, "brand_slug")),
                 json_string_value(json_object_get(row, "model_slug"))) < 0)
        return NULL;
    return s;
}

static struct run_result *add_result(struct run_engine *e, int g, enum run_verdict v,
                                     const char *msg)
{
    e->results = realloc(e->results, (size_t)(e->nresults + 1) * sizeof *e->results);
    struct run_result *r = &e->results[e->nresults++];
    memset(r, 0, sizeof *r);
    r->c = &e->plan->cases[e->ci];
    r->group = g;
    r->group_label = group_label(e, g);
    r->verdict = v;
    r->message = msg ? strdup(msg) : NULL;
    r->seconds = (double)(uv_now(e->loop) - e->case_start) / 1000.0;
    return r;
}

static int worse(enum run_verdict a, enum run_verdict b)
{
    static const int rank[] = {[RUN_PASS] = 0, [RUN_NA] = 1, [RUN_ERROR] = 2, [RUN_FAIL] = 3};
    return rank[a] > rank[b];
}

static void agent_closed(uv_handle_t *h)
{
    struct run_engine *e = h->data ? ((struct agent *)h->data)->e : NULL;
    if (e && --e->closing == 0) {
        /* every charger is gone and every timer closed: the case's results */
        int ng = (int)json_array_size(e->groups);
        for (int g = 0; g < ng; g++) {
            struct agent *worst = NULL;
            int n = 0;
            for (struct agent *a = e->agents; a; a = a->next) {
                if (a->group != g)
                    continue;
                n++;
                if (!worst || worse(a->verdict, worst->verdict))
                    worst = a;
            }
            if (!n)
                continue;
            struct run_result *r = add_result(e, g, worst->verdict, worst->message);
            r->chargers = n;
            if (worst->verdict != RUN_PASS) {
                r->identity = strdup(identity_of(worst));
                r->frames = json_incref(worst->frames);
            }
            print_result(e, r);
        }
        while (e->agents) {
            struct agent *a = e->agents;
            e->agents = a->next;
            for (struct hook *k = e->hooks; k; k = k->next)
                if (k->waiter == a)
                    k->waiter = NULL;
            json_decref(a->cur);
            json_decref(a->vars);
            json_decref(a->events);
            json_decref(a->out);
            json_decref(a->frames);
            free(a->message);
            free(a);
        }
        e->ci++;
        uv_idle_start(&e->next, start_case);
    }
}

static void case_maybe_over(struct run_engine *e)
{
    if (e->closing)
        return;
    for (struct agent *a = e->agents; a; a = a->next)
        if (!a->done || a->ch)
            return;
    for (struct agent *a = e->agents; a; a = a->next) {
        e->closing++;
        uv_close((uv_handle_t *)&a->timer, agent_closed);
    }
}

static void finish(struct run_engine *e)
{
    e->finished = 1;
    clear_progress(e);
    fflush(stdout);
    uv_close((uv_handle_t *)&e->progress, NULL);
    uv_close((uv_handle_t *)&e->next, NULL);
    for (struct hook *k = e->hooks; k; k = k->next)
        uv_process_kill(&k->proc, SIGTERM);
    e->load = run_load_figures(e->boot_ms, sim_runtime_metrics(e->rt));
    sim_runtime_free(e->rt);        /* every charger is gone by now */
    e->rt = NULL;
    e->done(e, e->arg);
}

/* Starts the case at e->ci: its agents, or its results at once when no group runs it. */
static void start_case(uv_idle_t *h)
{
    struct run_engine *e = h->data;
    uv_idle_stop(h);
    if (e->ci >= e->plan->ncases || e->interrupted) {
        finish(e);
        return;
    }
    const struct run_case *c = &e->plan->cases[e->ci];
    struct agent **tail = &e->agents;
    int ng = (int)json_array_size(e->groups), matched = 0;
    e->case_start = uv_now(e->loop);
    for (int g = 0; g < ng; g++) {
        json_t *rows = json_array_get(e->groups, (size_t)g), *row;
        size_t i;
        if (c->group >= 0 && c->group != g)
            continue;
        const char *ver = json_string_value(json_object_get(json_array_get(rows, 0), "ocpp_version"));
        if (c->version && ocpp_version_by_name(c->version) != ocpp_version_by_name(ver)) {
            if (!c->identity) {
                char msg[160];
                snprintf(msg, sizeof msg, "a case for %s chargers; this group runs %s",
                         c->version, ver);
                print_result(e, add_result(e, g, RUN_NA, msg));
            }
            continue;
        }
        json_array_foreach(rows, i, row) {
            const char *id = json_string_value(json_object_get(row, "identity"));
            if (c->identity && strcmp(c->identity, id))
                continue;
            struct agent *a = calloc(1, sizeof *a);
            a->e = e;
            a->group = g;
            a->row = row;
            a->v = ocpp_version_by_name(ver);
            a->vars = json_deep_copy(e->plan->vars);
            a->events = json_array();
            a->out = json_object();
            a->frames = json_array();
            uv_timer_init(e->loop, &a->timer);
            a->timer.data = a;
            *tail = a;
            tail = &a->next;
            matched++;
        }
    }
    if (!matched) {
        if (c->identity) {
            char msg[160];
            snprintf(msg, sizeof msg, "no charger named %s in the chargers of the file",
                     c->identity);
            print_result(e, add_result(e, c->group >= 0 ? c->group : 0, RUN_ERROR, msg));
        }
        e->ci++;
        uv_idle_start(&e->next, start_case);
        return;
    }
    for (struct agent *a = e->agents; a; a = a->next)
        advance(a);
}

struct run_engine *run_engine_new(uv_loop_t *loop, struct lws_context *ctx,
                                  const struct run_plan *plan, json_t *groups,
                                  const struct run_opts *o,
                                  void (*done)(struct run_engine *e, void *arg), void *arg)
{
    struct run_engine *e = calloc(1, sizeof *e);
    e->loop = loop;
    e->ctx = ctx;
    e->plan = plan;
    e->groups = groups;
    e->o = *o;
    e->boot_ms = json_array();
    e->done = done;
    e->arg = arg;
    return e;
}

void run_engine_start(struct run_engine *e)
{
    struct sim_runtime_opts so;
    sim_runtime_opts_default(&so);
    so.provision_timeout_s = 86400;   /* the steps have their own time limits */
    struct sim_events ev = {.gone = on_gone, .log = on_log, .csms_call = on_csms_call};
    e->rt = sim_runtime_new(e->loop, e->ctx, &so, &ev, e);
    e->run_start = uv_now(e->loop);
    uv_idle_init(e->loop, &e->next);
    e->next.data = e;
    uv_timer_init(e->loop, &e->progress);
    e->progress.data = e;
    if (e->o.tty)
        uv_timer_start(&e->progress, progress_cb, PROGRESS_MS, PROGRESS_MS);
    uv_idle_start(&e->next, start_case);
}

void run_engine_interrupt(struct run_engine *e)
{
    if (e->finished || e->interrupted)
        return;
    e->interrupted = 1;
    for (struct agent *a = e->agents; a; a = a->next)
        agent_finish(a, RUN_ERROR, "%s: interrupted", identity_of(a));
}

int run_engine_results(const struct run_engine *e, const struct run_result **out)
{
    *out = e->results;
    return e->nresults;
}

double run_engine_seconds(const struct run_engine *e)
{
    return (double)(uv_now(e->loop) - e->run_start) / 1000.0;
}

json_t *run_engine_load(const struct run_engine *e)
{
    return e->load;
}

void run_engine_free(struct run_engine *e)
{
    if (!e)
        return;
    json_decref(e->boot_ms);
    json_decref(e->load);
    for (int i = 0; i < e->nresults; i++) {
        free(e->results[i].group_label);
        free(e->results[i].message);
        free(e->results[i].identity);
        json_decref(e->results[i].frames);
    }
    free(e->results);
    free(e);
}

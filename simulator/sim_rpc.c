#include "sim_rpc.h"

#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

void sim__rpc_init(struct sim__rpc *r, uv_loop_t *loop, const struct sim__rpc_ops *ops,
                   void *arg, uint32_t msgid_prefix, uint64_t timeout_ms,
                   const struct ocpp_action_def *names, const char *identity)
{
    *r = (struct sim__rpc){.ops = ops, .arg = arg, .loop = loop, .timeout_ms = timeout_ms,
                           .msgid_prefix = msgid_prefix, .names = names, .identity = identity};
}

static const char *name_of(const struct sim__rpc *r, enum ocpp_action a)
{
    return r->names[a].name ? r->names[a].name : "?";
}

/* c's fate is known: its callback hears it, then c goes. */
static void complete(struct sim_call *c, enum sim_call_outcome outcome,
                     const struct ocpp_frame *f)
{
    if (c->cb) {
        struct sim_call_answer a = {outcome, NULL, NULL, NULL};
        if (f && outcome == SIM_CALL_RESULT)
            a.payload = f->payload;
        if (f && outcome == SIM_CALL_ERROR) {
            a.error_code = f->error_code;
            a.error_description = f->error_description;
        }
        c->cb(c, &a);
    }
    json_decref(c->payload);
    free(c);
}

static void push_head(struct sim__rpc *r, struct sim_call *c)
{
    c->next = r->head;
    r->head = c;
    if (!r->tail)
        r->tail = c;
    r->queued++;
}

static void push_tail(struct sim__rpc *r, struct sim_call *c)
{
    c->next = NULL;
    if (r->tail)
        r->tail->next = c;
    else
        r->head = c;
    r->tail = c;
    r->queued++;
}

static struct sim_call *pop_head(struct sim__rpc *r)
{
    struct sim_call *c = r->head;
    r->head = c->next;
    if (!r->head)
        r->tail = NULL;
    r->queued--;
    c->next = NULL;
    return c;
}

struct sim_call *sim__rpc_call(struct sim__rpc *r, enum ocpp_action action, json_t *payload,
                               int conn, unsigned serial, sim_call_cb cb, void *data)
{
    struct sim_call *c = malloc(sizeof *c);
    *c = (struct sim_call){.action = action, .payload = payload, .cb = cb, .data = data,
                           .conn = conn, .serial = serial, .due_ns = uv_hrtime()};
    if (r->queued >= SIM_QUEUE_MAX && r->head) {   /* bounded: the oldest goes */
        struct sim_call *old = pop_head(r);
        r->dropped++;
        CF_CLOG_WARN(r->identity, "queue full (%d messages): %s dropped (%lu so far)",
                     SIM_QUEUE_MAX, name_of(r, old->action), r->dropped);
        complete(old, SIM_CALL_DROPPED, NULL);
    }
    if (action == OCPP_ACTION_BOOT_NOTIFICATION)   /* a boot goes before everything */
        push_head(r, c);
    else
        push_tail(r, c);
    sim__rpc_pump(r);
    return c;
}

void sim__rpc_pump(struct sim__rpc *r)
{
    if (r->out || !r->head || r->corked || !r->ops->can_send(r->arg, r->head->action))
        return;
    struct sim_call *c = pop_head(r);
    ocpp_msgid_format(r->out_id, r->msgid_prefix, ++r->msgid_seq);
    r->out = c;
    c->sent_ns = uv_hrtime();
    r->ops->send(r->arg, ocpp_frame_call(r->out_id, name_of(r, c->action), c->payload),
                 r->out_id, c->action);
    r->deadline_ms = uv_now(r->loop) + r->timeout_ms;
}

struct sim_call *sim__rpc_outstanding(const struct sim__rpc *r, const char *id)
{
    return r->out && !strcmp(id, r->out_id) ? r->out : NULL;
}

int sim__rpc_answer(struct sim__rpc *r, const struct ocpp_frame *f, uint64_t parsed_ns)
{
    struct sim_call *c = sim__rpc_outstanding(r, f->id);
    if (!c)
        return -1;
    c->answered_ns = parsed_ns;
    r->deadline_ms = 0;
    r->out = NULL;
    r->out_id[0] = '\0';
    complete(c, f->type == OCPP_CALLRESULT ? SIM_CALL_RESULT : SIM_CALL_ERROR, f);
    sim__rpc_pump(r);
    return 0;
}

void sim__rpc_expire(struct sim__rpc *r)
{
    r->deadline_ms = 0;
    if (!r->out)
        return;
    struct sim_call *c = r->out;
    CF_CLOG_WARN(r->identity, "%s: no response within %llu s", name_of(r, c->action),
                 (unsigned long long)(r->timeout_ms / 1000));
    r->out = NULL;
    r->out_id[0] = '\0';
    if (c->serial && ++c->attempts < SIM_CALL_ATTEMPTS) {
        /* a session message is not lost to a silent CSMS: it goes again, first */
        CF_CLOG_WARN(r->identity, "%s: sending again (attempt %d of %d)",
                     name_of(r, c->action), c->attempts + 1, SIM_CALL_ATTEMPTS);
        push_head(r, c);
    } else {
        complete(c, SIM_CALL_TIMEOUT, NULL);
    }
    sim__rpc_pump(r);
}

void sim__rpc_reset(struct sim__rpc *r, int keep)
{
    struct sim_call *c = r->head;
    if (r->out) {                     /* the unanswered CALL goes first */
        r->out->next = c;
        c = r->out;
        r->out = NULL;
        r->queued++;
    }
    r->out_id[0] = '\0';
    r->deadline_ms = 0;
    r->head = r->tail = NULL;
    while (c) {
        struct sim_call *next = c->next;
        r->queued--;
        if (keep && c->serial)
            push_tail(r, c);
        else
            complete(c, SIM_CALL_DROPPED, NULL);
        c = next;
    }
}

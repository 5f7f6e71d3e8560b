/* The automatic session generator of a charger (its template's "sessions"): drivers
 * arrive at random (a Poisson process of per_hour arrivals), each with an id from the
 * pool, charge for a random time in [min, max] seconds, and leave (the session stops,
 * reason Local). Arrivals find no free connector: they leave. It runs while the charger
 * is online, from its start until a stop-generator command. */
#include "sim_autogen.h"

#include "sim_tx.h"

#include <math.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

struct sim_autogen {
    uv_timer_t timer;                  /* first: the close callback finds the struct */
    struct sim_charger *ch;
    double per_hour;
    int dmin, dmax;                    /* session duration range, seconds */
    double emin, emax;                 /* energy a driver wants, Wh (0: no such limit) */
    json_t *tags;                      /* id pool (array of strings), or NULL */
    uint64_t next_arrival;             /* uv_now ms */
    int running;
    unsigned long started;
};

static double unit(void)
{
    uint32_t v = 0;
    RAND_bytes((unsigned char *)&v, sizeof v);
    return (v + 0.5) / 4294967296.0;
}

static void schedule_arrival(struct sim_autogen *g)
{
    double hours = -log(unit()) / g->per_hour;     /* exponential interarrival */
    g->next_arrival = uv_now(g->ch->rt->loop) + (uint64_t)(hours * 3600e3);
}

static void tick(uv_timer_t *t);

/* The timer goes off at the next arrival or the next session to end. */
void sim__autogen_rearm(struct sim_charger *ch)
{
    struct sim_autogen *g = ch->autogen;
    if (!g || uv_is_closing((uv_handle_t *)&g->timer))
        return;
    uint64_t next = g->running ? g->next_arrival : 0, now = uv_now(ch->rt->loop);
    for (int i = 0; ch->meter && i < ch->meter->n; i++) {
        const struct sim_conn *c = &ch->meter->conn[i];
        const struct sim_tx *tx = c->tx;
        if (tx && tx->auto_stop_ms && (!next || tx->auto_stop_ms < next))
            next = tx->auto_stop_ms;
        if (tx && tx->auto_stop_wh > 0 && c->power_w > 0) {   /* when it has had enough */
            double left = tx->auto_stop_wh - sim__tx_energy_now(ch, i);
            uint64_t at = now + (left > 0 ? (uint64_t)(left / c->power_w * 3.6e6) + 1 : 0);
            if (!next || at < next)
                next = at;
        }
    }
    if (!next)
        uv_timer_stop(&g->timer);
    else
        uv_timer_start(&g->timer, tick, next > now ? next - now : 0, 0);
}

static void tick(uv_timer_t *t)
{
    struct sim_autogen *g = (struct sim_autogen *)t;
    struct sim_charger *ch = g->ch;
    uint64_t now = uv_now(ch->rt->loop);

    for (int i = 0; ch->meter && i < ch->meter->n; i++) {
        const struct sim_tx *tx = ch->meter->conn[i].tx;
        if (tx && ((tx->auto_stop_ms && tx->auto_stop_ms <= now) ||
                   (tx->auto_stop_wh > 0 && sim__tx_energy_now(ch, i) >= tx->auto_stop_wh)))
            sim__tx_end(ch, i, OCPP_CAUSE_LOCAL_STOP);     /* the driver leaves */
    }
    if (g->running && g->next_arrival <= now) {
        char tag[24];
        size_t n = json_array_size(g->tags);
        if (n)
            snprintf(tag, sizeof tag, "%s", json_string_value(json_array_get(g->tags,
                                                                         (size_t)(unit() * n) % n)));
        else
            snprintf(tag, sizeof tag, "CF%08X", (unsigned)(unit() * 4294967295.0));
        int c = ch->state == SIM_ACCEPTED ? sim__tx_free_target(ch, 0, tag) : -1;
        if (c >= 0) {
            struct sim_conn *conn;
            if (!ch->meter)
                sim__meter_alloc(ch);
            conn = &ch->meter->conn[c];
            conn->auto_duration_ms = (uint64_t)(g->dmin + unit() * (g->dmax - g->dmin)) * 1000;
            conn->auto_energy_wh = g->emax > 0 ? g->emin + unit() * (g->emax - g->emin) : 0;
            g->started++;
            sim__tx_start_local(ch, c, tag, "ISO14443");
        }
        schedule_arrival(g);
    }
    sim__autogen_rearm(ch);
}

void sim__autogen_start(struct sim_charger *ch, json_t *sessions)
{
    struct sim_autogen *g = calloc(1, sizeof *g);
    json_t *d = json_object_get(sessions, "duration_s");

    if (!g)
        return;
    g->ch = ch;
    g->per_hour = json_number_value(json_object_get(sessions, "per_hour"));
    g->dmin = (int)json_integer_value(json_array_get(d, 0));
    g->dmax = (int)json_integer_value(json_array_get(d, 1));
    json_t *en = json_object_get(sessions, "energy_wh");
    g->emin = json_number_value(json_array_get(en, 0));
    g->emax = json_number_value(json_array_get(en, 1));
    if (g->per_hour <= 0 || g->dmin < 1 || g->dmax < g->dmin) {
        free(g);
        return;
    }
    g->tags = json_incref(json_object_get(sessions, "id_tags"));
    uv_timer_init(ch->rt->loop, &g->timer);
    ch->handles_open++;
    ch->autogen = g;
    sim__autogen_set(ch, 1);
}

int sim__autogen_set(struct sim_charger *ch, int on)
{
    struct sim_autogen *g = ch->autogen;
    if (!g)
        return -1;
    if (on && !g->running)
        schedule_arrival(g);
    g->running = on;
    sim__autogen_rearm(ch);
    return 0;
}

static void closed(uv_handle_t *h)
{
    struct sim_autogen *g = (struct sim_autogen *)h;
    struct sim_charger *ch = g->ch;
    json_decref(g->tags);
    free(g);
    ch->hooks->handle_closed(ch);
}

void sim__autogen_stop(struct sim_charger *ch)
{
    struct sim_autogen *g = ch->autogen;
    if (!g)
        return;
    ch->autogen = NULL;
    uv_timer_stop(&g->timer);
    uv_close((uv_handle_t *)&g->timer, closed);
}

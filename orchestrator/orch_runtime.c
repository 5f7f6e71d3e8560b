#include "orch_runtime.h"

#include <malloc.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include <unistd.h>

#include "cf_log.h"
#include "cf_time.h"
#include "ocpp_version.h"
#include "orch_jobs.h"
#include "orch_lease.h"
#include "orch_logs.h"
#include "orch_plans.h"
#include "orch_secret.h"
#include "sim_spec.h"

#define LOG_BACKLOG_MAX 200000   /* charger log entries waiting for the database */
#define LIVE_EVERY 5              /* live states go with every 5th flush (once a second) */


/* Takes claimable chargers: never claimed, or held by a runtime that died (its row in
 * runtimes was not renewed within its lease). A charger whose step FAILED is taken too
 * (it keeps trying, sql/023_retry.sql); one FAILED without a step_error never ran (a
 * ws_url or version the runtime cannot use) and is not (the same condition as the
 * partial index chargers_unowned, so the index serves it). One round takes at most its
 * share of the unclaimed steps among the runtimes alive, at least 50: all of them hear
 * of new work at once (NOTIFY cf_claim) and claim side by side, so a big job is spread
 * over the processes instead of going to the first one that looks. The two kinds of
 * claimable rows are looked for apart, each through its index (chargers_unowned in seq
 * order, chargers_owner by dead owner): the rows of live runtimes are not read. One
 * condition with an OR would make PostgreSQL read the whole table, every row held by a
 * live runtime, at every claim round of every runtime (BENCHMARKS.md, "Why the SQL
 * has its shape"). */
static const char SQL_CLAIM[] =
    "WITH rt AS (SELECT GREATEST(1, count(*)) AS n FROM runtimes WHERE lease_until >= now()), "
    /* the unclaimed are counted up to what the share can use, not all of a big job
     * (in seq order: the index is read from its start and no further) */
    "lim AS (SELECT LEAST($2::int, GREATEST(50, ceil("
    "    (SELECT count(*) FROM (SELECT 1 FROM chargers "
    "       WHERE lease_owner IS NULL AND (status <> 'FAILED' OR step_error IS NOT NULL) "
    "       ORDER BY seq LIMIT $2::int * (SELECT n FROM rt)) f) / (SELECT n FROM rt)::numeric)))::int AS n), "
    "u AS (SELECT id, seq FROM chargers "
    "  WHERE lease_owner IS NULL AND (status <> 'FAILED' OR step_error IS NOT NULL) "
    "    AND pending_change IS DISTINCT FROM 'delete' "
    "  ORDER BY seq LIMIT (SELECT n FROM lim) FOR UPDATE SKIP LOCKED), "
    /* a runtime's chargers are taken once it has not renewed for its whole lease,
     * counted from the later of its last renewal and the start of the taker's own
     * unbroken renewals (me.since), and only by a runtime whose lease is live:
     * docs/fencing.md */
    "d AS (SELECT id, seq FROM chargers "
    "  WHERE lease_owner IN (SELECT o.owner FROM runtimes o, runtimes me "
    "      WHERE me.owner = $1 AND me.lease_until >= now() "
    "        AND GREATEST(o.lease_until, me.since + make_interval(secs => o.lease_s)) "
    "            < now()) "
    "    AND (status <> 'FAILED' OR step_error IS NOT NULL) "
    "    AND pending_change IS DISTINCT FROM 'delete' "
    "  ORDER BY seq LIMIT (SELECT n FROM lim) FOR UPDATE SKIP LOCKED), "
    "c AS (SELECT id FROM (SELECT id, seq FROM u UNION ALL SELECT id, seq FROM d) x "
    "  ORDER BY seq LIMIT (SELECT n FROM lim)) "
"UPDATE chargers ch SET lease_owner = $1, lease_gen = nextval('cf_lease_gen'), "
    "  status = CASE WHEN ch.status = 'PENDING' THEN 'PROVISIONING' ELSE ch.status END, "
    "  pending_change = NULL, live = NULL, updated_at = now() "
    "FROM c WHERE ch.id = c.id "
    "RETURNING " ORCH_SQL_HELD_COLS("ch") ", "
    /* never a delay for a READY one taken over: it reconnects at once, spread by the
     * runtime's own pacing */
    "  (SELECT " ORCH_SQL_START_DELAY("ch", "j") " FROM jobs j "
    "   WHERE j.id = ch.job_id AND j.connect_rate IS NOT NULL AND ch.status <> 'READY') "
    "  AS start_delay_ms";

/* One statement for a whole batch of outcomes. A READY charger never goes back; a
 * FAILED one becomes READY only when accepted (late: its step_error, the step's
 * outcome, stays). error is what the charger waits on now (until READY clears it);
 * step_error is set once, when the step FAILED. A charger that cannot run at all
 * (release) gives its lease up. A row is changed only while it is this runtime's and no
 * change of the API waits on it (MINE); that test is in the values, not in the WHERE,
 * on purpose: as a filter, PostgreSQL has to estimate it, and on a table just filled
 * (no statistics yet, its defaults say ~1 row) it may scan the whole table and rescan
 * the batch for every row (BENCHMARKS.md, "Why the SQL has its shape"). With only the
 * id to join on, the rows are reached by id (pkey or hash join) whatever the
 * statistics say. A row no longer ours keeps its values. */
#define MINE                                                                            \
    "(ch.lease_owner IS NOT DISTINCT FROM $1 AND ch.lease_gen = u.gen "                   \
    " AND ch.pending_change IS NULL)"
/* A connector's status changed (its OCPI EVSE's status and last_updated follow it):
 * updated_at moves; energy, profiles and the rest of a live state leave it. */
#define STATUSES_CHANGED                                                                \
    "(u.live IS NOT NULL AND jsonb_path_query_array(u.live, '$.connectors[*].status') "  \
    "  IS DISTINCT FROM jsonb_path_query_array(ch.live, '$.connectors[*].status'))"
/* The answer: the rows of the batch held now by someone else, or by this runtime under
 * another token (its current one is lease_gen): the chargers running here for them are
 * dropped. */
static const char SQL_FLUSH[] =
    "WITH f AS (UPDATE chargers ch SET "
    "  status = CASE WHEN NOT " MINE " OR u.status IS NULL OR ch.status = 'READY' "
    "                  OR (ch.status = 'FAILED' AND u.status <> 'READY') "
    "                THEN ch.status ELSE u.status END, "
    "  error = CASE WHEN NOT " MINE " THEN ch.error WHEN u.status = 'READY' THEN NULL "
    "               WHEN u.error IS NOT NULL AND ch.status <> 'READY' THEN u.error "
    "               ELSE ch.error END, "
    "  step_error = CASE WHEN " MINE " AND u.step_error IS NOT NULL "
    "                      AND ch.status NOT IN ('READY', 'FAILED') "
    "                    THEN u.step_error ELSE ch.step_error END, "
    "  connected = CASE WHEN " MINE " THEN COALESCE(u.connected, ch.connected) "
    "                   ELSE ch.connected END, "
    "  ready_at = CASE WHEN " MINE " AND u.status = 'READY' THEN COALESCE(ch.ready_at, now()) "
    "                  ELSE ch.ready_at END, "
    "  boot_ms = CASE WHEN " MINE " THEN COALESCE(ch.boot_ms, u.boot_ms) ELSE ch.boot_ms END, "
    "  lease_owner = CASE WHEN " MINE " AND u.release THEN NULL ELSE ch.lease_owner END, "
    "  live = CASE WHEN " MINE " THEN COALESCE(u.live, ch.live) ELSE ch.live END, "
    "  updated_at = CASE WHEN NOT " MINE " OR (u.status IS NULL AND u.connected IS NULL "
    "                      AND NOT " STATUSES_CHANGED ") "
    "                    THEN ch.updated_at ELSE now() END "
    "FROM json_to_recordset($2::json) "
    "  AS u(id uuid, gen bigint, status text, error text, step_error text, release boolean, "
    "       connected boolean, live jsonb, boot_ms int) "
    "WHERE ch.id = u.id "
    "RETURNING ch.id, ch.lease_owner, ch.lease_gen, u.gen, u.release) "
    "SELECT id::text, lease_owner IS NOT DISTINCT FROM $1, lease_gen FROM f "
    "WHERE (lease_owner IS DISTINCT FROM $1 OR lease_gen <> gen) "
    "  AND NOT COALESCE(release, false)";
#undef MINE
#undef STATUSES_CHANGED

/* Chargers the API changed (deleted, or to reconnect with new settings). */
static const char SQL_CHANGES[] =
    "SELECT id, pending_change FROM chargers "
    "WHERE lease_owner = $1 AND pending_change IS NOT NULL";

/* Chargers closed because of a change: deleted rows go, restarted ones are given back
 * to be claimed again with their new settings. */
static const char SQL_SETTLE[] =
    "WITH x AS (SELECT id FROM json_array_elements_text($2::json) AS e(id)), "
    "d AS (DELETE FROM chargers c USING x WHERE c.id = x.id::uuid AND c.lease_owner = $1 "
    "  AND c.pending_change = 'delete' RETURNING 1) "
    "UPDATE chargers c SET lease_owner = NULL, pending_change = NULL, "
    "  connected = false, updated_at = now() "
    "FROM x WHERE c.id = x.id::uuid AND c.lease_owner = $1 AND c.pending_change = 'restart'";

/* Commands queued over REST for chargers this runtime holds, oldest first. */
static const char SQL_TAKE_COMMANDS[] =
    "WITH x AS (SELECT k.id FROM commands k JOIN chargers ch ON ch.id = k.charger_id "
    "  WHERE k.status = 'QUEUED' AND ch.lease_owner = $1 FOR UPDATE OF k SKIP LOCKED) "
    "UPDATE commands k SET status = 'RUNNING' FROM x WHERE k.id = x.id "
    "RETURNING k.id, k.charger_id, k.command, k.args::text, k.seq";

static const char SQL_COMMANDS_DONE[] =
    "UPDATE commands k SET status = u.status, result = u.result, error = u.error, "
    "  done_at = now() "
    "FROM json_to_recordset($1::json) AS u(id uuid, status text, result jsonb, error text) "
    "WHERE k.id = u.id";

static const char SQL_RELEASE[] =
    "UPDATE chargers SET lease_owner = NULL, connected = false "
    "WHERE lease_owner = $1";

/* The rows this runtime holds, with their tokens: after its lease lapsed (someone may
 * have taken some), what runs here is compared with them. */
static const char SQL_HELD[] =
    "SELECT id::text, lease_gen FROM chargers WHERE lease_owner = $1";

struct orch_charger {
    char id[37];
    long long gen;                /* the fencing token of its claim (chargers.lease_gen) */
    int changing;                 /* stopping because the API changed it */
    int dropped;                  /* stopping because it is no longer this runtime's
                                   * (fenced, or its token superseded): nothing more of
                                   * it is written */
    struct sim_charger *ch;
    struct orch_charger *next;    /* hash chain */
};

/* The periodic work of a runtime, in rounds driven by one timer (redis's
 * run_with_period in serverCron): the table `rounds` below gives each its period, and
 * the timer is armed for the round due first, so every round runs when it is due, as
 * if it had a timer of its own. A round whose query is still in flight is busy
 * (r->busy[round], set by the round when it sends, cleared by its callback) and is
 * not run again until it answers, whoever asks (the tick, a NOTIFY, the callback of
 * another round). Rounds due at the same tick run in this order. */
enum orch_round {
    ROUND_FENCE,     /* the lease: fence, give back after a fence, check after a lapse */
    ROUND_FLUSH,     /* chargers' outcomes and live states */
    ROUND_SETTLE,    /* chargers closed for a change: deleted or given back */
    ROUND_OUTCOMES,  /* the outcomes of commands carried out */
    ROUND_LOGS,      /* chargers' frames and connection events (orch_logs.h is its own
                      * judge of being busy) */
    ROUND_PUBLISH,   /* this runtime's figures in its runtimes row */
    ROUND_CHANGES,   /* chargers the API changed */
    ROUND_COMMANDS,  /* commands queued over REST */
    ROUND_EXPAND,    /* plans to write as rows (first: their rows are what a claim takes) */
    ROUND_CLAIM,     /* claimable chargers */
    ROUND__COUNT
};

struct orch_runtime {
    uv_loop_t *loop;
    struct db *db;
    struct sim_runtime *sim;
    struct orch_runtime_opts opts;
    char owner[48];
    uv_timer_t tick;            /* the rounds' timer; at a stop, the stop deadline */
    uint64_t due[ROUND__COUNT]; /* loop time (uv_now) each round runs next */
    int busy[ROUND__COUNT];     /* its query is in flight */
    struct orch_lease *lease;   /* its lease, renewed by a thread (orch_lease.h) */
    int fence_ms;               /* how long after a renewal's send it may act */
    int fenced;                 /* every charger dropped: the lease was not renewed in
                                 * time; until a renewal and the release of its rows */
    int unfencing, checking;    /* the release after a fence / the check after a lapse */
    int check_wanted;           /* a renewal found the lease lapsed: compare the rows */
    unsigned seen_gaps, seen_lapses, fence_renewals;
    unsigned fences, superseded;  /* for the figures */
    int abandoned;              /* chargers given up at the stop deadline */
    int stopping;
    int claim_room, expand_room;  /* rows the claim / plan write in flight may take */
    unsigned flushes;
    int stop_flush_failures;  /* a stop does not retry a failing write forever */
    int held;
    json_t *updates;        /* id -> {status?, error?, connected?}: merged, newest wins */
    json_t *in_flight;      /* the batch being written */
    json_t *settle;         /* ids of chargers closed for a change, to delete / give back */
    json_t *settle_in_flight;
    struct orch_logs *logs;  /* frames and connection events of the chargers held */
    json_t *outcomes;       /* [{id, status, result?, error?}] of commands carried out */
    json_t *dirty;          /* ids of chargers whose live state changed since the flush */
    json_t *outcomes_in_flight;
    struct orch_charger **buckets;   /* id -> charger held */
    size_t nbuckets;
    void (*done)(void *);
    void *done_arg;
    int handles_open;
};

static void round_run(struct orch_runtime *r, enum orch_round round);

void orch_runtime_opts_default(struct orch_runtime_opts *o)
{
    o->lease_s = 15;
    o->capacity = 19000;
    o->claim_batch = 1000;
    o->conninfo = NULL;
    sim_runtime_opts_default(&o->sim);
}

/* An outcome of charger oc for the next write, under the fencing token it was claimed
 * with: what an earlier holder of the same row here left unwritten is dropped. */
static void update(struct orch_runtime *r, struct orch_charger *oc, const char *key,
                   json_t *value)
{
    json_t *u = json_object_get(r->updates, oc->id);
    if (!u || json_integer_value(json_object_get(u, "gen")) != oc->gen) {
        u = json_pack("{s:I}", "gen", (json_int_t)oc->gen);
        json_object_set_new(r->updates, oc->id, u);
    }
    json_object_set_new(u, key, value);
}

static void ev_ready(struct sim_charger *ch, int first, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    update(r, oc, "status", json_string("READY"));
    update(r, oc, "connected", json_true());
    if (first)
        update(r, oc, "boot_ms", json_integer(sim_charger_boot_ms(ch)));
}

/* The step FAILED; the charger stays held and keeps trying. */
static void ev_failed(struct sim_charger *ch, const char *reason, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    update(r, oc, "status", json_string("FAILED"));
    update(r, oc, "error", json_string(reason));
    update(r, oc, "step_error", json_string(reason));
    update(r, oc, "connected", json_false());
}

/* Why a charger not accepted yet waits: its listing's error. */
static void ev_waiting(struct sim_charger *ch, const char *why, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    update(r, oc, "error", json_string(why));
}

static void finish_stop(struct orch_runtime *r);

/* A write of charger logs ended: a stop waits for them. */
static void logs_written(void *arg)
{
    struct orch_runtime *r = arg;
    if (r->stopping)
        finish_stop(r);
}

static void ev_changed(struct sim_charger *ch, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    json_object_set_new(r->dirty, oc->id, json_true());
}

static void ev_log(struct sim_charger *ch, const struct sim_log *e, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    orch_logs_add(r->logs, oc->id, e);
}

static void ev_connection(struct sim_charger *ch, int up, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    if (!up) /* "up" is written with READY: connected means booted and accepted */
        update(r, oc, "connected", json_false());
}

/* ---- the chargers held, by id ---- */

static size_t bucket_of(const struct orch_runtime *r, const char *id)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h & (r->nbuckets - 1);
}

static void held_add(struct orch_runtime *r, struct orch_charger *oc)
{
    size_t b = bucket_of(r, oc->id);
    oc->next = r->buckets[b];
    r->buckets[b] = oc;
}

static struct orch_charger *held_find(struct orch_runtime *r, const char *id)
{
    struct orch_charger *oc = r->buckets[bucket_of(r, id)];
    while (oc && strcmp(oc->id, id) != 0)
        oc = oc->next;
    return oc;
}

static void held_remove(struct orch_runtime *r, struct orch_charger *oc)
{
    struct orch_charger **pp = &r->buckets[bucket_of(r, oc->id)];
    while (*pp && *pp != oc)
        pp = &(*pp)->next;
    if (*pp)
        *pp = oc->next;
}

/* ---- the lease and fencing (docs/fencing.md) ---- */

/* 1 when the chargers may no longer be held here: the last renewal was sent more than
 * fence_ms ago and the last attempt did not find the database itself down, or a
 * renewal came after that point had passed unexcused (the process did not run).
 * Never before the first renewal (nothing is held then). */
static int lease_lost(const struct orch_runtime *r)
{
    if (!r->lease || orch_lease_renewals(r->lease) == 0)   /* stopped, or not yet */
        return 0;
    if (orch_lease_gaps(r->lease) != r->seen_gaps)
        return 1;
    return cf_mono_ms() > orch_lease_valid_until(r->lease) && !orch_lease_down(r->lease);
}

/* It may take work on: renewed and in time, not fenced, no lapse left unchecked. */
static int lease_held(const struct orch_runtime *r)
{
    return r->lease && orch_lease_renewals(r->lease) > 0 && !r->fenced && !r->checking &&
           !r->check_wanted && orch_lease_lapses(r->lease) == r->seen_lapses &&
           cf_mono_ms() <= orch_lease_valid_until(r->lease) && !lease_lost(r);
}

static void tick_cb(uv_timer_t *t);

/* The simulator's guard (sim_runtime_set_guard): runs before every frame. */
static int may_send(void *arg)
{
    struct orch_runtime *r = arg;
    if (r->fenced)
        return 0;
    if (lease_lost(r)) {
        if (!r->stopping) {   /* fence now: the fence round is due at once */
            r->due[ROUND_FENCE] = 0;
            uv_timer_start(&r->tick, tick_cb, 0, 0);
        }
        return 0;
    }
    return 1;
}

/* oc is no longer this runtime's to run: it closes, and nothing more of it is written. */
static void drop(struct orch_charger *oc, const char *why)
{
    oc->dropped = 1;
    CF_CLOG_INFO(sim_charger_identity(oc->ch), "%s: closing", why);
    sim_charger_stop(oc->ch);
}

/* The chargers held that keep(r, oc, arg) rejects go (collected first: the loop over
 * the buckets must not see them leave). Returns how many. */
static int drop_where(struct orch_runtime *r, int (*keep)(struct orch_charger *, void *),
                      void *arg, const char *why)
{
    size_t n = 0, cap = 64;
    struct orch_charger **out = malloc(cap * sizeof *out);
    for (size_t b = 0; out && b < r->nbuckets; b++)
        for (struct orch_charger *oc = r->buckets[b]; oc; oc = oc->next) {
            if (oc->dropped || oc->changing || keep(oc, arg))
                continue;
            if (n == cap) {
                struct orch_charger **more = realloc(out, 2 * cap * sizeof *out);
                if (!more)
                    break;
                out = more;
                cap *= 2;
            }
            out[n++] = oc;
        }
    for (size_t i = 0; i < n; i++)
        drop(out[i], why);
    free(out);
    return (int)n;
}

static int keep_none(struct orch_charger *oc, void *arg)
{
    return 0;
}

/* The lease was not renewed in time: every websocket closes now, before anyone may
 * take the chargers. They are given back once a renewal succeeds (maybe_unfence). */
static void fence(struct orch_runtime *r)
{
    char why[256];
    orch_lease_last_error(r->lease, why, sizeof why);
    int paused = orch_lease_gaps(r->lease) != r->seen_gaps;
    long long quiet = (long long)(cf_mono_ms() - orch_lease_valid_until(r->lease)) + r->fence_ms;
    r->fenced = 1;
    r->fences++;
    r->seen_gaps = orch_lease_gaps(r->lease);
    r->fence_renewals = orch_lease_renewals(r->lease);
    int n = drop_where(r, keep_none, NULL, "fenced: this runtime's lease was not renewed in time");
    if (paused)
        CF_LOG_WARN("orch", "fenced: this process did not run past its fence time (paused?); "
                    "closed %d charger%s: another runtime may have taken them", n,
                    n == 1 ? "" : "s");
    else
        CF_LOG_WARN("orch", "fenced: lease not renewed for %lld ms (%s); closed %d charger%s "
                    "before another runtime may take them; they are claimed again once the "
                    "lease is renewed", quiet,
                    why[0] ? why : "no attempt failed: this process did not run, or waits",
                    n, n == 1 ? "" : "s");
}

static void look_for_work(struct orch_runtime *r);

static void unfenced(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->unfencing = 0;
    if (r->stopping) {
        finish_stop(r);
        return;
    }
    if (err) {
        CF_LOG_WARN("orch", "cannot give the chargers back after a fence (will retry): %s", err);
        return;
    }
    r->fenced = 0;
    r->seen_lapses = orch_lease_lapses(r->lease);  /* nothing is held: nothing to check */
    r->check_wanted = 0;
    CF_LOG_INFO("orch", "lease renewed after a fence: %s charger row%s given back to be "
                "claimed; claiming again", PQcmdTuples(res),
                strcmp(PQcmdTuples(res), "1") ? "s" : "");
    look_for_work(r);
}

/* Fenced, every charger closed, and renewed since: its rows go back (anyone may claim
 * them, this runtime too). */
static void maybe_unfence(struct orch_runtime *r)
{
    if (r->unfencing || r->held > 0 || !db_ready(r->db) ||
        orch_lease_renewals(r->lease) == r->fence_renewals || lease_lost(r) ||
        cf_mono_ms() > orch_lease_valid_until(r->lease))
        return;
    const char *params[1] = {r->owner};
    r->unfencing = 1;
    db_query(r->db, SQL_RELEASE, 1, params, unfenced, r);
}

static int keep_if_mine(struct orch_charger *oc, void *arg)
{
    json_t *gen = json_object_get(arg, oc->id);
    return gen && json_integer_value(gen) == oc->gen;
}

static void checked(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->checking = 0;
    if (r->stopping) {
        finish_stop(r);
        return;
    }
    if (err) {
        CF_LOG_DEBUG("orch", "cannot check the chargers held after a lapse: %s", err);
        r->check_wanted = 1;
        return;
    }
    json_t *mine = json_object();
    for (int i = 0; i < PQntuples(res); i++)
        json_object_set_new(mine, PQgetvalue(res, i, 0),
                            json_integer(atoll(PQgetvalue(res, i, 1))));
    int n = drop_where(r, keep_if_mine, mine, "no longer this runtime's: taken over (its "
                                              "token superseded) or deleted while its lease "
                                              "had lapsed");
    json_decref(mine);
    r->superseded += (unsigned)n;
    if (n > 0)
        CF_LOG_WARN("orch", "the lease had lapsed: %d charger%s taken over elsewhere or deleted "
                    "meanwhile, closed here", n, n == 1 ? "" : "s");
    look_for_work(r);
}

/* The fence round: fence when the lease is lost; give the chargers back when it is
 * renewed after a fence; after a renewal that found the lease lapsed (a database
 * outage: the runtime kept its chargers), drop those someone else holds now. The
 * check waits for claims in flight, and no claim starts during it. */
static void fence_round(struct orch_runtime *r)
{
    if (r->stopping)
        return;
    if (!r->fenced && lease_lost(r)) {
        fence(r);
        return;
    }
    if (r->fenced) {
        r->seen_gaps = orch_lease_gaps(r->lease);   /* nothing held: a gap says nothing */
        maybe_unfence(r);
        return;
    }
    unsigned lapses = orch_lease_lapses(r->lease);
    if (lapses != r->seen_lapses) {
        r->seen_lapses = lapses;
        r->check_wanted = 1;
    }
    if (r->check_wanted && !r->checking && !r->busy[ROUND_CLAIM] && !r->busy[ROUND_EXPAND] &&
        db_ready(r->db)) {
        const char *params[1] = {r->owner};
        r->check_wanted = 0;
        r->checking = 1;
        db_query(r->db, SQL_HELD, 1, params, checked, r);
    }
}

static void ev_gone(struct sim_charger *ch, void *arg)
{
    struct orch_runtime *r = arg;
    struct orch_charger *oc = sim_charger_owner(ch);
    held_remove(r, oc);
    if (oc->dropped) {
        /* no longer this runtime's: what it left unwritten is not written */
        json_t *u = json_object_get(r->updates, oc->id);
        if (u && json_integer_value(json_object_get(u, "gen")) == oc->gen)
            json_object_del(r->updates, oc->id);
    } else if (oc->changing) {
        /* its last outcomes describe the old settings: drop them */
        json_object_del(r->updates, oc->id);
        json_array_append_new(r->settle, json_string(oc->id));
    }
    free(oc);
    if (r->abandoned) {            /* after the stop deadline: no longer counted */
        r->abandoned--;
        return;
    }
    r->held--;
    if (r->stopping && r->held == 0)
        finish_stop(r);
}

static void flush_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_FLUSH] = 0;
    if (err) {
        /* Keep the outcomes: merge the failed batch under anything newer. */
        CF_LOG_WARN("orch", "cannot write charger outcomes (will retry): %s", err);
        if (r->stopping)
            r->stop_flush_failures++;
        const char *id;
        json_t *u;
        json_object_foreach(r->in_flight, id, u) {
            json_t *newer = json_object_get(r->updates, id);
            if (!newer)
                json_object_set(r->updates, id, u);
            else if (json_equal(json_object_get(newer, "gen"), json_object_get(u, "gen")))
                json_object_update_missing(newer, u);
        }
    } else {
        /* rows someone else holds now (or this runtime under a newer token) */
        for (int i = 0; i < PQntuples(res); i++) {
            struct orch_charger *oc = held_find(r, PQgetvalue(res, i, 0));
            if (!oc || oc->dropped || oc->changing ||
                (!strcmp(PQgetvalue(res, i, 1), "t") && atoll(PQgetvalue(res, i, 2)) == oc->gen))
                continue;
            drop(oc, "taken over by another runtime (its token superseded)");
            r->superseded++;
        }
    }
    size_t rows = json_object_size(r->in_flight);
    json_decref(r->in_flight);
    r->in_flight = NULL;
    if (rows >= 1000)
        malloc_trim(0);       /* a burst (a fleet booting) grew the heap: give it back */
    if (r->stopping)
        finish_stop(r);
}

/* The live state of the chargers that changed goes with the next write. */
static void collect_live(struct orch_runtime *r)
{
    const char *id;
    json_t *v;
    json_object_foreach(r->dirty, id, v) {
        struct orch_charger *oc = held_find(r, id);
        if (oc && !oc->changing && !oc->dropped)
            update(r, oc, "live", sim_charger_live(oc->ch));
    }
    json_object_clear(r->dirty);
}

static void flush(struct orch_runtime *r)
{
    if (++r->flushes % LIVE_EVERY == 0 || r->stopping)
        collect_live(r);
    if (json_object_size(r->updates) == 0)
        return;
    json_t *rows = json_array();
    const char *id;
    json_t *u;
    json_object_foreach(r->updates, id, u) {
        json_t *row = json_deep_copy(u);
        json_object_set_new(row, "id", json_string(id));
        json_array_append_new(rows, row);
    }
    char *text = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    r->in_flight = r->updates;
    r->updates = json_object();
    r->busy[ROUND_FLUSH] = 1;
    const char *params[2] = {r->owner, text};
    db_query(r->db, SQL_FLUSH, 2, params, flush_done, r);
    free(text);
}

static void logs_round(struct orch_runtime *r)
{
    orch_logs_flush(r->logs);
}

static char *field(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static void claim(struct orch_runtime *r);

/* Starts the chargers of res (the columns of ORCH_SQL_HELD_COLS and start_delay_ms, read
 * by name; a row whose id is NULL is skipped). Returns how many rows it read. */
static int hold_rows(struct orch_runtime *r, PGresult *res)
{
    int n = 0;
    int c_id = PQfnumber(res, "id"), c_status = PQfnumber(res, "status"),
        c_gen = PQfnumber(res, "lease_gen"), c_delay = PQfnumber(res, "start_delay_ms");
    struct orch_spec_cols cols;
    orch_spec_columns(res, &cols);
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, c_id))
            continue;
        n++;
        struct cf_charger_spec spec;
        orch_spec_read(res, i, &cols, &spec);
        struct orch_charger *oc = calloc(1, sizeof *oc);
        snprintf(oc->id, sizeof oc->id, "%s", field(res, i, c_id));
        oc->gen = atoll(field(res, i, c_gen));
        struct orch_charger *before = held_find(r, oc->id);
        if (before && !before->dropped && !before->changing) {
            /* taken again while an earlier claim of it still runs here: that one goes */
            before->dropped = 1;
            sim_charger_stop(before->ch);
        }
        char *password = NULL, *key = NULL;   /* opened (orch_secret.h), wiped after */
        int sealed = orch_secret_open(spec.basic_password, "basic_password", &password);
        if (!sealed)
            sealed = orch_secret_open(spec.client_key_pem, "client_key_pem", &key);
        spec.basic_password = password;
        spec.client_key_pem = key;
        const char *status = field(res, i, c_status);
        struct sim_charger_cfg cfg = {
            .provisioned = !strcmp(status, "READY"),
            .step_failed = !strcmp(status, "FAILED"),
            .start_delay_ms = field(res, i, c_delay) ? atol(field(res, i, c_delay)) : 0,
        };
        sim_cfg_from_spec(&cfg, &spec);
        const struct ocpp_version *v = cfg.version;
        oc->ch = v && !sealed ? sim_charger_start(r->sim, &cfg, oc) : NULL;
        orch_spec_clear(&spec);
        orch_secret_free(password);
        orch_secret_free(key);
        if (!oc->ch) {
            update(r, oc, "status", json_string("FAILED"));
            update(r, oc, "error", json_string(sealed ? orch_secret_strerror(sealed)
                                               : v ? "bad ws_url" : "unknown ocpp_version"));
            update(r, oc, "release", json_true());
            free(oc);
            continue;
        }
        held_add(r, oc);
        r->held++;
    }
    if (n > 0)
        CF_LOG_INFO("orch", "claimed %d charger%s (holding %d)", n, n == 1 ? "" : "s", r->held);
    return n;
}

static void claim_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_CLAIM] = 0;
    r->claim_room = 0;
    if (r->stopping) {
        finish_stop(r);  /* rows claimed now are released by SQL_RELEASE */
        return;
    }
    if (err) {
        CF_LOG_DEBUG("orch", "claim failed: %s", err);
        return;
    }
    if (hold_rows(r, res) >= 50)
        round_run(r, ROUND_CLAIM); /* there may be more (a round takes a share, see SQL_CLAIM) */
}

static void claim(struct orch_runtime *r)
{
    if (r->stopping || !lease_held(r) || !db_ready(r->db))
        return;
    int room = r->opts.capacity - r->held - r->expand_room;
    if (room <= 0)
        return;
    if (room > r->opts.claim_batch)
        room = r->opts.claim_batch;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", room);
    const char *params[2] = {r->owner, limit};
    r->busy[ROUND_CLAIM] = 1;
    r->claim_room = room;
    db_query(r->db, SQL_CLAIM, 2, params, claim_done, r);
}

static void changes_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_CHANGES] = 0;
    if (r->stopping) {
        finish_stop(r);
        return;
    }
    if (err) {
        CF_LOG_DEBUG("orch", "change poll failed: %s", err);
        return;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        struct orch_charger *oc = held_find(r, PQgetvalue(res, i, 0));
        if (!oc) {
            /* held by this owner name but not running here: settle the row */
            json_array_append_new(r->settle, json_string(PQgetvalue(res, i, 0)));
            continue;
        }
        if (oc->changing || oc->dropped)
            continue;
        CF_CLOG_INFO(sim_charger_identity(oc->ch), "%s",
                    strcmp(PQgetvalue(res, i, 1), "delete") == 0
                        ? "deleted (API or TTL): closing"
                        : "settings changed: closing, to reconnect with the new ones");
        oc->changing = 1;
        sim_charger_stop(oc->ch);
    }
}

static void poll_changes(struct orch_runtime *r)
{
    if (r->stopping || r->held == 0 || r->fenced || !db_ready(r->db))
        return;
    const char *params[1] = {r->owner};
    r->busy[ROUND_CHANGES] = 1;
    db_query(r->db, SQL_CHANGES, 1, params, changes_done, r);
}

static void settle_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_SETTLE] = 0;
    if (err) {
        CF_LOG_WARN("orch", "cannot settle changed chargers (will retry): %s", err);
        if (r->stopping)
            r->stop_flush_failures++;
        json_array_extend(r->settle, r->settle_in_flight);
    }
    json_decref(r->settle_in_flight);
    r->settle_in_flight = NULL;
    if (r->stopping)
        finish_stop(r);
    else if (!err)
        round_run(r, ROUND_CLAIM);   /* restarted chargers are claimable now */
}

static void settle(struct orch_runtime *r)
{
    if (json_array_size(r->settle) == 0)
        return;
    char *text = json_dumps(r->settle, JSON_COMPACT);
    r->settle_in_flight = r->settle;
    r->settle = json_array();
    r->busy[ROUND_SETTLE] = 1;
    const char *params[2] = {r->owner, text};
    db_query(r->db, SQL_SETTLE, 2, params, settle_done, r);
    free(text);
}

/* ---- commands given over REST ---- */

static int by_seq(const void *a, const void *b)
{
    long long x = ((const long long *)a)[0], y = ((const long long *)b)[0];
    return x < y ? -1 : x > y;
}

static void commands_taken(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_COMMANDS] = 0;
    if (r->stopping) {
        finish_stop(r);
        return;
    }
    if (err) {
        CF_LOG_DEBUG("orch", "command poll failed: %s", err);
        return;
    }
    int n = PQntuples(res);
    long long (*order)[2] = calloc((size_t)n + 1, sizeof *order);
    for (int i = 0; i < n; i++) {
        order[i][0] = atoll(PQgetvalue(res, i, 4));
        order[i][1] = i;
    }
    qsort(order, (size_t)n, sizeof *order, by_seq);
    for (int k = 0; k < n; k++) {
        int i = (int)order[k][1];
        struct orch_charger *oc = held_find(r, PQgetvalue(res, i, 1));
        json_t *args = json_loads(PQgetvalue(res, i, 3), 0, NULL), *result = NULL;
        char why[256] = "the charger is not running here (try again)";
        int rc = oc && !oc->changing && !oc->dropped
                     ? sim_charger_command(oc->ch, PQgetvalue(res, i, 2), args, &result, why,
                                           sizeof why)
                     : -1;
        json_t *o = json_pack("{s:s,s:s}", "id", PQgetvalue(res, i, 0), "status",
                              rc == 0 ? "DONE" : "FAILED");
        json_object_set_new(o, rc == 0 ? "result" : "error",
                            rc == 0 ? (result ? result : json_object()) : json_string(why));
        json_array_append_new(r->outcomes, o);
        json_decref(args);
    }
    free(order);
}

static void take_commands(struct orch_runtime *r)
{
    if (r->stopping || r->held == 0 || !lease_held(r) || !db_ready(r->db))
        return;
    const char *params[1] = {r->owner};
    r->busy[ROUND_COMMANDS] = 1;
    db_query(r->db, SQL_TAKE_COMMANDS, 1, params, commands_taken, r);
}

static void outcomes_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_OUTCOMES] = 0;
    if (err) {
        CF_LOG_WARN("orch", "cannot write command outcomes (will retry): %s", err);
        if (r->stopping)
            r->stop_flush_failures++;
        json_array_extend(r->outcomes, r->outcomes_in_flight);
    }
    json_decref(r->outcomes_in_flight);
    r->outcomes_in_flight = NULL;
    if (r->stopping)
        finish_stop(r);
}

static void report_outcomes(struct orch_runtime *r)
{
    if (json_array_size(r->outcomes) == 0 || !db_ready(r->db))
        return;
    char *text = json_dumps(r->outcomes, JSON_COMPACT);
    r->outcomes_in_flight = r->outcomes;
    r->outcomes = json_array();
    r->busy[ROUND_OUTCOMES] = 1;
    const char *params[1] = {text};
    db_query(r->db, SQL_COMMANDS_DONE, 1, params, outcomes_done, r);
    free(text);
}

/* This runtime's load figures for GET /metrics, every second, in its row (which the
 * lease thread creates and renews: orch_lease.h). */
static const char SQL_PUBLISH[] =
    "UPDATE runtimes SET capacity = $2::int, held = $3::int, metrics = $4::jsonb, "
    "  seen_at = now() WHERE owner = $1";

static const char SQL_UNPUBLISH[] = "DELETE FROM runtimes WHERE owner = $1";

static void publish_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_PUBLISH] = 0;
    if (err)
        CF_LOG_DEBUG("orch", "cannot write this runtime's figures: %s", err);
    if (r->stopping)
        finish_stop(r);
}

static void unpublish_done(PGresult *res, const char *err, void *arg)
{
}

static void publish(struct orch_runtime *r)
{
    if (!db_ready(r->db))
        return;
    json_t *m = orch_runtime_metrics(r);
    char *text = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (!text)
        return;
    char cap[16], held[16];
    snprintf(cap, sizeof cap, "%d", r->opts.capacity);
    snprintf(held, sizeof held, "%d", r->held);
    const char *params[4] = {r->owner, cap, held, text};
    r->busy[ROUND_PUBLISH] = 1;
    db_query(r->db, SQL_PUBLISH, 4, params, publish_done, r);
    free(text);
}

json_t *orch_runtime_metrics(const struct orch_runtime *r)
{
    json_t *m = sim_runtime_metrics(r->sim);
    json_object_set_new(m, "db", db_stats(r->db));
    json_object_set_new(json_object_get(m, "queues"), "log_backlog",
                        json_integer(orch_logs_pending(r->logs)));
    json_object_set_new(m, "held", json_integer(r->held));
    json_object_set_new(m, "capacity", json_integer(r->opts.capacity));
    json_object_set_new(m, "lease", json_pack("{s:I,s:I,s:I,s:I}",
        "renewals", (json_int_t)(r->lease ? orch_lease_renewals(r->lease) : 0),
        "renew_failures", (json_int_t)(r->lease ? orch_lease_failures(r->lease) : 0),
        "fences", (json_int_t)r->fences, "superseded", (json_int_t)r->superseded));
    json_object_set_new(m, "fenced", json_integer(r->fenced));
    return m;
}

const char *orch_runtime_owner(const struct orch_runtime *r)
{
    return r->owner;
}

void orch_runtime_owner_prefix(int pid, char *out, size_t n)
{
    char host[32] = "";
    gethostname(host, sizeof host - 1);
    snprintf(out, n, "%.20s-%d-", host, pid);
}

static void notify_done(PGresult *res, const char *err, void *arg)
{
}

/* New claimable work was written: the other runtimes (workers) take their share now. */
static void notify_claim(struct orch_runtime *r)
{
    if (db_ready(r->db))
        db_query(r->db, "NOTIFY cf_claim", 0, NULL, notify_done, NULL);
}

/* Plans to expand first (their rows are what the claim takes), then a claim. */
static void look_for_work(struct orch_runtime *r)
{
    round_run(r, ROUND_EXPAND);
    round_run(r, ROUND_CLAIM);
}

static void expanded(long n, PGresult *held, void *arg)
{
    struct orch_runtime *r = arg;
    r->busy[ROUND_EXPAND] = 0;
    r->expand_room = 0;
    if (r->stopping) {
        finish_stop(r);  /* rows written held by it are released by SQL_RELEASE */
        return;
    }
    if (n == 0)
        return;
    if (held)
        hold_rows(r, held);
    if (n > 0)
        notify_claim(r);
    look_for_work(r);               /* another job may be waiting */
}

/* The rows a plan write may keep for this runtime: its room, less what a claim in
 * flight may take; reserved until the write answers (a claim meanwhile takes less). */
static int write_room(void *arg)
{
    struct orch_runtime *r = arg;
    int room = r->opts.capacity - r->held - r->claim_room;
    r->expand_room = room > 0 ? room : 0;
    return r->expand_room;
}

/* Writes the rows of a job accepted with its plan (orch_plans.h). */
static void expand(struct orch_runtime *r)
{
    if (r->stopping || !lease_held(r) || !db_ready(r->db))
        return;
    r->busy[ROUND_EXPAND] = 1;
    orch_plans_expand(r->loop, r->db, r->owner, write_room, expanded, r);
}

/* Each round: its name, when it first runs after the runtime starts, its period. */
static const struct {
    const char *name;
    int first_ms, period_ms;
    void (*fn)(struct orch_runtime *r);
} rounds[ROUND__COUNT] = {
    [ROUND_FENCE] = {"fence", 100, 100, fence_round},
    [ROUND_FLUSH] = {"flush", 200, 200, flush},
    [ROUND_SETTLE] = {"settle", 200, 200, settle},
    [ROUND_OUTCOMES] = {"outcomes", 200, 200, report_outcomes},
    [ROUND_LOGS] = {"logs", 200, 200, logs_round},
    [ROUND_PUBLISH] = {"publish", 100, 1000, publish},
    [ROUND_CHANGES] = {"changes", 100, 1000, poll_changes},
    [ROUND_COMMANDS] = {"commands", 100, 1000, take_commands},
    [ROUND_EXPAND] = {"expand", 100, 1000, expand},
    [ROUND_CLAIM] = {"claim", 100, 1000, claim},
};

/* Runs a round now unless its query is in flight. */
static void round_run(struct orch_runtime *r, enum orch_round round)
{
    if (!r->busy[round])
        rounds[round].fn(r);
}

/* Runs the rounds that are due, each next due a period after it ran (as a repeating
 * uv_timer re-arms from the time it fired), and arms the timer for the next one. */
static void tick_cb(uv_timer_t *t)
{
    struct orch_runtime *r = t->data;
    uint64_t now = uv_now(r->loop), next = UINT64_MAX;
    for (int i = 0; i < ROUND__COUNT; i++) {
        if (now >= r->due[i]) {
            r->due[i] = now + (uint64_t)rounds[i].period_ms;
            round_run(r, (enum orch_round)i);
        }
        if (r->due[i] < next)
            next = r->due[i];
    }
    if (!r->stopping)   /* a stop has taken the timer for its deadline */
        uv_timer_start(&r->tick, tick_cb, next > now ? next - now : 0, 0);
}

static void notified(void *arg);

struct orch_runtime *orch_runtime_new(uv_loop_t *loop, struct db *db, struct lws_context *ctx,
                                      const struct orch_runtime_opts *o)
{
    static const struct sim_events ev = {
        .ready = ev_ready, .failed = ev_failed, .waiting = ev_waiting,
        .connection = ev_connection, .gone = ev_gone, .log = ev_log, .changed = ev_changed,
    };
    struct orch_runtime *r = calloc(1, sizeof *r);
    r->loop = loop;
    r->db = db;
    r->opts = *o;
    if (r->opts.lease_s < 2)
        r->opts.lease_s = 2;
    r->fence_ms = ORCH_FENCE_MS(r->opts.lease_s);
    r->updates = json_object();
    r->settle = json_array();
    r->outcomes = json_array();
    r->dirty = json_object();
    r->logs = orch_logs_new(r->db, LOG_BACKLOG_MAX, logs_written, r);
    for (r->nbuckets = 64; r->nbuckets < (size_t)r->opts.capacity && r->nbuckets < (1u << 20);)
        r->nbuckets <<= 1;
    r->buckets = calloc(r->nbuckets, sizeof *r->buckets);
    unsigned char raw[8];
    RAND_bytes(raw, sizeof raw);
    char prefix[40];
    orch_runtime_owner_prefix((int)getpid(), prefix, sizeof prefix);
    snprintf(r->owner, sizeof r->owner, "%s%02x%02x%02x%02x", prefix, raw[0], raw[1], raw[2],
             raw[3]);
    r->sim = sim_runtime_new(loop, ctx, &r->opts.sim, &ev, r);
    if (r->sim && r->opts.conninfo)
        r->lease = orch_lease_start(r->opts.conninfo, r->owner, r->opts.lease_s, r->fence_ms,
                                    r->opts.capacity);
    if (!r->sim || !r->buckets || !r->logs || !r->lease) {
        if (!r->opts.conninfo)
            CF_LOG_ERROR("orch", "a runtime needs the database's conninfo for its lease");
        orch_lease_stop(r->lease);
        if (r->sim)
            sim_runtime_free(r->sim);
        json_decref(r->updates);
        json_decref(r->settle);
        json_decref(r->outcomes);
        json_decref(r->dirty);
        orch_logs_free(r->logs);
        free(r->buckets);
        free(r);
        return NULL;
    }
    sim_runtime_set_guard(r->sim, may_send, r);
    r->opts.conninfo = NULL;          /* borrowed: not kept */
    db_listen(db, "cf_claim", notified, r);
    uv_timer_init(loop, &r->tick);
    r->tick.data = r;
    for (int i = 0; i < ROUND__COUNT; i++)
        r->due[i] = uv_now(loop) + (uint64_t)rounds[i].first_ms;
    uv_timer_start(&r->tick, tick_cb, 0, 0);   /* it arms itself for the round due first */
    CF_LOG_INFO("orch", "runtime %s: lease %d s (self-fence after %d ms without renewal), capacity %d",
                r->owner, r->opts.lease_s, r->fence_ms, r->opts.capacity);
    return r;
}

/* Another process wrote work (NOTIFY cf_claim): claim now, not at the next tick. */
static void notified(void *arg)
{
    struct orch_runtime *r = arg;
    if (!r->stopping)
        look_for_work(r);
}

void orch_runtime_kick(struct orch_runtime *r)
{
    look_for_work(r);
    round_run(r, ROUND_COMMANDS);
    notify_claim(r);
}

static void handle_closed(uv_handle_t *h)
{
    struct orch_runtime *r = h->data;
    if (--r->handles_open > 0)
        return;
    void (*done)(void *) = r->done;
    void *arg = r->done_arg;
    db_listen(r->db, NULL, NULL, NULL);
    if (r->abandoned) {
        /* chargers still exist: the runtime and their owner data stay allocated */
        CF_LOG_WARN("orch", "leaving %d charger%s behind", r->abandoned,
                    r->abandoned == 1 ? "" : "s");
        done(arg);
        return;
    }
    sim_runtime_free(r->sim);
    json_decref(r->updates);
    json_decref(r->settle);
    json_decref(r->outcomes);
    json_decref(r->dirty);
    orch_logs_free(r->logs);
    free(r->buckets);
    free(r);
    done(arg);
}

static void release_done(PGresult *res, const char *err, void *arg)
{
    struct orch_runtime *r = arg;
    orch_lease_stop(r->lease);   /* no renewal may bring the row back */
    r->lease = NULL;
    if (err) {
        CF_LOG_WARN("orch", "cannot release leases (they expire in %d s): %s", r->opts.lease_s,
                    err);
    } else {   /* nothing held any more: the runtime's row goes (never before) */
        const char *params[1] = {r->owner};
        db_query(r->db, SQL_UNPUBLISH, 1, params, unpublish_done, NULL);
    }
    r->handles_open = 1;
    uv_close((uv_handle_t *)&r->tick, handle_closed);
}

/* Stop sequence: chargers stop (their last outcomes merge into r->updates), the
 * outcomes are written, then the leases are released. */
static void finish_stop(struct orch_runtime *r)
{
    for (int i = 0; i < ROUND__COUNT; i++)
        if (r->busy[i])
            return;
    if (r->checking || r->unfencing || r->held > 0 || orch_logs_busy(r->logs))
        return;
    if (db_ready(r->db) && r->stop_flush_failures < 3) {
        if (orch_logs_pending(r->logs) > 0 && orch_logs_flush(r->logs))
            return;
        if (json_array_size(r->outcomes) > 0) {
            round_run(r, ROUND_OUTCOMES);
            return;
        }
        if (json_object_size(r->updates) > 0) {
            round_run(r, ROUND_FLUSH);
            return;
        }
        if (json_array_size(r->settle) > 0) {
            round_run(r, ROUND_SETTLE);
            return;
        }
    }
    if (r->stopping == 2)
        return;
    r->stopping = 2;
    const char *params[1] = {r->owner};
    db_query(r->db, SQL_RELEASE, 1, params, release_done, r);
}

/* A stop does not wait forever for chargers that never report gone: a safety net, a
 * charger whose last close event is lost must not keep the process from exiting.
 * Their leases are released with the others; the runtime is then left allocated (the
 * libwebsockets context may still call into those chargers). */
#define STOP_DEADLINE_MS 20000

static void stop_deadline(uv_timer_t *t)
{
    struct orch_runtime *r = t->data;
    if (r->held == 0)
        return;
    CF_LOG_ERROR("orch", "%d charger%s did not close within %d s: stopping without them",
                 r->held, r->held == 1 ? "" : "s", STOP_DEADLINE_MS / 1000);
    r->abandoned = r->held;
    r->held = 0;
    finish_stop(r);
}

void orch_runtime_stop(struct orch_runtime *r, void (*done)(void *arg), void *arg)
{
    r->stopping = 1;
    r->done = done;
    r->done_arg = arg;
    uv_timer_start(&r->tick, stop_deadline, STOP_DEADLINE_MS, 0);   /* no more rounds */
    sim_runtime_stop_all(r->sim);
    finish_stop(r);
}

int orch_runtime_held(const struct orch_runtime *r)
{
    return r->held;
}

int orch_runtime_connected(const struct orch_runtime *r)
{
    return sim_runtime_connected(r->sim);
}

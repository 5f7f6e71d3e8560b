/* serve's local worker processes (see orch_workers.h). */
#include "orch_workers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "db.h"
#include "orch_runtime.h"
#include "orch_secret.h"

#define RESTART_MS 1000
#define KILL_AFTER_MS 30000       /* a worker that has not stopped by then is killed */
#define DEMAND_MS 2000            /* on demand: how often to look for work without room */
#define DEMAND_SETTLE_MS 6000     /* ... and how long a new worker has to publish its room */
#define WATCH_MS 500              /* how often the workers' leases are looked at */

extern char **environ;

struct worker {
    struct orch_workers *all;
    int index;
    uv_process_t proc;
    uv_pipe_t in;               /* the worker's stdin: closing it stops the worker */
    uv_timer_t restart;
    int running;                /* proc is a live process (its handle is open) */
    int in_open;
};

struct orch_workers {
    uv_loop_t *loop;
    char **argv;                /* exe, args ("worker" or "csms", options), NULL */
    char **env;                 /* environ with DATABASE_URL replaced */
    int n;
    int started;                /* workers w[0..started) have been spawned */
    struct db *demand;          /* on demand: where to look for work; NULL: all at once */
    uv_timer_t demand_timer;
    int demand_open, demand_busy;
    uint64_t settle_until;      /* no new worker before (uv_now) */
    int stopping;
    int unclean;                /* workers that did not exit 0 once told to stop */
    int open_handles;           /* timers, pipes and processes not closed yet */
    uv_timer_t kill_timer;
    int kill_open;
    struct db *watch;           /* orch_workers_watch: the leases of the workers */
    uv_timer_t watch_timer;
    int watch_open, watch_busy, kill_ms;
    char watch_owner[64];       /* serve's runtime: its unbroken renewals (since) */
    void (*done)(void *arg, int unclean);
    void *done_arg;
    struct worker w[];
};

static void spawn(struct worker *k);
static void timer_closed(uv_handle_t *h);

static void close_kill_timer(struct orch_workers *w)
{
    if (!w->kill_open)
        return;
    w->kill_open = 0;
    uv_close((uv_handle_t *)&w->kill_timer, timer_closed);
}

/* Stopping, some worker did not exit within KILL_AFTER_MS: serve must not wait forever. */
static void kill_cb(uv_timer_t *t)
{
    struct orch_workers *w = t->data;
    for (int i = 0; i < w->n; i++) {
        if (!w->w[i].running)
            continue;
        CF_LOG_ERROR("workers", "%s %d (pid %d) did not stop within %d s: killing it",
                     w->argv[1], w->w[i].index, w->w[i].proc.pid, KILL_AFTER_MS / 1000);
        uv_process_kill(&w->w[i].proc, SIGKILL);
    }
}

static void maybe_done(struct orch_workers *w)
{
    if (!w->stopping || w->open_handles > 0 || w->demand_busy || w->watch_busy)
        return;
    for (char **p = w->argv; *p; p++)
        free(*p);
    free(w->argv);
    for (char **p = w->env; *p; p++)
        free(*p);
    free(w->env);
    void (*done)(void *, int) = w->done;
    void *arg = w->done_arg;
    int unclean = w->unclean;
    free(w);
    if (done)
        done(arg, unclean);
}

/* The kill timer and the demand timer: handles of w itself (data = w). */
static void timer_closed(uv_handle_t *h)
{
    struct orch_workers *w = h->data;
    w->open_handles--;
    maybe_done(w);
}

static void handle_closed(uv_handle_t *h)
{
    struct worker *k = h->data;
    k->all->open_handles--;
    maybe_done(k->all);
}

/* A worker that died: its row goes and its chargers (and a plan it was writing, held
 * while the row lives) are claimable now, not after its lease. */
static const char SQL_GIVE_BACK[] =
    "WITH o AS (DELETE FROM runtimes WHERE pid = $1::int AND left(owner, length($2)) = $2 "
    "  RETURNING owner), "
    "c AS (UPDATE chargers SET lease_owner = NULL, connected = false "
    "  WHERE lease_owner IN (SELECT owner FROM o) RETURNING 1) "
    "SELECT count(*) FROM c";

static void notified_done(PGresult *res, const char *err, void *arg)
{
}

static void given_back(PGresult *res, const char *err, void *arg)
{
    struct orch_workers *w = arg;
    w->watch_busy--;
    if (err)
        CF_LOG_WARN("workers", "cannot give a dead worker's chargers back (they are taken "
                    "when its lease ends): %s", err);
    else if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") != 0) {
        CF_LOG_INFO("workers", "%s charger%s of the dead worker given back", PQgetvalue(res, 0, 0),
                    strcmp(PQgetvalue(res, 0, 0), "1") ? "s" : "");
        db_query(w->watch, "NOTIFY cf_claim", 0, NULL, notified_done, NULL);
    }
    maybe_done(w);
}

static void give_back(struct orch_workers *w, int pid)
{
    char spid[16], prefix[64];
    snprintf(spid, sizeof spid, "%d", pid);
    orch_runtime_owner_prefix(pid, prefix, sizeof prefix);
    const char *params[2] = {spid, prefix};
    w->watch_busy++;
    db_query(w->watch, SQL_GIVE_BACK, 2, params, given_back, w);
}

static void restart_cb(uv_timer_t *t)
{
    struct worker *k = t->data;
    if (!k->all->stopping)
        spawn(k);
}

static void exited(uv_process_t *p, int64_t status, int signal)
{
    struct worker *k = p->data;
    struct orch_workers *w = k->all;

    k->running = 0;
    if (k->in_open) {
        k->in_open = 0;
        uv_close((uv_handle_t *)&k->in, handle_closed);
    }
    uv_close((uv_handle_t *)p, handle_closed);
    if (w->stopping && orch_workers_running(w) == 0)
        close_kill_timer(w);
    if (w->stopping) {
        if (status == 0 && signal == 0) {
            CF_LOG_INFO("workers", "%s %d (pid %d) stopped", k->all->argv[1], k->index,
                        p->pid);
        } else {
            w->unclean++;
            CF_LOG_ERROR("workers", "%s %d (pid %d) %s %d while stopping", k->all->argv[1], k->index,
                         p->pid, signal ? "killed by signal" : "exited with status",
                         signal ? signal : (int)status);
        }
        return;
    }
    CF_LOG_WARN("workers", "%s %d (pid %d) %s %d: starting it again in %d ms", k->all->argv[1], k->index,
                p->pid, signal ? "killed by signal" : "exited with status",
                signal ? signal : (int)status, RESTART_MS);
    if (w->watch)
        give_back(w, p->pid);
    uv_timer_start(&k->restart, restart_cb, RESTART_MS, 0);
}

static void spawn(struct worker *k)
{
    struct orch_workers *w = k->all;
    uv_process_options_t o;
    uv_stdio_container_t stdio[3];

    uv_pipe_init(w->loop, &k->in, 0);
    k->in.data = k;
    memset(&o, 0, sizeof o);
    stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
    stdio[0].data.stream = (uv_stream_t *)&k->in;
    stdio[1].flags = UV_INHERIT_FD;
    stdio[1].data.fd = 1;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    o.file = w->argv[0];
    o.args = w->argv;
    o.env = w->env;
    o.stdio = stdio;
    o.stdio_count = 3;
    o.exit_cb = exited;
    k->proc.data = k;
    w->open_handles++;                     /* the pipe */
    k->in_open = 1;
    int rc = uv_spawn(w->loop, &k->proc, &o);
    if (rc != 0) {
        CF_LOG_ERROR("workers", "cannot start %s %d: %s", k->all->argv[1], k->index,
                     uv_strerror(rc));
        k->in_open = 0;
        uv_close((uv_handle_t *)&k->in, handle_closed);
        w->open_handles++;                 /* uv_spawn failures still need a close */
        uv_close((uv_handle_t *)&k->proc, handle_closed);
        if (!w->stopping)
            uv_timer_start(&k->restart, restart_cb, RESTART_MS * 5, 0);
        return;
    }
    w->open_handles++;                     /* the process */
    k->running = 1;
    CF_LOG_INFO("workers", "%s %d started (pid %d)", k->all->argv[1], k->index, k->proc.pid);
}

/* Chargers wait beyond the room of the runtimes alive: the same count the 202's
 * capacity warning and GET /metrics give (sql/028_capacity.sql). */
static const char SQL_DEMAND[] = "SELECT cf_room_left() < 0";

static void demand_done(PGresult *res, const char *err, void *arg)
{
    struct orch_workers *w = arg;

    w->demand_busy = 0;
    if (w->stopping || !w->demand_open) {
        maybe_done(w);
        return;
    }
    if (err || PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "t") != 0 ||
        w->started >= w->n)
        return;
    struct worker *k = &w->w[w->started++];
    CF_LOG_INFO("workers", "chargers wait that no runtime has room for: starting worker %d "
                           "of at most %d", k->index, w->n);
    w->settle_until = uv_now(w->loop) + DEMAND_SETTLE_MS;
    spawn(k);
}

static void demand_cb(uv_timer_t *t)
{
    struct orch_workers *w = t->data;

    if (w->demand_busy || w->started >= w->n || uv_now(w->loop) < w->settle_until ||
        !db_ready(w->demand))
        return;
    w->demand_busy = 1;
    db_query(w->demand, SQL_DEMAND, 0, NULL, demand_done, w);
}

/* The workers (pids, with their owner prefixes) that have not renewed for $3 ms,
 * counted from the later of their last renewal and the start of serve's own unbroken
 * renewals ($4's since), while serve's lease is live. */
static const char SQL_STALE[] =
    "SELECT p.pid, r.owner, "
    "  (extract(epoch FROM now() - (r.lease_until - make_interval(secs => r.lease_s))) "
    "   * 1000)::bigint "
    "FROM unnest($1::int[], $2::text[]) AS p(pid, prefix) "
    "JOIN runtimes r ON r.pid = p.pid AND left(r.owner, length(p.prefix)) = p.prefix "
    "JOIN runtimes me ON me.owner = $4 AND me.lease_until >= now() "
    "WHERE now() > GREATEST(r.lease_until - make_interval(secs => r.lease_s), me.since) "
    "  + make_interval(secs => $3::float8 / 1000)";

static void stale_done(PGresult *res, const char *err, void *arg)
{
    struct orch_workers *w = arg;
    w->watch_busy--;
    if (w->stopping || err) {
        maybe_done(w);
        return;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        int pid = atoi(PQgetvalue(res, i, 0));
        for (int j = 0; j < w->n; j++) {
            struct worker *k = &w->w[j];
            if (!k->running || k->proc.pid != pid)
                continue;
            CF_LOG_ERROR("workers", "%s %d (pid %d) has not renewed its lease for %s ms (paused "
                         "or hung, its chargers still connected): killing it before another "
                         "runtime may take them", w->argv[1], k->index, pid,
                         PQgetvalue(res, i, 2));
            uv_process_kill(&k->proc, SIGKILL);
        }
    }
}

static void watch_cb(uv_timer_t *t)
{
    struct orch_workers *w = t->data;
    if (w->watch_busy || w->stopping || !db_ready(w->watch))
        return;
    struct db_array pids = {0}, prefixes = {0};
    for (int i = 0; i < w->n; i++) {
        if (!w->w[i].running)
            continue;
        char spid[16], prefix[64];
        snprintf(spid, sizeof spid, "%d", w->w[i].proc.pid);
        orch_runtime_owner_prefix(w->w[i].proc.pid, prefix, sizeof prefix);
        db_array_add(&pids, spid, strlen(spid));
        db_array_add(&prefixes, prefix, strlen(prefix));
    }
    if (pids.count > 0 && db_array_text(&pids) && db_array_text(&prefixes)) {
        char ms[16];
        snprintf(ms, sizeof ms, "%d", w->kill_ms);
        const char *params[4] = {db_array_text(&pids), db_array_text(&prefixes), ms,
                                 w->watch_owner};
        w->watch_busy++;
        db_query(w->watch, SQL_STALE, 4, params, stale_done, w);
    }
    db_array_free(&pids);
    db_array_free(&prefixes);
}

void orch_workers_watch(struct orch_workers *w, struct db *db, int kill_ms, const char *owner)
{
    if (w->watch || w->stopping)
        return;
    w->watch = db;
    w->kill_ms = kill_ms;
    snprintf(w->watch_owner, sizeof w->watch_owner, "%s", owner);
    uv_timer_init(w->loop, &w->watch_timer);
    w->watch_timer.data = w;
    w->watch_open = 1;
    w->open_handles++;
    uv_timer_start(&w->watch_timer, watch_cb, WATCH_MS, WATCH_MS);
}

struct orch_workers *orch_workers_start(uv_loop_t *loop, const char *exe, int n,
                                        const char *const *args, const char *conninfo,
                                        struct db *demand)
{
    struct orch_workers *w = calloc(1, sizeof *w + (size_t)n * sizeof(struct worker));
    int na = 0, ne = 0;

    if (!w)
        return NULL;
    w->loop = loop;
    w->n = n;
    while (args[na])
        na++;
    w->argv = calloc((size_t)na + 2, sizeof(char *));
    w->argv[0] = strdup(exe);
    for (int i = 0; i < na; i++)
        w->argv[i + 1] = strdup(args[i]);
    while (environ[ne])
        ne++;
    w->env = calloc((size_t)ne + 3, sizeof(char *));
    int j = 0;
    for (int i = 0; i < ne; i++)
        if (strncmp(environ[i], "DATABASE_URL=", 13) != 0 &&
            strncmp(environ[i], "CHARGEFLEET_", 12) != 0)
            w->env[j++] = strdup(environ[i]);
    if (conninfo) {
        size_t len = strlen(conninfo) + 14;
        w->env[j] = malloc(len);
        snprintf(w->env[j++], len, "DATABASE_URL=%s", conninfo);
        /* the chargers' secrets are sealed under serve's key: its workers get it here
         * (never on their command line) */
        const char *key = orch_secret_key_text();
        if (key) {
            len = strlen(ORCH_SECRET_ENV) + strlen(key) + 2;
            w->env[j] = malloc(len);
            snprintf(w->env[j], len, "%s=%s", ORCH_SECRET_ENV, key);
        }
    }
    uv_timer_init(loop, &w->kill_timer);
    w->kill_timer.data = w;
    w->kill_open = 1;
    w->open_handles++;
    for (int i = 0; i < n; i++) {
        struct worker *k = &w->w[i];
        k->all = w;
        k->index = i + 1;
        uv_timer_init(loop, &k->restart);
        k->restart.data = k;
        w->open_handles++;
    }
    w->demand = demand;
    if (demand) {
        uv_timer_init(loop, &w->demand_timer);
        w->demand_timer.data = w;
        w->demand_open = 1;
        w->open_handles++;
        uv_timer_start(&w->demand_timer, demand_cb, DEMAND_MS, DEMAND_MS);
    } else {
        for (; w->started < n; w->started++)
            spawn(&w->w[w->started]);
    }
    return w;
}

void orch_workers_stop(struct orch_workers *w, void (*done)(void *arg, int unclean), void *arg)
{
    w->stopping = 1;
    w->done = done;
    w->done_arg = arg;
    if (w->demand_open) {
        w->demand_open = 0;
        uv_close((uv_handle_t *)&w->demand_timer, timer_closed);
    }
    if (w->watch_open) {
        w->watch_open = 0;
        uv_close((uv_handle_t *)&w->watch_timer, timer_closed);
    }
    for (int i = 0; i < w->n; i++) {
        struct worker *k = &w->w[i];
        uv_timer_stop(&k->restart);
        uv_close((uv_handle_t *)&k->restart, handle_closed);
        if (k->in_open) {           /* EOF on its stdin: the worker stops cleanly */
            k->in_open = 0;
            uv_close((uv_handle_t *)&k->in, handle_closed);
        }
    }
    if (orch_workers_running(w) > 0)
        uv_timer_start(&w->kill_timer, kill_cb, KILL_AFTER_MS, 0);
    else
        close_kill_timer(w);
    maybe_done(w);
}

void orch_workers_signal(struct orch_workers *w, int signum)
{
    for (int i = 0; i < w->n; i++)
        if (w->w[i].running)
            uv_process_kill(&w->w[i].proc, signum);
}

int orch_workers_running(const struct orch_workers *w)
{
    int n = 0;
    for (int i = 0; i < w->n; i++)
        n += w->w[i].running;
    return n;
}

/* What serve and worker share (cmd_runtime.h): the loop with the runtime on it, the
 * signals and the stop; their options are cmd_options.c. */
#include "cmd_runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf_log.h"
#include "cmd_proc.h"
#include "db.h"
#include "orch_migrate.h"
#include "orch_pg.h"
#include "orch_runtime.h"
#include "orch_secret.h"
#include "orch_sweep.h"
#include "sim_runtime.h"

/* ---- shutdown: stop chargers (clean close, leases released), then the rest ---- */

void cmd__close_rest(void *arg)
{
    struct cmd__app *a = arg;

    a->rt = NULL;
    if (a->role->close && a->role->close(a))
        return;     /* the role calls back here once its children have exited */
    if (a->parent_open) {
        a->parent_open = 0;
        uv_close((uv_handle_t *)&a->parent, NULL);
    }
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    uv_close((uv_handle_t *)&a->sigusr1, NULL);
    uv_close((uv_handle_t *)&a->sigusr2, NULL);
    if (a->db)
        db_close(a->db);
    a->db = NULL;
    lws_context_destroy(a->ctx);   /* finishes on the loop; see run_loop */
    if (a->role->closed)
        a->role->closed(a);
}

void cmd__stop_app(struct cmd__app *a)
{
    a->stopping = 1;
    if (a->role->stop)
        a->role->stop(a);
    if (a->rt)
        orch_runtime_stop(a->rt, cmd__close_rest, a);
    else
        cmd__close_rest(a);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct cmd__app *a = s->data;

    if (a->stopping) {
        CF_LOG_WARN("main", "second signal: exiting now");
        exit(1);
    }
    CF_LOG_INFO("main", "%s: stopping chargers (again to force)",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
    cmd__stop_app(a);
}

const char *cmd__configured_level;

/* SIGUSR1: debug; SIGUSR2: the configured level; serve passes both on to its workers. */
static void on_level_signal(uv_signal_t *s, int signum)
{
    struct cmd__app *a = s->data;

    cf_log_set_level(signum == SIGUSR1 ? "debug" : cmd__configured_level);
    CF_LOG_WARN("main", "%s: log level %s", signum == SIGUSR1 ? "SIGUSR1" : "SIGUSR2",
                cf_log_level_name());
    if (a->role->signal)
        a->role->signal(a, signum);
}

/* A worker started by serve --workers stops cleanly, leases released, when serve goes
 * away (cmd__watch_parent). */
static void parent_gone(void *arg)
{
    struct cmd__app *a = arg;

    if (a->stopping)
        return;
    CF_LOG_INFO("main", "serve went away: stopping chargers");
    cmd__stop_app(a);
}

static int run_loop(struct cmd__app *a, const struct cmd__cfg *c, const char *conninfo)
{
    struct orch_runtime_opts ro;
    int with_api = a->role->cmd.serve;
    int rc = 0;

    uv_loop_init(&a->loop);
    a->sigint.data = a->sigterm.data = a;
    uv_signal_init(&a->loop, &a->sigint);
    uv_signal_init(&a->loop, &a->sigterm);
    uv_signal_start(&a->sigint, on_signal, SIGINT);
    uv_signal_start(&a->sigterm, on_signal, SIGTERM);
    a->sigusr1.data = a->sigusr2.data = a;
    uv_signal_init(&a->loop, &a->sigusr1);
    uv_signal_init(&a->loop, &a->sigusr2);
    uv_signal_start(&a->sigusr1, on_level_signal, SIGUSR1);
    uv_signal_start(&a->sigusr2, on_level_signal, SIGUSR2);

    a->ctx = sim_lws_context_new(&a->loop);
    if (!a->ctx || db_open(&a->db, &a->loop, conninfo, 4) != 0) {
        CF_LOG_ERROR("main", a->ctx ? "bad database conninfo" : "cannot create lws context");
        rc = 1;
        goto fail;
    }
    orch_runtime_opts_default(&ro);
    ro.lease_s = c->lease_s;
    ro.conninfo = conninfo;
    ro.capacity = with_api && c->own_capacity >= 0 ? c->own_capacity : c->capacity;
    ro.sim.provision_timeout_s = c->provision_timeout;
    ro.sim.source_addresses = (const char *const *)c->sources;
    ro.sim.n_source_addresses = c->n_sources;
    if (c->max_connecting)
        ro.sim.max_connecting = c->max_connecting;
    /* serve (unless it runs none) and its workers share --connect-rate evenly */
    a->runners = with_api ? c->workers + (ro.capacity > 0) : 1;
    if (c->connect_rate && a->runners > 0)
        ro.sim.connect_rate = (double)c->connect_rate / a->runners;
    if (with_api && a->runners == 0)
        CF_LOG_WARN("main", "--own-capacity 0 and no --workers: chargers wait for `chargefleet "
                    "worker` processes on this database");
    a->rt = orch_runtime_new(&a->loop, a->db, a->ctx, &ro);
    if (!a->rt) {
        rc = 1;
        goto fail;
    }
    if (c->stdin_parent) {
        int w = cmd__watch_parent(&a->loop, &a->parent, parent_gone, a);
        a->parent_open = w >= 0;
        if (w > 0)
            CF_LOG_WARN("main", "cannot watch stdin: this worker will not stop with serve");
    }
    if (a->role->start && a->role->start(a, c, conninfo) != 0) {
        rc = 1;
        cmd__stop_app(a);
    }
    uv_run(&a->loop, UV_RUN_DEFAULT);
    /* On a foreign loop lws may still hold its context after the loop drained: a
     * second destroy completes it (a no-op when it is already gone). */
    lws_context_destroy(a->ctx);
    uv_run(&a->loop, UV_RUN_DEFAULT);
    if (a->role->free)
        a->role->free(a);
    if (uv_loop_close(&a->loop) != 0)
        CF_LOG_WARN("main", "the loop still had open handles at exit");
    if (a->unclean && rc == 0)
        rc = 1;                     /* say so: a worker failed (tests see the status) */
    return rc;
fail:
    a->rt = NULL;
    cmd__close_rest(a);
    uv_run(&a->loop, UV_RUN_DEFAULT);
    uv_loop_close(&a->loop);
    return rc;
}

int cmd__runtime_main(int argc, char **argv, const struct cmd__role *role, void *extra)
{
    struct cmd__cfg c = {.host = "127.0.0.1", .port = 8080, .max_body = 1048576,
                    .http_header_timeout = 10, .http_body_timeout = 30,
                    .http_max_connections = 1000,
                    .provision_timeout = 120, .lease_s = 15, .log_retention_h = 24,
                    .workers = -1, .own_capacity = -1};
    struct orch_pg pg = {0};
    struct cmd__args args = {0};
    char conninfo[1024], state_dir[512];
    struct cmd__app a;
    int serve = role->cmd.serve;
    int nofile, rc;

    if ((rc = cmd__options(argc, argv, &role->cmd, &args, &c)) >= 0) {
        cmd__cfg_free(&c);
        cmd__args_free(&args);
        return rc;
    }
    cmd__configured_level = cf_log_level_name();
    c.workers_auto = serve && c.workers < 0;
    if (c.workers < 0)
        c.workers = serve ? (int)uv_available_parallelism() : 0;
    nofile = cmd__raise_nofile();
    if (!c.capacity)
        c.capacity = nofile > 400 ? nofile - 200 : 200;
    if (c.db && !*c.db)
        c.db = NULL;
    if (!c.state_dir) {
        orch_pg_default_state_dir(state_dir, sizeof(state_dir));
        c.state_dir = state_dir;
    }

    /* the chargers' secrets (orch_secret.h): serve always has a key, a worker may not */
    char where[1100], why[1200];
    int sk = orch_secret_load(c.secret_key_file, c.state_dir, serve, where, sizeof where,
                              why, sizeof why);
    if (sk < 0) {
        fprintf(stderr, "chargefleet: %s\n", why);
        cmd__cfg_free(&c);
        cmd__args_free(&args);
        return 2;
    }
    if (sk > 0)
        fprintf(stderr, "chargefleet: no secret key ($CHARGEFLEET_SECRET_KEY, "
                        "--secret-key-file): chargers with a password or a client key fail "
                        "here\n");

    if (role->prepare && (rc = role->prepare(&c)) >= 0)
        goto out;
    rc = 1;
    if (!c.db) {
        if (!serve) {
            fprintf(stderr, "chargefleet: worker needs --db URL (or CHARGEFLEET_DB, "
                            "DATABASE_URL)\n");
            rc = 2;
            goto out;
        }
        if (orch_pg_start(&pg, c.state_dir, conninfo, sizeof(conninfo)) != 0)
            goto out;
    } else {
        snprintf(conninfo, sizeof(conninfo), "%s", c.db);
    }
    if (orch_migrate(conninfo, 30) < 0)
        goto out;
    orch_sweep_now(conninfo);
    memset(&a, 0, sizeof(a));
    a.role = role;
    a.extra = extra;
    rc = run_loop(&a, &c, conninfo);
    CF_LOG_INFO("main", "stopped");
out:
    cmd__cfg_free(&c);
    orch_pg_stop(&pg);
    cmd__args_free(&args);
    return rc;
}

/* `chargefleet serve`: the REST API, the orchestrator and a simulator runtime in one
 * process, with its local workers and the built-in CSMS as child processes. The
 * runtime's wiring is shared with worker (cmd_runtime.c); what is serve's is here, as
 * the hooks of its role. */
#include "cmd_serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "api_http.h"
#include "api_ocpi_push.h"
#include "fleet_policy.h"
#include "api_routes.h"
#include "cf_log.h"
#include "cf_net.h"
#include "cmd_runtime.h"
#include "db.h"
#include "orch_pg.h"
#include "orch_runtime.h"
#include "orch_sweep.h"
#include "orch_tenants.h"
#include "orch_workers.h"

#define SWEEP_MS 2000   /* TTL expiry and deletions: how often serve sweeps */
#define PUSH_MS 500     /* EVSE status changes to registered eMSPs: how often to look */
#define API_DB_POOL 3   /* the API's own database connections (the runtime has 4) */

static const char SERVE_USAGE[] =
    "usage: chargefleet serve [options]\n"
    "\n"
    "  --listen HOST:PORT          where the REST API listens (127.0.0.1:8080)\n"
    "  --db URL                    PostgreSQL URL or conninfo (also $DATABASE_URL; without\n"
    "                              one, a private embedded PostgreSQL under --state-dir)\n"
    "  --state-dir DIR             embedded PostgreSQL's home and the kept API token\n"
    "                              (/var/lib/chargefleet as root, else\n"
    "                              ~/.local/state/chargefleet)\n"
    "  --api-token TOKEN           bearer token of tenant \"default\" (visible in ps: prefer\n"
    "                              the environment or --api-token-file)\n"
    "  --api-token-file FILE       the token is the file's first line\n"
    "                              (without a token: the one kept in <state-dir>/api-token,\n"
    "                              made and printed on the first start, mode 0600)\n"
    "  --provision-timeout SECONDS a charger not accepted by its CSMS by then is FAILED (120)\n"
    "  --default-ws-url URL        CSMS for chargers whose group and CPO give no ws_url\n"
    "                              (without one: the built-in CSMS, see --builtin-csms)\n"
    "  --builtin-csms HOST:PORT|off  without --default-ws-url, serve runs `chargefleet\n"
    "                              csms` there for chargers given no ws_url (127.0.0.1:0:\n"
    "                              a free port, in /healthz); off: such chargers are\n"
    "                              refused (422)\n"
    "  --ca-dir DIR                ca_file paths a request names must lie in DIR (after\n"
    "                              links and '..'); without it ca_file is refused (422)\n"
    "                              and CA certificates come inline (ca_pem)\n"
    "  --allow-ws-hosts LIST       CSMS hosts a ws_url may name: host names (matched as\n"
    "                              written, not resolved), IPs and CIDRs, comma separated\n"
    "                              (127.0.0.0/8,::1,csms.example.com); others are refused\n"
    "                              (422), the default ws_url too (serve does not start).\n"
    "                              Default: any host\n"
    "  --max-body BYTES            largest request body accepted (1048576)\n"
    "  --http-header-timeout SECONDS  an HTTP connection that has not sent a request's\n"
    "                              headers this long after it opened (kept alive: after\n"
    "                              the next request's first byte) is closed (10)\n"
    "  --http-body-timeout SECONDS a request body not all in this long after its headers\n"
    "                              gets 408 and the connection is closed (30)\n"
    "  --http-max-connections N    open REST API connections at most; more are closed at\n"
    "                              once, unanswered (1000)\n"
    "  --lease-seconds SECONDS     claim lease; a runtime that cannot renew it closes its\n"
    "                              chargers after 3/5 of it, others take them after it\n"
    "                              (15; docs/fencing.md)\n"
    "  --capacity N                most chargers this process runs (open-files limit - 200)\n"
    "  --own-capacity N            most chargers serve's own runtime runs (--capacity); 0:\n"
    "                              serve answers the API and writes plans, workers (its own\n"
    "                              or `chargefleet worker`) run the chargers\n"
    "  --workers N|auto            local worker processes besides serve's own runtime, each\n"
    "                              with its own sockets (one process holds < open-files\n"
    "                              limit chargers); they stop with serve. N: started at\n"
    "                              once; auto: up to one per core, each started when\n"
    "                              chargers wait that no runtime has room for (auto)\n"
    CMD__RUNTIME_USAGE
    "  --log-retention HOURS       charger logs (frames, connection events) are kept this\n"
    "                              long (24)\n"
    CMD__SOURCES_USAGE;

/* What serve adds to the process (struct cmd__app's extra). */
struct serve {
    struct db *api_db;              /* the API's own: requests never queue behind a claim,
                                     * a batch of charger logs or an outcome write */
    int worker_slots;               /* --workers: local workers serve may run */
    int worker_capacity;            /* the chargers each of them takes */
    struct api *api;
    struct api_server *server;
    struct orch_sweep *sweep;
    struct api_ocpi_push *push;
    struct orch_workers *workers;
    struct orch_workers *csms;      /* the built-in CSMS (a `chargefleet csms` child) */
};

/* serve without --default-ws-url: where its built-in CSMS listens (--builtin-csms,
 * 127.0.0.1:0 by default: a port free now, taken from the kernel), and the ws_url
 * that becomes the default. 0 (with --builtin-csms off too: then there is none), or
 * -1 after saying why. */
static int builtin_csms(struct cmd__cfg *c)
{
    const char *at = c->builtin_csms ? c->builtin_csms : "127.0.0.1:0";
    const char *colon = strrchr(at, ':');
    char host[256];
    long port;

    if (strcmp(at, "off") == 0)
        return 0;
    if (!colon || colon == at || (size_t)(colon - at) >= sizeof host ||
        cmd__parse_int("--builtin-csms", colon + 1, 0, 65535, &port) != 0) {
        fprintf(stderr, "chargefleet: --builtin-csms wants HOST:PORT or off, got '%s'\n", at);
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - at), at);
    if (port == 0 && (port = cf_net_free_port(host)) <= 0) {
        fprintf(stderr, "chargefleet: --builtin-csms: no free port on %s\n", host);
        return -1;
    }
    snprintf(c->builtin_listen, sizeof c->builtin_listen, "%s:%ld", host, port);
    snprintf(c->builtin_url, sizeof c->builtin_url, "ws://%s:%ld/ocpp", host, port);
    c->default_ws_url = c->builtin_url;
    return 0;
}

/* Without a configured token, serve keeps one in <state-dir>/api-token (0600): made
 * and printed on the first start, the same on every later one, so a restart does not
 * lock out the clients that have it. */
static int kept_token(const char *state_dir, char *out, size_t n)
{
    char path[600];
    int fd;

    snprintf(path, sizeof path, "%s/api-token", state_dir);
    if (access(path, F_OK) == 0) {
        if (cmd__read_token_file(path, out, n) != 0)
            return -1;
        printf("chargefleet: API token: the one kept in %s\n", path);
        fflush(stdout);
        return 0;
    }
    if (orch_token_new(out) != 0) {
        fprintf(stderr, "chargefleet: no randomness for an API token\n");
        return -1;
    }
    if (orch_pg_mkdir_p(state_dir, 0700) != 0 ||
        (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
        fprintf(stderr, "chargefleet: cannot keep the API token in %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    dprintf(fd, "%s\n", out);
    close(fd);
    printf("chargefleet: API token (made now, kept in %s; set --api-token-file or "
           "$CHARGEFLEET_API_TOKEN to choose): %s\n", path, out);
    fflush(stdout);
    return 0;
}

/* ---- the role's hooks (cmd_runtime.h) ---- */

static int serve_prepare(struct cmd__cfg *c)
{
    if (!c->default_ws_url && builtin_csms(c) != 0)
        return 2;
    /* what tenants may name (--ca-dir, --allow-ws-hosts); the default ws_url obeys it */
    char policy_err[300];
    int policy_bad = fleet_policy_set(c->ca_dir, c->ws_hosts, policy_err,
                                    sizeof policy_err) != 0;
    if (policy_bad)
        fprintf(stderr, "chargefleet: %s\n", policy_err);
    else if (c->default_ws_url && !fleet_policy_ws_host_ok(c->default_ws_url))
        policy_bad = fprintf(stderr, "chargefleet: the default ws_url %s names a host "
                             "--allow-ws-hosts does not allow (%s): add it to the list, or "
                             "give --default-ws-url another\n", c->default_ws_url, c->ws_hosts);
    if (policy_bad)
        return 2;
    if (cf_net_probe_listen(c->host, c->port, "choose another address with --listen "
                                              "HOST:PORT, or PORT=8081 ./scripts/run") != 0)
        return 1;
    if (!c->token || !*c->token) {
        if (kept_token(c->state_dir, c->token_buf, sizeof c->token_buf) != 0)
            return 1;
        c->token = c->token_buf;
    }
    return -1;
}

static json_t *local_runtime(void *arg)
{
    struct cmd__app *a = arg;

    if (!a->rt)
        return NULL;
    return json_pack("{s:s,s:i,s:f,s:o}", "owner", orch_runtime_owner(a->rt), "pid",
                     (int)getpid(), "age_s", 0.0, "metrics", orch_runtime_metrics(a->rt));
}

/* What the local workers serve may still start could take (--workers auto). */
static long spare_room(void *arg)
{
    struct cmd__app *a = arg;
    struct serve *s = a->extra;

    if (!s->workers || a->stopping)
        return 0;
    return (long)(s->worker_slots - orch_workers_running(s->workers)) * s->worker_capacity;
}

static void kick_runtime(void *arg)
{
    struct cmd__app *a = arg;

    if (a->rt && !a->stopping)
        orch_runtime_kick(a->rt);
}

/* serve --workers N|auto: the local worker processes, watched (killed when silent
 * past their lease: docs/fencing.md); a failure to start them is logged, serve goes on. */
static void start_workers(struct cmd__app *a, struct serve *s, const struct cmd__cfg *c,
                          const char *conninfo)
{
    char exe[4096];
    size_t exe_len = sizeof exe;
    char lease[16], timeout[16], cap[16], rate[32], maxc[16];
    const char *args[24];
    int n = 0;
    snprintf(lease, sizeof lease, "%d", c->lease_s);
    snprintf(timeout, sizeof timeout, "%d", c->provision_timeout);
    args[n++] = "worker";
    args[n++] = "--lease-seconds";
    args[n++] = lease;
    args[n++] = "--provision-timeout";
    args[n++] = timeout;
    args[n++] = "--log-level";
    args[n++] = cmd__configured_level;
    args[n++] = "--log-format";
    args[n++] = cf_log_format_name();
    args[n++] = "--stop-with-parent";
    if (c->capacity_given) {
        snprintf(cap, sizeof cap, "%d", c->capacity);
        args[n++] = "--capacity";
        args[n++] = cap;
    }
    if (c->sources_arg) {
        args[n++] = "--source-addresses";
        args[n++] = c->sources_arg;
    }
    if (c->connect_rate) {
        int share = c->connect_rate / a->runners;
        snprintf(rate, sizeof rate, "%d", share > 0 ? share : 1);
        args[n++] = "--connect-rate";
        args[n++] = rate;
    }
    if (c->max_connecting) {
        snprintf(maxc, sizeof maxc, "%d", c->max_connecting);
        args[n++] = "--max-connecting";
        args[n++] = maxc;
    }
    args[n] = NULL;
    if (uv_exepath(exe, &exe_len) != 0) {
        CF_LOG_ERROR("main", "cannot find this program's path to start workers");
    } else {
        s->workers = orch_workers_start(&a->loop, exe, c->workers, args, conninfo,
                                        c->workers_auto ? a->db : NULL);
        if (s->workers) {
            orch_workers_watch(s->workers, a->db, ORCH_KILL_MS(c->lease_s),
                               orch_runtime_owner(a->rt));
            s->worker_slots = c->workers;
            s->worker_capacity = c->capacity;
        }
    }
}

/* serve without --default-ws-url: `chargefleet csms` as a child; a failure to start it
 * is logged, serve goes on. */
static void start_builtin_csms(struct cmd__app *a, struct serve *s, const struct cmd__cfg *c)
{
    char exe[4096];
    size_t exe_len = sizeof exe;
    const char *args[] = {"csms", "--listen", c->builtin_listen, "--stop-with-parent",
                          "--log-level", "warn", "--log-format", cf_log_format_name(),
                          NULL};
    if (uv_exepath(exe, &exe_len) == 0)
        s->csms = orch_workers_start(&a->loop, exe, 1, args, NULL, NULL);
    if (!s->csms)
        CF_LOG_ERROR("main", "cannot start the built-in CSMS");
    else
        CF_LOG_INFO("main", "built-in CSMS at %s: chargers without a ws_url connect "
                    "there (--default-ws-url or --builtin-csms off to change)",
                    c->builtin_url);
}

/* The API on its own database connections, the sweep and the OCPI pushes. 0, or -1
 * when the API cannot listen. */
static int start_api(struct cmd__app *a, struct serve *s, const struct cmd__cfg *c,
                     const char *conninfo)
{
    char public_url[300];

    db_open(&s->api_db, &a->loop, conninfo, API_DB_POOL);   /* conninfo parsed above */
    struct api_opts ao = {
        .db = s->api_db, .token = c->token, .default_ws_url = c->default_ws_url,
        .builtin_csms = c->builtin_url[0] != '\0',
        .kick = kick_runtime, .kick_arg = a,
        .local_runtime = local_runtime, .local_runtime_arg = a,
        .spare_room = spare_room, .spare_room_arg = a,
    };
    snprintf(public_url, sizeof(public_url), "http://%s:%d", c->host, c->port);
    ao.public_url = public_url;
    s->api = api_new(&ao);
    struct api_server_limits lim = {(size_t)c->max_body, c->http_header_timeout,
                                    c->http_body_timeout, c->http_max_connections};
    s->server = api_server_new(a->ctx, c->host, c->port, &lim, api_dispatch, s->api);
    if (!s->server)
        return -1;
    struct api_fetch_env fe = {&a->loop, a->ctx, api_server_vhost(s->server)};
    api_set_fetch_env(s->api, &fe);
    s->sweep = orch_sweep_start(&a->loop, a->db, SWEEP_MS, c->log_retention_h * 3600,
                                c->provision_timeout);
    s->push = api_ocpi_push_start(a->db, &fe, PUSH_MS);
    printf("chargefleet: listening on %s\n", public_url);
    fflush(stdout);
    return 0;
}

/* The local workers, the built-in CSMS, then the API, the sweep and the OCPI pushes. */
static int serve_start(struct cmd__app *a, const struct cmd__cfg *c, const char *conninfo)
{
    struct serve *s = a->extra;

    if (c->workers > 0)
        start_workers(a, s, c, conninfo);
    if (c->builtin_url[0])
        start_builtin_csms(a, s, c);
    return start_api(a, s, c, conninfo);
}

static void workers_stopped(void *arg, int unclean)
{
    struct cmd__app *a = arg;
    struct serve *s = a->extra;

    s->workers = NULL;
    a->unclean = unclean;
    if (!a->rt)
        cmd__close_rest(a);
}

static void csms_stopped(void *arg, int unclean)
{
    struct cmd__app *a = arg;
    struct serve *s = a->extra;

    s->csms = NULL;
    a->unclean += unclean;
    cmd__close_rest(a);
}

static void serve_stop(struct cmd__app *a)
{
    struct serve *s = a->extra;

    if (s->workers)
        orch_workers_stop(s->workers, workers_stopped, a);
}

static int serve_close(struct cmd__app *a)
{
    struct serve *s = a->extra;

    if (s->workers)
        return 1;   /* workers_stopped comes back to cmd__close_rest once they have exited */
    if (s->csms) {  /* last: every charger has closed its connection to it */
        orch_workers_stop(s->csms, csms_stopped, a);
        return 1;
    }
    api_shutdown(s->api);
    orch_sweep_stop(s->sweep);
    s->sweep = NULL;
    api_ocpi_push_stop(s->push);
    s->push = NULL;
    if (s->api_db)
        db_close(s->api_db);
    s->api_db = NULL;
    return 0;
}

static void serve_closed(struct cmd__app *a)
{
    struct serve *s = a->extra;

    api_server_free(s->server);
    s->server = NULL;
}

static void serve_free(struct cmd__app *a)
{
    struct serve *s = a->extra;

    api_free(s->api);
    s->api = NULL;
}

static void serve_signal(struct cmd__app *a, int signum)
{
    struct serve *s = a->extra;

    if (s->workers)
        orch_workers_signal(s->workers, signum);
}

int cmd_serve(int argc, char **argv)
{
    static struct serve s;
    static const struct cmd__role role = {
        .cmd = {.name = "serve", .usage = SERVE_USAGE, .serve = 1},
        .prepare = serve_prepare, .start = serve_start, .stop = serve_stop,
        .close = serve_close, .closed = serve_closed, .free = serve_free,
        .signal = serve_signal,
    };

    memset(&s, 0, sizeof s);
    return cmd__runtime_main(argc, argv, &role, &s);
}

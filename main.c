/* chargefleet: one binary, one command per run. main owns the process's libuv loop
 * and wires the layers for the command: serve (API + orchestrator + simulator),
 * worker (orchestrator + simulator), run (runner/: conformance runs, no database) or
 * csms (the built-in CSMS). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "api_http.h"
#include "api_ocpi_push.h"
#include "api_routes.h"
#include "cf_log.h"
#include "db.h"
#include "orch_migrate.h"
#include "orch_pg.h"
#include "orch_runtime.h"
#include "orch_sweep.h"
#include "orch_tenants.h"
#include "orch_workers.h"
#include "run_main.h"
#include "sim_csms.h"
#include "sim_runtime.h"

#define SWEEP_MS 2000   /* TTL expiry and deletions: how often serve sweeps */
#define PUSH_MS 500     /* EVSE status changes to registered eMSPs: how often to look */
#define API_DB_POOL 3   /* the API's own database connections (the runtime has 4) */

static const char USAGE[] =
    "usage: chargefleet <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve    REST API + orchestrator + simulator runtime in one process\n"
    "  worker   simulator runtime only: claims chargers from a shared database (--db)\n"
    "  run      a conformance run from a scenario file or a built-in suite (no database)\n"
    "  csms     a small built-in CSMS that accepts everything (demos, benchmarks)\n"
    "  token    token create --tenant NAME: a new API token for a tenant\n"
    "\n"
    "`chargefleet <command> --help` lists the options of a command.\n";

#define RUNTIME_USAGE                                                                      \
    "  --source-addresses LIST     local addresses to connect from, in turn: A,B or a range\n" \
    "                              A-B (127.0.0.2-127.0.0.9); each adds ~28,000 ports toward\n" \
    "                              one CSMS address (default: the system picks)\n"            \
    "  --connect-rate N            at most N new websocket connections per second (serve:\n"   \
    "                              shared by serve and its workers; 0 = no cap) (0)\n"          \
    "  --max-connecting N          websocket handshakes in flight at once, per process (500)\n"

static const char SERVE_USAGE[] =
    "usage: chargefleet serve [options]\n"
    "\n"
    "  --listen HOST:PORT          where the REST API listens (127.0.0.1:8080)\n"
    "  --db URL                    PostgreSQL URL or conninfo (default: $DATABASE_URL; without\n"
    "                              either, a private embedded PostgreSQL under --state-dir)\n"
    "  --state-dir DIR             embedded PostgreSQL's home (/var/lib/chargefleet as root,\n"
    "                              else ~/.local/state/chargefleet)\n"
    "  --api-token TOKEN           bearer token of the API (default: $CHARGEFLEET_API_TOKEN;\n"
    "                              without either a random one is made and printed)\n"
    "  --provision-timeout SECONDS a charger not accepted by its CSMS by then is FAILED (120)\n"
    "  --default-ws-url URL        CSMS for chargers whose group and CPO give no ws_url\n"
    "  --max-body BYTES            largest request body accepted (1048576)\n"
    "  --lease-seconds SECONDS     claim lease; a dead process's chargers move after it (15)\n"
    "  --capacity N                most chargers this process runs (open-files limit - 200)\n"
    "  --own-capacity N            most chargers serve's own runtime runs (--capacity); 0:\n"
    "                              serve answers the API and writes plans, workers (its own\n"
    "                              or `chargefleet worker`) run the chargers\n"
    "  --workers N                 local worker processes besides serve's own runtime, each\n"
    "                              with its own sockets (one process holds < open-files\n"
    "                              limit chargers); they stop with serve (one per core)\n"
    RUNTIME_USAGE
    "  --log-retention HOURS       charger logs (frames, connection events) are kept this\n"
    "                              long (24)\n"
    "  --log-level LEVEL           error, warn, info or debug (info)\n"
    "  --help                      this text\n";

static const char WORKER_USAGE[] =
    "usage: chargefleet worker --db URL [options]\n"
    "\n"
    "Runs chargers written by `chargefleet serve` to the same database.\n"
    "  --db URL                    PostgreSQL URL or conninfo (default: $DATABASE_URL)\n"
    "  --provision-timeout SECONDS (120)\n"
    "  --lease-seconds SECONDS     (15)\n"
    "  --capacity N                most chargers this worker runs (open-files limit - 200)\n"
    RUNTIME_USAGE
    "  --log-level LEVEL           error, warn, info or debug (info)\n"
    "  --help                      this text\n";

static const char TOKEN_USAGE[] =
    "usage: chargefleet token create --tenant NAME [--db URL | --state-dir DIR]\n"
    "\n"
    "Prints a new API token of tenant NAME (1..64 of A-Z a-z 0-9 . _ -). Only its hash is\n"
    "stored: keep the printed token. Each tenant sees only its own CPOs, locations and\n"
    "chargers. serve's --api-token is the token of tenant \"default\".\n"
    "  --tenant NAME               the tenant (created with its first token)\n"
    "  --db URL                    PostgreSQL URL or conninfo (default: $DATABASE_URL; without\n"
    "                              either, the embedded PostgreSQL under --state-dir, running\n"
    "                              or not)\n"
    "  --state-dir DIR             as for serve\n"
    "  --help                      this text\n";

struct app {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    struct lws_context *ctx;
    struct db *db;                  /* the runtime's, the sweep's and OCPI pushes' */
    struct db *api_db;              /* the API's own: requests never queue behind a claim,
                                     * a batch of charger logs or an outcome write */
    struct orch_runtime *rt;
    struct api *api;
    struct api_server *server;
    struct orch_sweep *sweep;
    struct api_ocpi_push *push;
    struct orch_workers *workers;
    int workers_unclean;            /* workers that did not exit 0 when stopped */
    uv_pipe_t parent;               /* worker under serve: stdin, EOF = serve went away */
    int parent_open;
    int stopping;
};

struct cfg {
    char host[256];
    int port;
    const char *db;
    const char *state_dir;
    const char *token;
    const char *default_ws_url;
    long max_body;
    int provision_timeout;
    int lease_s;
    int capacity;
    int capacity_given;
    int own_capacity;               /* serve's own runtime; -1 = capacity */
    int log_retention_h;
    int workers;                    /* serve: local worker processes; -1 = one per core */
    int stdin_parent;               /* worker: stop when stdin closes (serve --workers) */
    const char *sources_arg;        /* --source-addresses as given */
    char **sources;                 /* ... expanded */
    int n_sources;
    int connect_rate;
    int max_connecting;
};

#define MAX_SOURCES 1024

/* "A,B,C-D": IPv4 ranges or single addresses (IPv6 too), each checked by binding a
 * socket to it, so a typo or an address this machine does not have is a clear error
 * at start instead of every connection failing. */
static int parse_sources(const char *arg, struct cfg *c)
{
    char *copy = strdup(arg), *save = NULL;

    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(item, '-');
        struct in_addr lo, hi;
        struct in6_addr a6;
        if (dash) {
            *dash = '\0';
            if (inet_pton(AF_INET, item, &lo) != 1 || inet_pton(AF_INET, dash + 1, &hi) != 1 ||
                ntohl(hi.s_addr) < ntohl(lo.s_addr)) {
                fprintf(stderr, "chargefleet: --source-addresses: '%s-%s' is not a range of "
                                "IPv4 addresses (low-high)\n", item, dash + 1);
                free(copy);
                return -1;
            }
        } else if (inet_pton(AF_INET, item, &lo) == 1) {
            hi = lo;
        } else if (inet_pton(AF_INET6, item, &a6) == 1) {
            if (c->n_sources >= MAX_SOURCES)
                goto too_many;
            c->sources = realloc(c->sources, (size_t)(c->n_sources + 1) * sizeof(char *));
            c->sources[c->n_sources++] = strdup(item);
            continue;
        } else {
            fprintf(stderr, "chargefleet: --source-addresses: '%s' is not an IP address\n",
                    item);
            free(copy);
            return -1;
        }
        for (uint32_t x = ntohl(lo.s_addr); x <= ntohl(hi.s_addr); x++) {
            char text[INET_ADDRSTRLEN];
            struct in_addr a = {htonl(x)};
            if (c->n_sources >= MAX_SOURCES)
                goto too_many;
            inet_ntop(AF_INET, &a, text, sizeof text);
            c->sources = realloc(c->sources, (size_t)(c->n_sources + 1) * sizeof(char *));
            c->sources[c->n_sources++] = strdup(text);
            if (x == UINT32_MAX)
                break;
        }
    }
    free(copy);
    for (int i = 0; i < c->n_sources; i++) {
        struct sockaddr_storage ss = {0};
        socklen_t len;
        if (strchr(c->sources[i], ':')) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            s6->sin6_family = AF_INET6;
            inet_pton(AF_INET6, c->sources[i], &s6->sin6_addr);
            len = sizeof *s6;
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            s4->sin_family = AF_INET;
            inet_pton(AF_INET, c->sources[i], &s4->sin_addr);
            len = sizeof *s4;
        }
        int fd = socket(ss.ss_family, SOCK_STREAM, 0);
        int ok = fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0;
        int err = errno;
        if (fd >= 0)
            close(fd);
        if (!ok) {
            fprintf(stderr, "chargefleet: --source-addresses: cannot connect from %s: %s\n",
                    c->sources[i], strerror(err));
            return -1;
        }
    }
    return 0;
too_many:
    fprintf(stderr, "chargefleet: --source-addresses: more than %d addresses\n", MAX_SOURCES);
    free(copy);
    return -1;
}

static void free_sources(struct cfg *c)
{
    for (int i = 0; i < c->n_sources; i++)
        free(c->sources[i]);
    free(c->sources);
    c->sources = NULL;
    c->n_sources = 0;
}

/* The open-files limit bounds the sockets (chargers) one process holds. */
static int raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur > 1000000 ? 1000000 : (int)rl.rlim_cur;
}

static int parse_listen(const char *s, char *host, size_t n, int *port)
{
    const char *colon = strrchr(s, ':');
    char *end;
    long p;

    if (!colon || colon == s || (size_t)(colon - s) >= n)
        return -1;
    p = strtol(colon + 1, &end, 10);
    if (*end || p < 1 || p > 65535)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (int)p;
    return 0;
}

static int parse_int(const char *flag, const char *v, long min, long max, long *out)
{
    char *end;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || *end || end == v || x < min || x > max) {
        fprintf(stderr, "chargefleet: %s wants an integer in %ld..%ld, got '%s'\n", flag, min,
                max, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_level(const char *v)
{
    if (cf_log_set_level(v) == 0)
        return 0;
    fprintf(stderr, "chargefleet: --log-level wants error, warn, info or debug\n");
    return -1;
}

/* ---- shutdown: stop chargers (clean close, leases released), then the rest ---- */

static void close_rest(void *arg);

static void workers_stopped(void *arg, int unclean)
{
    struct app *a = arg;

    a->workers = NULL;
    a->workers_unclean = unclean;
    if (!a->rt)
        close_rest(a);
}

static void close_rest(void *arg)
{
    struct app *a = arg;

    a->rt = NULL;
    if (a->workers)
        return;     /* workers_stopped comes back here once they have exited */
    if (a->parent_open) {
        a->parent_open = 0;
        uv_close((uv_handle_t *)&a->parent, NULL);
    }
    api_shutdown(a->api);
    orch_sweep_stop(a->sweep);
    a->sweep = NULL;
    api_ocpi_push_stop(a->push);
    a->push = NULL;
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    if (a->db)
        db_close(a->db);
    a->db = NULL;
    if (a->api_db)
        db_close(a->api_db);
    a->api_db = NULL;
    lws_context_destroy(a->ctx);   /* finishes on the loop; see run_loop */
    api_server_free(a->server);
    a->server = NULL;
}

static void stop_app(struct app *a)
{
    a->stopping = 1;
    if (a->workers)
        orch_workers_stop(a->workers, workers_stopped, a);
    if (a->rt)
        orch_runtime_stop(a->rt, close_rest, a);
    else
        close_rest(a);
}

static void on_signal(uv_signal_t *s, int signum)
{
    struct app *a = s->data;

    if (a->stopping) {
        CF_LOG_WARN("main", "second signal: exiting now");
        exit(1);
    }
    CF_LOG_INFO("main", "%s: stopping chargers (again to force)",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
    stop_app(a);
}

/* A worker started by serve --workers: its stdin is a pipe from serve, which closes
 * when serve goes away (even killed): then stop cleanly, leases released. */
static void parent_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    static char scratch[64];
    *buf = uv_buf_init(scratch, sizeof scratch);
}

static void parent_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    struct app *a = st->data;

    if (n >= 0 || a->stopping)
        return;
    CF_LOG_INFO("main", "serve went away: stopping chargers");
    stop_app(a);
}

static json_t *local_runtime(void *arg)
{
    struct app *a = arg;

    if (!a->rt)
        return NULL;
    return json_pack("{s:s,s:i,s:f,s:o}", "owner", orch_runtime_owner(a->rt), "pid",
                     (int)getpid(), "age_s", 0.0, "metrics", orch_runtime_metrics(a->rt));
}

static void kick_runtime(void *arg)
{
    struct app *a = arg;

    if (a->rt && !a->stopping)
        orch_runtime_kick(a->rt);
}

static int run_loop(struct app *a, const struct cfg *c, const char *conninfo, int with_api)
{
    struct orch_runtime_opts ro;
    char public_url[300];
    int rc = 0;

    uv_loop_init(&a->loop);
    a->sigint.data = a->sigterm.data = a;
    uv_signal_init(&a->loop, &a->sigint);
    uv_signal_init(&a->loop, &a->sigterm);
    uv_signal_start(&a->sigint, on_signal, SIGINT);
    uv_signal_start(&a->sigterm, on_signal, SIGTERM);

    a->ctx = sim_lws_context_new(&a->loop);
    if (!a->ctx || db_open(&a->db, &a->loop, conninfo, 4) != 0) {
        CF_LOG_ERROR("main", a->ctx ? "bad database conninfo" : "cannot create lws context");
        rc = 1;
        goto fail;
    }
    orch_runtime_opts_default(&ro);
    ro.lease_s = c->lease_s;
    ro.capacity = with_api && c->own_capacity >= 0 ? c->own_capacity : c->capacity;
    ro.sim.provision_timeout_s = c->provision_timeout;
    ro.sim.source_addresses = (const char *const *)c->sources;
    ro.sim.n_source_addresses = c->n_sources;
    if (c->max_connecting)
        ro.sim.max_connecting = c->max_connecting;
    /* serve (unless it runs none) and its workers share --connect-rate evenly */
    int runners = with_api ? c->workers + (ro.capacity > 0) : 1;
    if (c->connect_rate && runners > 0)
        ro.sim.connect_rate = (double)c->connect_rate / runners;
    if (with_api && runners == 0)
        CF_LOG_WARN("main", "--own-capacity 0 and no --workers: chargers wait for `chargefleet "
                    "worker` processes on this database");
    a->rt = orch_runtime_new(&a->loop, a->db, a->ctx, &ro);
    if (!a->rt) {
        rc = 1;
        goto fail;
    }
    if (c->stdin_parent && uv_pipe_init(&a->loop, &a->parent, 0) == 0) {
        a->parent.data = a;
        a->parent_open = 1;
        if (uv_pipe_open(&a->parent, 0) != 0 ||
            uv_read_start((uv_stream_t *)&a->parent, parent_alloc, parent_read) != 0)
            CF_LOG_WARN("main", "cannot watch stdin: this worker will not stop with serve");
    }
    if (with_api && c->workers > 0) {
        char exe[4096];
        size_t exe_len = sizeof exe;
        char lease[16], timeout[16], cap[16], rate[32], maxc[16];
        const char *args[24];
        int n = 0;
        snprintf(lease, sizeof lease, "%d", c->lease_s);
        snprintf(timeout, sizeof timeout, "%d", c->provision_timeout);
        args[n++] = "--lease-seconds";
        args[n++] = lease;
        args[n++] = "--provision-timeout";
        args[n++] = timeout;
        args[n++] = "--log-level";
        args[n++] = cf_log_level_name();
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
            int share = c->connect_rate / runners;
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
            a->workers = orch_workers_start(&a->loop, exe, c->workers, args, conninfo);
        }
    }
    if (with_api) {
        db_open(&a->api_db, &a->loop, conninfo, API_DB_POOL);   /* conninfo parsed above */
        struct api_opts ao = {
            .db = a->api_db, .token = c->token, .default_ws_url = c->default_ws_url,
            .kick = kick_runtime, .kick_arg = a,
            .local_runtime = local_runtime, .local_runtime_arg = a,
        };
        snprintf(public_url, sizeof(public_url), "http://%s:%d", c->host, c->port);
        ao.public_url = public_url;
        a->api = api_new(&ao);
        a->server = api_server_new(a->ctx, c->host, c->port, (size_t)c->max_body,
                                   api_dispatch, a->api);
        if (!a->server) {
            rc = 1;
            stop_app(a);
            goto run;
        }
        struct api_fetch_env fe = {&a->loop, a->ctx, api_server_vhost(a->server)};
        api_set_fetch_env(a->api, &fe);
        a->sweep = orch_sweep_start(&a->loop, a->db, SWEEP_MS, c->log_retention_h * 3600);
        a->push = api_ocpi_push_start(a->db, &fe, PUSH_MS);
        printf("chargefleet: listening on %s\n", public_url);
        fflush(stdout);
    }
run:
    uv_run(&a->loop, UV_RUN_DEFAULT);
    /* On a foreign loop lws may still hold its context after the loop drained: a
     * second destroy completes it (a no-op when it is already gone). */
    lws_context_destroy(a->ctx);
    uv_run(&a->loop, UV_RUN_DEFAULT);
    api_free(a->api);
    if (uv_loop_close(&a->loop) != 0)
        CF_LOG_WARN("main", "the loop still had open handles at exit");
    if (a->workers_unclean && rc == 0)
        rc = 1;                     /* say so: a worker failed (tests see the status) */
    return rc;
fail:
    a->rt = NULL;
    close_rest(a);
    uv_run(&a->loop, UV_RUN_DEFAULT);
    uv_loop_close(&a->loop);
    return rc;
}

static int parse_common(int argc, char **argv, struct cfg *c, int serve)
{
    enum { O_LISTEN = 1, O_DB, O_STATE, O_TOKEN, O_TIMEOUT, O_WSURL, O_MAXBODY, O_LEASE,
           O_CAPACITY, O_LOG, O_RETENTION, O_WORKERS, O_SOURCES, O_RATE, O_MAXCONN,
           O_PARENT, O_OWNCAP, O_HELP };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"db", required_argument, NULL, O_DB},
        {"state-dir", required_argument, NULL, O_STATE},
        {"api-token", required_argument, NULL, O_TOKEN},
        {"provision-timeout", required_argument, NULL, O_TIMEOUT},
        {"default-ws-url", required_argument, NULL, O_WSURL},
        {"max-body", required_argument, NULL, O_MAXBODY},
        {"lease-seconds", required_argument, NULL, O_LEASE},
        {"capacity", required_argument, NULL, O_CAPACITY},
        {"own-capacity", required_argument, NULL, O_OWNCAP},
        {"log-level", required_argument, NULL, O_LOG},
        {"log-retention", required_argument, NULL, O_RETENTION},
        {"workers", required_argument, NULL, O_WORKERS},
        {"source-addresses", required_argument, NULL, O_SOURCES},
        {"connect-rate", required_argument, NULL, O_RATE},
        {"max-connecting", required_argument, NULL, O_MAXCONN},
        {"stop-with-parent", no_argument, NULL, O_PARENT},   /* serve's workers */
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *usage = serve ? SERVE_USAGE : WORKER_USAGE;
    long v;
    int o, idx = 0;

    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, &idx)) != -1) {
        if (!serve && (o == O_LISTEN || o == O_STATE || o == O_TOKEN || o == O_WSURL ||
                       o == O_MAXBODY || o == O_RETENTION || o == O_WORKERS ||
                       o == O_OWNCAP)) {
            fprintf(stderr, "chargefleet worker: --%s is an option of serve only\n%s",
                    opts[idx].name, usage);
            return 2;
        }
        switch (o) {
        case O_LISTEN:
            if (parse_listen(optarg, c->host, sizeof(c->host), &c->port) != 0) {
                fprintf(stderr, "chargefleet: --listen wants HOST:PORT, got '%s'\n", optarg);
                return 2;
            }
            break;
        case O_DB: c->db = optarg; break;
        case O_STATE: c->state_dir = optarg; break;
        case O_TOKEN: c->token = optarg; break;
        case O_WSURL:
            if (strncmp(optarg, "ws://", 5) != 0 && strncmp(optarg, "wss://", 6) != 0) {
                fprintf(stderr, "chargefleet: --default-ws-url must start with ws:// or wss://\n");
                return 2;
            }
            c->default_ws_url = optarg;
            break;
        case O_TIMEOUT:
            if (parse_int("--provision-timeout", optarg, 1, 86400, &v)) return 2;
            c->provision_timeout = (int)v;
            break;
        case O_MAXBODY:
            if (parse_int("--max-body", optarg, 1024, 1L << 30, &v)) return 2;
            c->max_body = v;
            break;
        case O_LEASE:
            if (parse_int("--lease-seconds", optarg, 3, 3600, &v)) return 2;
            c->lease_s = (int)v;
            break;
        case O_CAPACITY:
            if (parse_int("--capacity", optarg, 1, 10000000, &v)) return 2;
            c->capacity = (int)v;
            c->capacity_given = 1;
            break;
        case O_OWNCAP:
            if (parse_int("--own-capacity", optarg, 0, 10000000, &v)) return 2;
            c->own_capacity = (int)v;
            break;
        case O_WORKERS:
            if (parse_int("--workers", optarg, 0, 256, &v)) return 2;
            c->workers = (int)v;
            break;
        case O_SOURCES:
            free_sources(c);
            if (parse_sources(optarg, c) != 0) return 2;
            c->sources_arg = optarg;
            break;
        case O_RATE:
            if (parse_int("--connect-rate", optarg, 0, 10000000, &v)) return 2;
            c->connect_rate = (int)v;
            break;
        case O_MAXCONN:
            if (parse_int("--max-connecting", optarg, 1, 100000, &v)) return 2;
            c->max_connecting = (int)v;
            break;
        case O_PARENT:
            c->stdin_parent = 1;
            break;
        case O_LOG:
            if (parse_level(optarg)) return 2;
            break;
        case O_RETENTION:
            if (parse_int("--log-retention", optarg, 1, 24 * 365, &v)) return 2;
            c->log_retention_h = (int)v;
            break;
        case O_HELP:
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "chargefleet: unexpected argument '%s'\n%s", argv[optind], usage);
        return 2;
    }
    return -1;
}

static int cmd_serve_or_worker(int argc, char **argv, int serve)
{
    struct cfg c = {.host = "127.0.0.1", .port = 8080, .max_body = 1048576,
                    .provision_timeout = 120, .lease_s = 15, .log_retention_h = 24,
                    .workers = -1, .own_capacity = -1};
    struct orch_pg pg = {0};
    char conninfo[1024], state_dir[512], token[65];
    struct app a;
    int nofile, rc;

    c.db = getenv("DATABASE_URL");
    c.token = getenv("CHARGEFLEET_API_TOKEN");
    if ((rc = parse_common(argc, argv, &c, serve)) >= 0) {
        free_sources(&c);
        return rc;
    }
    if (c.workers < 0)
        c.workers = serve ? (int)uv_available_parallelism() : 0;
    nofile = raise_nofile();
    if (!c.capacity)
        c.capacity = nofile > 400 ? nofile - 200 : 200;
    if (c.db && !*c.db)
        c.db = NULL;

    if (serve && (!c.token || !*c.token)) {
        if (orch_token_new(token) != 0) {
            fprintf(stderr, "chargefleet: no randomness for an API token\n");
            return 1;
        }
        c.token = token;
        printf("chargefleet: API token (generated; set --api-token to choose): %s\n", token);
        fflush(stdout);
    }
    if (!c.db) {
        if (!serve) {
            fprintf(stderr, "chargefleet: worker needs --db URL (or DATABASE_URL)\n");
            return 2;
        }
        if (!c.state_dir) {
            orch_pg_default_state_dir(state_dir, sizeof(state_dir));
            c.state_dir = state_dir;
        }
        if (orch_pg_start(&pg, c.state_dir, conninfo, sizeof(conninfo)) != 0)
            return 1;
    } else {
        snprintf(conninfo, sizeof(conninfo), "%s", c.db);
    }
    if (orch_migrate(conninfo, 30) < 0) {
        orch_pg_stop(&pg);
        return 1;
    }
    memset(&a, 0, sizeof(a));
    rc = run_loop(&a, &c, conninfo, serve);
    free_sources(&c);
    orch_pg_stop(&pg);
    CF_LOG_INFO("main", "stopped");
    return rc;
}

static int cmd_token(int argc, char **argv)
{
    enum { O_TENANT = 1, O_DB, O_STATE, O_HELP };
    static const struct option opts[] = {
        {"tenant", required_argument, NULL, O_TENANT},
        {"db", required_argument, NULL, O_DB},
        {"state-dir", required_argument, NULL, O_STATE},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *tenant = NULL, *db = getenv("DATABASE_URL"), *state = NULL;
    char conninfo[1024], state_dir[512], token[65];
    struct orch_pg pg = {0};
    int o;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(TOKEN_USAGE, stdout);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "create") != 0) {
        fputs(TOKEN_USAGE, stderr);
        return 2;
    }
    optind = 1;
    while ((o = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (o) {
        case O_TENANT: tenant = optarg; break;
        case O_DB: db = optarg; break;
        case O_STATE: state = optarg; break;
        case O_HELP: fputs(TOKEN_USAGE, stdout); return 0;
        default: fputs(TOKEN_USAGE, stderr); return 2;
        }
    }
    if (optind < argc - 1 || !tenant) {
        fprintf(stderr, "chargefleet token create: %s\n%s",
                tenant ? "unexpected argument" : "--tenant NAME is required", TOKEN_USAGE);
        return 2;
    }
    if (!orch_tenant_name_ok(tenant)) {
        fprintf(stderr, "chargefleet token create: --tenant '%s': 1..%d of A-Z a-z 0-9 . _ -\n",
                tenant, ORCH_TENANT_MAX);
        return 2;
    }
    if (db && *db) {
        snprintf(conninfo, sizeof(conninfo), "%s", db);
    } else {
        if (!state) {
            orch_pg_default_state_dir(state_dir, sizeof(state_dir));
            state = state_dir;
        }
        if (orch_pg_start(&pg, state, conninfo, sizeof(conninfo)) != 0)
            return 1;
    }
    int rc = orch_token_create(conninfo, tenant, token);
    orch_pg_stop(&pg);
    if (rc != 0)
        return 1;
    printf("%s\n", token);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "serve") == 0)
        return cmd_serve_or_worker(argc - 1, argv + 1, 1);
    if (strcmp(argv[1], "worker") == 0)
        return cmd_serve_or_worker(argc - 1, argv + 1, 0);
    if (strcmp(argv[1], "token") == 0)
        return cmd_token(argc - 1, argv + 1);
    if (strcmp(argv[1], "run") == 0)
        return run_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "csms") == 0)
        return sim_csms_main(argc - 1, argv + 1);
    fprintf(stderr, "chargefleet: unknown command '%s'\n%s", argv[1], USAGE);
    return 2;
}

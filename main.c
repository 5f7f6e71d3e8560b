/* chargefleet: one binary, one command per run. main owns the process's libuv loop
 * and wires the layers for the command: serve (API + orchestrator + simulator),
 * worker (orchestrator + simulator), run (runner/: conformance runs, no database) or
 * csms (the built-in CSMS). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "api_http.h"
#include "api_ocpi_push.h"
#include "fleet_policy.h"
#include "api_routes.h"
#include "cf_log.h"
#include "cf_net.h"
#include "cf_version.h"
#include "cmd_token.h"
#include "db.h"
#include "orch_migrate.h"
#include "orch_pg.h"
#include "orch_runtime.h"
#include "orch_secret.h"
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
    "  token    API tokens of tenants: token create --tenant NAME [--read-only], token\n"
    "           list, token revoke ID\n"
    "  version  this program's version and git commit (also --version)\n"
    "\n"
    "`chargefleet <command> --help` lists the options of a command.\n";

#define RUNTIME_USAGE                                                                      \
    "  --source-addresses LIST     local addresses to connect from, in turn: A,B or a range\n" \
    "                              A-B (127.0.0.2-127.0.0.9); each adds ~28,000 ports toward\n" \
    "                              one CSMS address (default: the system picks)\n"            \
    "  --connect-rate N            at most N new websocket connections per second (serve:\n"   \
    "                              shared by serve and its workers; 0 = no cap) (0)\n"          \
    "  --max-connecting N          websocket handshakes in flight at once, per process (500)\n" \
    "  --secret-key-file FILE      the key sealing chargers' passwords and client keys in\n"  \
    "                              the database (32 bytes, base64 or hex); first of:\n"       \
    "                              $CHARGEFLEET_SECRET_KEY, this file, <state-dir>/secret-key\n"\
    "                              (serve makes that one, 0600, on its first start; its\n"   \
    "                              local workers get the key in their environment)\n"

/* The closing part of serve's and worker's --help: where else options come from. */
#define SOURCES_USAGE                                                                      \
    "  --log-level LEVEL           error, warn, info or debug (info); at run time SIGUSR1\n"  \
    "                              switches to debug, SIGUSR2 back to this level\n"            \
    "  --log-format FORMAT         text, or json: one object a line (time, level, component,\n" \
    "                              identity, message) (text)\n"                               \
    "  --config FILE               options from a JSON object: keys are option names\n"       \
    "                              ({\"listen\": \"0.0.0.0:8080\", \"connect-rate\": 100});\n"   \
    "                              an unknown key is an error (default: $CHARGEFLEET_CONFIG)\n" \
    "  --help                      this text\n"                                               \
    "\n"                                                                                       \
    "Every option can also be set in the environment as CHARGEFLEET_<OPTION> (upper case,\n"  \
    "- as _: CHARGEFLEET_LISTEN, CHARGEFLEET_CONNECT_RATE, ...). The command line wins over\n"\
    "the environment, which wins over the --config file. worker skips serve's options found\n"\
    "in the environment or the file, so serve and its workers can share them.\n"

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
    RUNTIME_USAGE
    "  --log-retention HOURS       charger logs (frames, connection events) are kept this\n"
    "                              long (24)\n"
    SOURCES_USAGE;

static const char WORKER_USAGE[] =
    "usage: chargefleet worker --db URL [options]\n"
    "\n"
    "Runs chargers written by `chargefleet serve` to the same database.\n"
    "  --db URL                    PostgreSQL URL or conninfo (also $DATABASE_URL)\n"
    "  --provision-timeout SECONDS (120)\n"
    "  --lease-seconds SECONDS     claim lease, as serve's (15)\n"
    "  --capacity N                most chargers this worker runs (open-files limit - 200)\n"
    RUNTIME_USAGE
    SOURCES_USAGE;

struct app {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_signal_t sigusr1, sigusr2;   /* log level: debug / back to the configured one */
    struct lws_context *ctx;
    struct db *db;                  /* the runtime's, the sweep's and OCPI pushes' */
    struct db *api_db;              /* the API's own: requests never queue behind a claim,
                                     * a batch of charger logs or an outcome write */
    struct orch_runtime *rt;
    int worker_slots;               /* --workers: local workers serve may run */
    int worker_capacity;            /* the chargers each of them takes */
    struct api *api;
    struct api_server *server;
    struct orch_sweep *sweep;
    struct api_ocpi_push *push;
    struct orch_workers *workers;
    int workers_unclean;            /* workers that did not exit 0 when stopped */
    struct orch_workers *csms;      /* the built-in CSMS (a `chargefleet csms` child) */
    uv_pipe_t parent;               /* worker under serve: stdin, EOF = serve went away */
    int parent_open;
    int stopping;
};

struct cfg {
    char host[256];
    int port;
    const char *db;
    const char *state_dir;
    const char *secret_key_file;    /* --secret-key-file (orch_secret_load) */
    const char *token;
    char token_buf[256];            /* --api-token-file's or the kept token */
    const char *default_ws_url;
    const char *builtin_csms;       /* --builtin-csms as given: HOST:PORT or off */
    const char *ca_dir, *ws_hosts;  /* --ca-dir, --allow-ws-hosts (fleet_policy.h) */
    char builtin_listen[300];       /* ... the address the child listens on */
    char builtin_url[320];          /* ... and chargers' ws_url for it (default_ws_url) */
    long max_body;
    int http_header_timeout, http_body_timeout, http_max_connections;
    int provision_timeout;
    int lease_s;
    int capacity;
    int capacity_given;
    int own_capacity;               /* serve's own runtime; -1 = capacity */
    int log_retention_h;
    int workers;                    /* serve: local worker processes; -1 = auto */
    int workers_auto;               /* ... started on demand, up to one per core */
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

static void csms_stopped(void *arg, int unclean)
{
    struct app *a = arg;

    a->csms = NULL;
    a->workers_unclean += unclean;
    close_rest(a);
}

static void close_rest(void *arg)
{
    struct app *a = arg;

    a->rt = NULL;
    if (a->workers)
        return;     /* workers_stopped comes back here once they have exited */
    if (a->csms) {  /* last: every charger has closed its connection to it */
        orch_workers_stop(a->csms, csms_stopped, a);
        return;
    }
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
    uv_close((uv_handle_t *)&a->sigusr1, NULL);
    uv_close((uv_handle_t *)&a->sigusr2, NULL);
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

/* The level --log-level (or its default) set; SIGUSR2 comes back to it. */
static const char *configured_level;

/* SIGUSR1: debug; SIGUSR2: the configured level; serve passes both on to its workers. */
static void on_level_signal(uv_signal_t *s, int signum)
{
    struct app *a = s->data;

    cf_log_set_level(signum == SIGUSR1 ? "debug" : configured_level);
    CF_LOG_WARN("main", "%s: log level %s", signum == SIGUSR1 ? "SIGUSR1" : "SIGUSR2",
                cf_log_level_name());
    if (a->workers)
        orch_workers_signal(a->workers, signum);
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

/* What the local workers serve may still start could take (--workers auto). */
static long spare_room(void *arg)
{
    struct app *a = arg;

    if (!a->workers || a->stopping)
        return 0;
    return (long)(a->worker_slots - orch_workers_running(a->workers)) * a->worker_capacity;
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
        args[n++] = "worker";
        args[n++] = "--lease-seconds";
        args[n++] = lease;
        args[n++] = "--provision-timeout";
        args[n++] = timeout;
        args[n++] = "--log-level";
        args[n++] = configured_level;
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
            a->workers = orch_workers_start(&a->loop, exe, c->workers, args, conninfo,
                                            c->workers_auto ? a->db : NULL);
            if (a->workers) {
                orch_workers_watch(a->workers, a->db, ORCH_KILL_MS(c->lease_s),
                                   orch_runtime_owner(a->rt));
                a->worker_slots = c->workers;
                a->worker_capacity = c->capacity;
            }
        }
    }
    if (with_api && c->builtin_url[0]) {
        char exe[4096];
        size_t exe_len = sizeof exe;
        const char *args[] = {"csms", "--listen", c->builtin_listen, "--stop-with-parent",
                              "--log-level", "warn", "--log-format", cf_log_format_name(),
                              NULL};
        if (uv_exepath(exe, &exe_len) == 0)
            a->csms = orch_workers_start(&a->loop, exe, 1, args, NULL, NULL);
        if (!a->csms)
            CF_LOG_ERROR("main", "cannot start the built-in CSMS");
        else
            CF_LOG_INFO("main", "built-in CSMS at %s: chargers without a ws_url connect "
                        "there (--default-ws-url or --builtin-csms off to change)",
                        c->builtin_url);
    }
    if (with_api) {
        db_open(&a->api_db, &a->loop, conninfo, API_DB_POOL);   /* conninfo parsed above */
        struct api_opts ao = {
            .db = a->api_db, .token = c->token, .default_ws_url = c->default_ws_url,
            .builtin_csms = c->builtin_url[0] != '\0',
            .kick = kick_runtime, .kick_arg = a,
            .local_runtime = local_runtime, .local_runtime_arg = a,
            .spare_room = spare_room, .spare_room_arg = a,
        };
        snprintf(public_url, sizeof(public_url), "http://%s:%d", c->host, c->port);
        ao.public_url = public_url;
        a->api = api_new(&ao);
        struct api_server_limits lim = {(size_t)c->max_body, c->http_header_timeout,
                                        c->http_body_timeout, c->http_max_connections};
        a->server = api_server_new(a->ctx, c->host, c->port, &lim, api_dispatch, a->api);
        if (!a->server) {
            rc = 1;
            stop_app(a);
            goto run;
        }
        struct api_fetch_env fe = {&a->loop, a->ctx, api_server_vhost(a->server)};
        api_set_fetch_env(a->api, &fe);
        a->sweep = orch_sweep_start(&a->loop, a->db, SWEEP_MS, c->log_retention_h * 3600,
                                    c->provision_timeout);
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

enum { O_LISTEN = 1, O_DB, O_STATE, O_TOKEN, O_TOKEN_FILE, O_TIMEOUT, O_WSURL, O_MAXBODY,
       O_HTTP_HEADER_TIMEOUT, O_HTTP_BODY_TIMEOUT, O_HTTP_MAXCONN,
       O_LEASE, O_CAPACITY, O_LOG, O_LOG_FORMAT, O_RETENTION, O_WORKERS, O_SOURCES, O_RATE,
       O_MAXCONN, O_PARENT, O_OWNCAP, O_CONFIG, O_BUILTIN, O_CA_DIR, O_WS_HOSTS, O_SECRET, O_HELP };

static const struct option opts[] = {
    {"listen", required_argument, NULL, O_LISTEN},
    {"db", required_argument, NULL, O_DB},
    {"state-dir", required_argument, NULL, O_STATE},
    {"api-token", required_argument, NULL, O_TOKEN},
    {"api-token-file", required_argument, NULL, O_TOKEN_FILE},
    {"provision-timeout", required_argument, NULL, O_TIMEOUT},
    {"default-ws-url", required_argument, NULL, O_WSURL},
    {"builtin-csms", required_argument, NULL, O_BUILTIN},
    {"ca-dir", required_argument, NULL, O_CA_DIR},
    {"allow-ws-hosts", required_argument, NULL, O_WS_HOSTS},
    {"max-body", required_argument, NULL, O_MAXBODY},
    {"http-header-timeout", required_argument, NULL, O_HTTP_HEADER_TIMEOUT},
    {"http-body-timeout", required_argument, NULL, O_HTTP_BODY_TIMEOUT},
    {"http-max-connections", required_argument, NULL, O_HTTP_MAXCONN},
    {"lease-seconds", required_argument, NULL, O_LEASE},
    {"capacity", required_argument, NULL, O_CAPACITY},
    {"own-capacity", required_argument, NULL, O_OWNCAP},
    {"log-level", required_argument, NULL, O_LOG},
    {"log-format", required_argument, NULL, O_LOG_FORMAT},
    {"log-retention", required_argument, NULL, O_RETENTION},
    {"workers", required_argument, NULL, O_WORKERS},
    {"source-addresses", required_argument, NULL, O_SOURCES},
    {"connect-rate", required_argument, NULL, O_RATE},
    {"max-connecting", required_argument, NULL, O_MAXCONN},
    {"config", required_argument, NULL, O_CONFIG},
    {"secret-key-file", required_argument, NULL, O_SECRET},
    {"stop-with-parent", no_argument, NULL, O_PARENT},   /* serve's workers */
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static int serve_only(int o)
{
    return o == O_LISTEN || o == O_STATE || o == O_TOKEN || o == O_TOKEN_FILE || o == O_WSURL ||
           o == O_MAXBODY || o == O_HTTP_HEADER_TIMEOUT || o == O_HTTP_BODY_TIMEOUT ||
           o == O_HTTP_MAXCONN || o == O_RETENTION || o == O_WORKERS || o == O_OWNCAP ||
           o == O_BUILTIN || o == O_CA_DIR || o == O_WS_HOSTS;
}

/* The options as one argument list for getopt, lowest precedence first: the --config
 * file's keys, then CHARGEFLEET_<OPTION> variables, then the command line; the last
 * occurrence of an option wins. from[i] names where argv[i] came from (NULL: the
 * command line), for error messages. */
struct args {
    int argc;
    char **argv;
    char **from;
    int cap;
};

static void args_push(struct args *a, const char *arg, const char *from)
{
    if (a->argc + 1 >= a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->argv = realloc(a->argv, (size_t)a->cap * sizeof(char *));
        a->from = realloc(a->from, (size_t)a->cap * sizeof(char *));
        if (!a->argv || !a->from) {
            fputs("chargefleet: out of memory\n", stderr);
            exit(1);
        }
    }
    a->argv[a->argc] = strdup(arg);
    a->from[a->argc] = from ? strdup(from) : NULL;
    a->argv[++a->argc] = NULL;
}

static void args_free(struct args *a)
{
    for (int i = 0; i < a->argc; i++) {
        free(a->argv[i]);
        free(a->from[i]);
    }
    free(a->argv);
    free(a->from);
    memset(a, 0, sizeof *a);
}

static void args_push_option(struct args *a, const char *name, const char *value,
                             const char *from)
{
    size_t n = strlen(name) + strlen(value) + 4;
    char *arg = malloc(n);
    if (!arg) {
        fputs("chargefleet: out of memory\n", stderr);
        exit(1);
    }
    snprintf(arg, n, "--%s=%s", name, value);
    args_push(a, arg, from);
    free(arg);
}

/* The option a config key names: "connect-rate" or "connect_rate". */
static const struct option *option_named(const char *key)
{
    char name[64];
    size_t i;

    for (i = 0; key[i] && i < sizeof name - 1; i++)
        name[i] = key[i] == '_' ? '-' : key[i];
    name[i] = '\0';
    for (const struct option *o = opts; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static int config_file_args(struct args *a, const char *path, int serve)
{
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err), *v;
    const char *key;

    if (!doc) {
        fprintf(stderr, "chargefleet: --config %s: %s (line %d)\n", path, err.text, err.line);
        return -1;
    }
    if (!json_is_object(doc)) {
        fprintf(stderr, "chargefleet: --config %s: wants a JSON object of options\n", path);
        json_decref(doc);
        return -1;
    }
    json_object_foreach(doc, key, v) {
        const struct option *o = option_named(key);
        char from[600], num[32];
        const char *value;
        if (!o || o->has_arg != required_argument || o->val == O_CONFIG) {
            fprintf(stderr, "chargefleet: --config %s: '%s' is not an option of %s (see "
                            "--help)\n", path, key, serve ? "serve" : "worker");
            json_decref(doc);
            return -1;
        }
        if (!serve && serve_only(o->val))
            continue;
        if (json_is_string(v)) {
            value = json_string_value(v);
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            value = num;
        } else {
            fprintf(stderr, "chargefleet: --config %s: '%s' wants a string or an integer\n",
                    path, key);
            json_decref(doc);
            return -1;
        }
        snprintf(from, sizeof from, "key '%s' of --config %s", key, path);
        args_push_option(a, o->name, value, from);
    }
    json_decref(doc);
    return 0;
}

/* CHARGEFLEET_CONNECT_RATE for "connect-rate". */
static void env_name(const char *option, char *out, size_t n)
{
    size_t k = (size_t)snprintf(out, n, "CHARGEFLEET_");
    for (size_t i = 0; option[i] && k < n - 1; i++)
        out[k++] = option[i] == '-' ? '_' : (char)toupper((unsigned char)option[i]);
    out[k] = '\0';
}

static int gather_args(int argc, char **argv, int serve, struct args *a)
{
    const char *config = getenv("CHARGEFLEET_CONFIG");

    args_push(a, argv[0], NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config = argv[i] + 9;
        else if (strcmp(argv[i], "--") == 0)
            break;
    }
    if (config && *config && config_file_args(a, config, serve) != 0)
        return -1;
    for (const struct option *o = opts; o->name; o++) {
        char name[64];
        const char *v;
        if (o->has_arg != required_argument || o->val == O_CONFIG || (!serve && serve_only(o->val)))
            continue;
        env_name(o->name, name, sizeof name);
        v = getenv(name);
        if (!(v && *v) && o->val == O_DB && (v = getenv("DATABASE_URL")) && *v)
            snprintf(name, sizeof name, "DATABASE_URL");
        if (v && *v)
            args_push_option(a, o->name, v, name);
    }
    for (int i = 1; i < argc; i++)
        args_push(a, argv[i], NULL);
    return 0;
}

/* The token is the file's first line, without surrounding blanks. */
static int read_token_file(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    char line[512];
    size_t len;

    if (!f) {
        fprintf(stderr, "chargefleet: cannot read the API token from %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    len = strlen(p);
    while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' ' ||
                   p[len - 1] == '\t'))
        p[--len] = '\0';
    if (!len || len >= n) {
        fprintf(stderr, "chargefleet: %s: the first line should be the API token (1..%zu "
                        "characters)\n", path, n - 1);
        return -1;
    }
    memcpy(out, p, len + 1);
    return 0;
}

static int parse_common(struct args *a, struct cfg *c, int serve)
{
    const char *usage = serve ? SERVE_USAGE : WORKER_USAGE;
    long v;
    int o, idx = 0;

    optind = 1;
    opterr = 0;
    /* "+": no permuting, so a->from[] still names each argument's source */
    while ((o = getopt_long(a->argc, a->argv, "+:", opts, &idx)) != -1) {
        const char *from = a->from[optind - 1];
        int rc = 0;
        if (!serve && serve_only(o)) {
            fprintf(stderr, "chargefleet worker: --%s is an option of serve only\n",
                    opts[idx].name);
            return 2;
        }
        switch (o) {
        case O_LISTEN:
            if (parse_listen(optarg, c->host, sizeof(c->host), &c->port) != 0) {
                fprintf(stderr, "chargefleet: --listen wants HOST:PORT, got '%s'\n", optarg);
                rc = 2;
            }
            break;
        case O_DB: c->db = optarg; break;
        case O_STATE: c->state_dir = optarg; break;
        case O_SECRET: c->secret_key_file = optarg; break;
        case O_TOKEN: c->token = optarg; break;
        case O_TOKEN_FILE:
            if (read_token_file(optarg, c->token_buf, sizeof c->token_buf) != 0)
                rc = 2;
            c->token = c->token_buf;
            break;
        case O_WSURL:
            if (strncmp(optarg, "ws://", 5) != 0 && strncmp(optarg, "wss://", 6) != 0) {
                fprintf(stderr, "chargefleet: --default-ws-url must start with ws:// or wss://\n");
                rc = 2;
            }
            c->default_ws_url = optarg;
            break;
        case O_BUILTIN:
            c->builtin_csms = optarg;
            break;
        case O_CA_DIR: c->ca_dir = optarg; break;
        case O_WS_HOSTS: c->ws_hosts = optarg; break;
        case O_TIMEOUT:
            rc = parse_int("--provision-timeout", optarg, 1, 86400, &v) ? 2 : 0;
            c->provision_timeout = (int)v;
            break;
        case O_MAXBODY:
            rc = parse_int("--max-body", optarg, 1024, 1L << 30, &v) ? 2 : 0;
            c->max_body = v;
            break;
        case O_HTTP_HEADER_TIMEOUT:
            rc = parse_int("--http-header-timeout", optarg, 1, 3600, &v) ? 2 : 0;
            c->http_header_timeout = (int)v;
            break;
        case O_HTTP_BODY_TIMEOUT:
            rc = parse_int("--http-body-timeout", optarg, 1, 3600, &v) ? 2 : 0;
            c->http_body_timeout = (int)v;
            break;
        case O_HTTP_MAXCONN:
            rc = parse_int("--http-max-connections", optarg, 1, 1000000, &v) ? 2 : 0;
            c->http_max_connections = (int)v;
            break;
        case O_LEASE:
            rc = parse_int("--lease-seconds", optarg, 3, 3600, &v) ? 2 : 0;
            c->lease_s = (int)v;
            break;
        case O_CAPACITY:
            rc = parse_int("--capacity", optarg, 1, 10000000, &v) ? 2 : 0;
            c->capacity = (int)v;
            c->capacity_given = 1;
            break;
        case O_OWNCAP:
            rc = parse_int("--own-capacity", optarg, 0, 10000000, &v) ? 2 : 0;
            c->own_capacity = (int)v;
            break;
        case O_WORKERS:
            if (strcmp(optarg, "auto") == 0)
                v = -1;
            else
                rc = parse_int("--workers", optarg, 0, 256, &v) ? 2 : 0;
            c->workers = (int)v;
            break;
        case O_SOURCES:
            free_sources(c);
            rc = parse_sources(optarg, c) != 0 ? 2 : 0;
            c->sources_arg = optarg;
            break;
        case O_RATE:
            rc = parse_int("--connect-rate", optarg, 0, 10000000, &v) ? 2 : 0;
            c->connect_rate = (int)v;
            break;
        case O_MAXCONN:
            rc = parse_int("--max-connecting", optarg, 1, 100000, &v) ? 2 : 0;
            c->max_connecting = (int)v;
            break;
        case O_PARENT:
            c->stdin_parent = 1;
            break;
        case O_LOG:
            rc = parse_level(optarg) ? 2 : 0;
            break;
        case O_LOG_FORMAT:
            if (cf_log_set_format(optarg) != 0) {
                fprintf(stderr, "chargefleet: --log-format wants text or json, got '%s'\n",
                        optarg);
                rc = 2;
            }
            break;
        case O_RETENTION:
            rc = parse_int("--log-retention", optarg, 1, 24 * 365, &v) ? 2 : 0;
            c->log_retention_h = (int)v;
            break;
        case O_CONFIG:
            break;          /* read first, by gather_args */
        case O_HELP:
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "chargefleet: %s '%s' (`chargefleet %s --help` lists them)\n",
                    o == ':' ? "no value given for" : "unknown option", a->argv[optind - 1],
                    serve ? "serve" : "worker");
            return 2;
        }
        if (rc) {
            if (from)
                fprintf(stderr, "chargefleet: (that value came from %s)\n", from);
            return rc;
        }
    }
    if (optind < a->argc) {
        fprintf(stderr, "chargefleet: unexpected argument '%s' (`chargefleet %s --help` lists "
                        "the options)\n", a->argv[optind], serve ? "serve" : "worker");
        return 2;
    }
    return -1;
}

/* serve without --default-ws-url: where its built-in CSMS listens (--builtin-csms,
 * 127.0.0.1:0 by default: a port free now, taken from the kernel), and the ws_url
 * that becomes the default. 0; 1 with --builtin-csms off; -1 after saying why. */
static int builtin_csms(struct cfg *c)
{
    const char *at = c->builtin_csms ? c->builtin_csms : "127.0.0.1:0";
    const char *colon = strrchr(at, ':');
    char host[256];
    long port;

    if (strcmp(at, "off") == 0)
        return 0;
    if (!colon || colon == at || (size_t)(colon - at) >= sizeof host ||
        parse_int("--builtin-csms", colon + 1, 0, 65535, &port) != 0) {
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
        if (read_token_file(path, out, n) != 0)
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

static int cmd_serve_or_worker(int argc, char **argv, int serve)
{
    struct cfg c = {.host = "127.0.0.1", .port = 8080, .max_body = 1048576,
                    .http_header_timeout = 10, .http_body_timeout = 30,
                    .http_max_connections = 1000,
                    .provision_timeout = 120, .lease_s = 15, .log_retention_h = 24,
                    .workers = -1, .own_capacity = -1};
    struct orch_pg pg = {0};
    struct args args = {0};
    char conninfo[1024], state_dir[512];
    struct app a;
    int nofile, rc;

    if (gather_args(argc, argv, serve, &args) != 0) {
        args_free(&args);
        return 2;
    }
    if ((rc = parse_common(&args, &c, serve)) >= 0) {
        free_sources(&c);
        args_free(&args);
        return rc;
    }
    configured_level = cf_log_level_name();
    c.workers_auto = serve && c.workers < 0;
    if (c.workers < 0)
        c.workers = serve ? (int)uv_available_parallelism() : 0;
    nofile = raise_nofile();
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
        free_sources(&c);
        args_free(&args);
        return 2;
    }
    if (sk > 0)
        fprintf(stderr, "chargefleet: no secret key ($CHARGEFLEET_SECRET_KEY, "
                        "--secret-key-file): chargers with a password or a client key fail "
                        "here\n");

    if (serve && !c.default_ws_url && builtin_csms(&c) != 0) {
        free_sources(&c);
        args_free(&args);
        return 2;
    }
    /* what tenants may name (--ca-dir, --allow-ws-hosts); the default ws_url obeys it */
    char policy_err[300];
    int policy_bad = serve && fleet_policy_set(c.ca_dir, c.ws_hosts, policy_err,
                                             sizeof policy_err) != 0;
    if (policy_bad)
        fprintf(stderr, "chargefleet: %s\n", policy_err);
    else if (serve && c.default_ws_url && !fleet_policy_ws_host_ok(c.default_ws_url))
        policy_bad = fprintf(stderr, "chargefleet: the default ws_url %s names a host "
                             "--allow-ws-hosts does not allow (%s): add it to the list, or "
                             "give --default-ws-url another\n", c.default_ws_url, c.ws_hosts);
    if (policy_bad) {
        free_sources(&c);
        args_free(&args);
        return 2;
    }
    rc = 1;
    if (serve && cf_net_probe_listen(c.host, c.port, "choose another address with --listen "
                                                      "HOST:PORT, or PORT=8081 ./scripts/run") != 0)
        goto out;
    if (serve && (!c.token || !*c.token)) {
        if (kept_token(c.state_dir, c.token_buf, sizeof c.token_buf) != 0)
            goto out;
        c.token = c.token_buf;
    }
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
    rc = run_loop(&a, &c, conninfo, serve);
    CF_LOG_INFO("main", "stopped");
out:
    free_sources(&c);
    orch_pg_stop(&pg);
    args_free(&args);
    return rc;
}

int main(int argc, char **argv)
{
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("chargefleet %s (git %s)\n", cf_version, cf_revision);
        return 0;
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

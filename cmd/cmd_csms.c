#include "cmd_csms.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libwebsockets.h>
#include <uv.h>

#include "cf_log.h"
#include "cf_net.h"
#include "cmd_options.h"
#include "cmd_proc.h"
#include "ocpp_frame.h"
#include "ocpp_version.h"
#include "sim_runtime.h"

static const char USAGE[] =
    "usage: chargefleet csms [options]\n"
    "\n"
    "A small CSMS for demos and benchmarks: accepts every charger (OCPP 1.6 and 2.0.1)\n"
    "and every id token, answers session messages (a sink for load with sessions).\n"
    "  --listen HOST:PORT          where to listen (127.0.0.1:9000); chargers connect to\n"
    "                              ws://HOST:PORT/<any path>/<identity>. Repeat it to listen\n"
    "                              on several ports or addresses (up to 64)\n"
    "  --processes N               run N processes (1); the --listen addresses are dealt\n"
    "                              out among them in turn, so give at least N. One process\n"
    "                              holds fewer sockets than its open-files limit\n"
    "  --boot-status STATUS        answer BootNotification with Accepted, Pending or\n"
    "                              Rejected (Accepted)\n"
    "  --heartbeat-interval S      interval given in the BootNotification answer (300)\n"
    "  --log-level LEVEL           error, warn, info or debug (info)\n"
    "  --log-format FORMAT         text or json (text)\n"
    "  --stop-with-parent          stop when stdin closes (serve's built-in CSMS)\n"
    "  --help                      this text\n";

#define MAX_LISTEN 64

struct listen_at {
    char host[256];
    int port;
    char vhost[16];       /* its vhost's name: libwebsockets keeps the pointer */
};

struct csms {
    uv_loop_t loop;
    pid_t children[MAX_LISTEN];
    int nchildren;
    uv_signal_t sigint, sigterm;
    uv_timer_t stats;
    uv_pipe_t parent;                 /* --stop-with-parent: stdin, EOF = serve went away */
    int watch_parent, parent_open, stopping;
    struct lws_context *ctx;
    enum ocpp_boot_status boot_status;
    int interval;
    long connections, total_connections, boots, frames;
    long transactions;                /* 1.6 transaction ids handed out */
};

struct out {
    struct out *next;
    size_t len;
    unsigned char buf[];      /* LWS_PRE, then the text */
};

struct session {
    const struct ocpp_version *v;
    struct out *head, *tail;
    char *rx;
    size_t rx_len, rx_cap;
};

static struct csms *g_csms;   /* the lws protocol callbacks reach it through the vhost */

/* Sends an answer (text is taken), at once when nothing waits before it, as a charger
 * does (sim_ws.h sim__ws_send says why); otherwise it waits for WRITEABLE. -1: the
 * connection is to be closed. */
static int send_text(struct lws *wsi, struct session *s, char *text)
{
    if (!text)
        return 0;
    size_t n = strlen(text);
    struct out *o = malloc(sizeof(*o) + LWS_PRE + n);
    if (!o) {
        free(text);
        return -1;
    }
    o->next = NULL;
    o->len = n;
    memcpy(o->buf + LWS_PRE, text, n);
    free(text);
    if (!s->head && !lws_partial_buffered(wsi)) {
        int w = lws_write(wsi, o->buf + LWS_PRE, n, LWS_WRITE_TEXT);
        free(o);
        return w < (int)n ? -1 : 0;
    }
    if (s->tail)
        s->tail->next = o;
    else
        s->head = o;
    s->tail = o;
    lws_callback_on_writable(wsi);
    return 0;
}

/* What a charger sends besides boots and heartbeats, answered so that sessions run
 * (every id token is Accepted): a sink for load with sessions. NULL: not known here. */
static json_t *session_answer(struct csms *c, const struct session *s, int action,
                              json_t *payload)
{
    int v201 = strcmp(s->v->subprotocol, OCPP_SUBPROTOCOL_201) == 0;

    switch (action) {
    case OCPP_ACTION_STATUS_NOTIFICATION:
    case OCPP_ACTION_METER_VALUES:
    case OCPP_ACTION_STOP_TRANSACTION:
    case OCPP_ACTION_NOTIFY_EVENT:
    case OCPP_ACTION_SECURITY_EVENT:
    case OCPP_ACTION_FIRMWARE_STATUS:
    case OCPP_ACTION_DIAGNOSTICS_STATUS:
    case OCPP_ACTION_NOTIFY_REPORT:
    case OCPP_ACTION_REPORT_CHARGING_PROFILES:
    case OCPP_ACTION_RESERVATION_STATUS_UPDATE:
        return json_object();
    case OCPP_ACTION_AUTHORIZE:
        return json_pack("{s:{s:s}}", v201 ? "idTokenInfo" : "idTagInfo", "status", "Accepted");
    case OCPP_ACTION_START_TRANSACTION:
        return json_pack("{s:I,s:{s:s}}", "transactionId", (json_int_t)++c->transactions,
                         "idTagInfo", "status", "Accepted");
    case OCPP_ACTION_TRANSACTION_EVENT:
        return json_object_get(payload, "idToken")
                   ? json_pack("{s:{s:s}}", "idTokenInfo", "status", "Accepted")
                   : json_object();
    case OCPP_ACTION_DATA_TRANSFER:
        return json_pack("{s:s}", "status", "Accepted");
    default:
        return NULL;
    }
}

/* Answers one complete frame; -1: close the connection. */
static int handle(struct csms *c, struct lws *wsi, struct session *s)
{
    struct ocpp_frame f;
    char reason[160], now[25];
    json_t *res = NULL;
    enum ocpp_error e = ocpp_frame_parse(s->rx, s->rx_len, &f, reason, sizeof(reason));

    c->frames++;
    if (e != OCPP_ERR_NONE) {
        if (f.id[0] && f.type == OCPP_CALL)
            return send_text(wsi, s, ocpp_frame_error(f.id, ocpp_error_name(s->v, e), reason,
                                                      NULL));
        return 0;
    }
    if (f.type != OCPP_CALL) {          /* we never call: nothing to match */
        ocpp_frame_clear(&f);
        return 0;
    }
    cf_now_rfc3339(now);
    int action = ocpp_action_by_name(s->v, f.action);
    if (action == OCPP_ACTION_BOOT_NOTIFICATION) {
        c->boots++;
        res = s->v->boot_response(c->boot_status, c->interval, now);
    } else if (action == OCPP_ACTION_HEARTBEAT) {
        res = s->v->heartbeat_response(now);
    } else {
        res = session_answer(c, s, action, f.payload);
    }
    char *text = res ? ocpp_frame_result(f.id, res)
                     : ocpp_frame_error(f.id, ocpp_error_name(s->v, OCPP_ERR_NOT_IMPLEMENTED),
                                        "not implemented by the built-in CSMS", NULL);
    json_decref(res);
    ocpp_frame_clear(&f);
    return send_text(wsi, s, text);
}

static int ws_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
    struct session *s = user;
    struct csms *c = g_csms;

    switch ((int)reason) {   /* lws has ~100 reasons: only these matter here */
    case LWS_CALLBACK_ESTABLISHED:
        memset(s, 0, sizeof(*s));
        s->v = ocpp_version_by_subprotocol(lws_get_protocol(wsi)->name);
        c->connections++;
        c->total_connections++;
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (s->rx_len + len + 1 > s->rx_cap) {
            size_t cap = (s->rx_len + len + 1) * 2;
            char *p = realloc(s->rx, cap);
            if (!p)
                return -1;
            s->rx = p;
            s->rx_cap = cap;
        }
        memcpy(s->rx + s->rx_len, in, len);
        s->rx_len += len;
        s->rx[s->rx_len] = '\0';
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            int rc = handle(c, wsi, s);
            s->rx_len = 0;
            if (rc < 0)
                return -1;
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        struct out *o = s->head;
        if (!o)
            return 0;
        if (lws_write(wsi, o->buf + LWS_PRE, o->len, LWS_WRITE_TEXT) < (int)o->len)
            return -1;
        s->head = o->next;
        if (!s->head)
            s->tail = NULL;
        free(o);
        if (s->head)
            lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_CLOSED:
        c->connections--;
        while (s->head) {
            struct out *o = s->head;
            s->head = o->next;
            free(o);
        }
        free(s->rx);
        s->rx = NULL;
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {"http", lws_callback_http_dummy, 0, 0, 0, NULL, 0},
    /* 1 KiB rx chunks (frames are reassembled): a sink holds many sockets */
    {OCPP_SUBPROTOCOL_16, ws_cb, sizeof(struct session), 1024, 0, NULL, 0},
    {OCPP_SUBPROTOCOL_201, ws_cb, sizeof(struct session), 1024, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void stats_cb(uv_timer_t *t)
{
    struct csms *c = t->data;
    CF_LOG_INFO("csms", "connected %ld (total %ld), boots %ld, frames %ld", c->connections,
                c->total_connections, c->boots, c->frames);
}

static void stop(struct csms *c)
{
    if (c->stopping)
        return;
    c->stopping = 1;
    CF_LOG_INFO("csms", "stopping");
    if (c->parent_open) {
        c->parent_open = 0;
        uv_close((uv_handle_t *)&c->parent, NULL);
    }
    for (int i = 0; i < c->nchildren; i++)
        kill(c->children[i], SIGTERM);
    uv_close((uv_handle_t *)&c->sigint, NULL);
    uv_close((uv_handle_t *)&c->sigterm, NULL);
    uv_close((uv_handle_t *)&c->stats, NULL);
    lws_context_destroy(c->ctx);   /* finished after the loop drains (cmd_csms) */
}

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)signum;
    stop(sig->data);
}

/* serve's built-in CSMS stops when serve goes away (cmd__watch_parent). */
static void parent_gone(void *arg)
{
    stop(arg);
}

/* One --listen HOST:PORT into at[*nat]: 0, or -1 after saying what is wrong. */
static int add_listen(const char *arg, struct listen_at *at, int *nat)
{
    struct listen_at l;

    memset(&l, 0, sizeof l);
    if (cmd__parse_listen(arg, l.host, sizeof l.host, &l.port) != 0) {
        fprintf(stderr, "chargefleet csms: --listen wants HOST:PORT, got '%s'\n", arg);
        return -1;
    }
    if (*nat == MAX_LISTEN) {
        fprintf(stderr, "chargefleet csms: at most %d --listen\n", MAX_LISTEN);
        return -1;
    }
    at[(*nat)++] = l;
    return 0;
}

/* The options into c (with its defaults), the --listen addresses into at[*nat] and the
 * process count into *nproc. -1 when the command goes on; else the exit status: 0 after
 * --help, 2 after saying what is wrong on stderr. */
static int csms_options(int argc, char **argv, struct csms *c, struct listen_at *at, int *nat,
                        int *nproc)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"processes", required_argument, NULL, 'p'},
        {"boot-status", required_argument, NULL, 'b'},
        {"heartbeat-interval", required_argument, NULL, 'i'},
        {"log-level", required_argument, NULL, 'v'},
        {"stop-with-parent", no_argument, NULL, 's'},
        {"log-format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int o;

    c->boot_status = OCPP_BOOT_ACCEPTED;
    c->interval = 300;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l':
            if (add_listen(optarg, at, nat) != 0)
                return 2;
            break;
        case 'p': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > MAX_LISTEN) {
                fprintf(stderr, "chargefleet csms: --processes wants 1..%d\n", MAX_LISTEN);
                return 2;
            }
            *nproc = (int)v;
            break;
        }
        case 'b':
            if (strcmp(optarg, "Accepted") == 0)
                c->boot_status = OCPP_BOOT_ACCEPTED;
            else if (strcmp(optarg, "Pending") == 0)
                c->boot_status = OCPP_BOOT_PENDING;
            else if (strcmp(optarg, "Rejected") == 0)
                c->boot_status = OCPP_BOOT_REJECTED;
            else {
                fprintf(stderr, "chargefleet csms: --boot-status is Accepted, Pending or Rejected\n");
                return 2;
            }
            break;
        case 'i': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 86400) {
                fprintf(stderr, "chargefleet csms: --heartbeat-interval wants 0..86400\n");
                return 2;
            }
            c->interval = (int)v;
            break;
        }
        case 'v':
            if (cf_log_set_level(optarg) != 0) {
                fprintf(stderr, "chargefleet csms: --log-level is error, warn, info or debug\n");
                return 2;
            }
            break;
        case 's':
            c->watch_parent = 1;
            break;
        case 'f':
            if (cf_log_set_format(optarg) != 0) {
                fprintf(stderr, "chargefleet csms: --log-format is text or json\n");
                return 2;
            }
            break;
        case 'h':
            fputs(USAGE, stdout);
            return 0;
        default:
            fputs(USAGE, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "chargefleet csms: unexpected argument '%s'\n%s", argv[optind], USAGE);
        return 2;
    }
    if (*nat == 0) {
        snprintf(at[0].host, sizeof(at[0].host), "127.0.0.1");
        at[(*nat)++].port = 9000;
    }
    return -1;
}

/* The vhosts of process me of nproc: listen address i is process i % nproc's. 0, or -1
 * after saying which address could not be listened on. */
static int listen_vhosts(struct csms *c, struct listen_at *at, int nat, int me, int nproc)
{
    struct lws_context_creation_info info;

    for (int i = me; i < nat; i += nproc) {
        snprintf(at[i].vhost, sizeof at[i].vhost, "csms%d", i);
        memset(&info, 0, sizeof(info));
        info.vhost_name = at[i].vhost;
        info.port = at[i].port;
        info.iface = at[i].host;
        info.protocols = protocols;
        info.keepalive_timeout = 60;
        info.retry_and_idle_policy = &sim_no_idle_check;   /* see sim_runtime.h */
        if (!lws_create_vhost(c->ctx, &info)) {
            CF_LOG_ERROR("csms", "cannot listen on %s:%d (in use?)", at[i].host, at[i].port);
            return -1;
        }
        /* standalone: a line on stdout whatever the level (scripts wait for it); under
         * serve a log line in serve's level and format */
        if (c->watch_parent)
            CF_LOG_INFO("csms", "listening on ws://%s:%d", at[i].host, at[i].port);
        else
            printf("csms: listening on ws://%s:%d (process %d, pid %d)\n", at[i].host,
                   at[i].port, me + 1, (int)getpid());
    }
    return 0;
}

int cmd_csms(int argc, char **argv)
{
    struct csms c;
    struct listen_at at[MAX_LISTEN];
    int nat = 0, nproc = 1, rc;

    memset(&c, 0, sizeof(c));
    if ((rc = csms_options(argc, argv, &c, at, &nat, &nproc)) >= 0)
        return rc;
    if (nproc > nat) {
        fprintf(stderr, "chargefleet csms: --processes %d needs at least %d --listen addresses "
                        "(a port is held by one process)\n", nproc, nproc);
        return 2;
    }
    for (int i = 0; i < nat; i++)
        if (cf_net_probe_listen(at[i].host, at[i].port, "choose another with --listen "
                                "HOST:PORT, or CSMS_PORT=9001 ./scripts/run") != 0)
            return 1;
    cmd__raise_nofile();   /* every charger is a socket */
    /* Processes: listen address i goes to process i % nproc; the first process is
     * this one, the others are forked children that end with it. */
    int me = 0;
    fflush(stdout);
    for (int i = 1; i < nproc; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("chargefleet csms: fork");
            break;
        }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            c.nchildren = 0;
            me = i;
            break;
        }
        c.children[c.nchildren++] = pid;
    }

    g_csms = &c;
    uv_loop_init(&c.loop);
    struct lws_context_creation_info info;
    void *foreign[1] = {&c.loop};
    lws_set_log_level(LLL_ERR, NULL);
    memset(&info, 0, sizeof(info));
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.foreign_loops = foreign;
    info.port = CONTEXT_PORT_NO_LISTEN;
    c.ctx = lws_create_context(&info);
    if (!c.ctx) {
        CF_LOG_ERROR("csms", "cannot create the libwebsockets context "
                             "(is package libwebsockets-evlib-uv installed?)");
        return 1;
    }
    if (listen_vhosts(&c, at, nat, me, nproc) != 0) {
        for (int k = 0; k < c.nchildren; k++)
            kill(c.children[k], SIGTERM);
        lws_context_destroy(c.ctx);
        uv_run(&c.loop, UV_RUN_DEFAULT);
        uv_loop_close(&c.loop);
        return 1;
    }
    c.sigint.data = c.sigterm.data = c.stats.data = &c;
    uv_signal_init(&c.loop, &c.sigint);
    uv_signal_init(&c.loop, &c.sigterm);
    uv_signal_start(&c.sigint, on_signal, SIGINT);
    uv_signal_start(&c.sigterm, on_signal, SIGTERM);
    uv_timer_init(&c.loop, &c.stats);
    uv_timer_start(&c.stats, stats_cb, 5000, 5000);
    if (c.watch_parent) {
        int w = cmd__watch_parent(&c.loop, &c.parent, parent_gone, &c);
        c.parent_open = w >= 0;
        if (w > 0)
            CF_LOG_WARN("csms", "cannot watch stdin: this CSMS will not stop with serve");
    }
    fflush(stdout);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    /* On a foreign loop lws may still hold its context after the loop drained: a
     * second destroy completes it (as serve and worker do, cmd_runtime.c run_loop). */
    lws_context_destroy(c.ctx);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    stats_cb(&c.stats);
    rc = uv_loop_close(&c.loop) == 0 ? 0 : 1;
    for (int k = 0; k < c.nchildren; k++) {      /* the others end with this one */
        int st;
        if (waitpid(c.children[k], &st, 0) == c.children[k] &&
            !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
            rc = 1;
    }
    return rc;
}

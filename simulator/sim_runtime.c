#include "sim_runtime.h"

#include "sim_station.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

void sim_runtime_opts_default(struct sim_runtime_opts *o)
{
    memset(o, 0, sizeof *o);             /* no source addresses, no connect rate cap */
    o->provision_timeout_s = 120;
    o->call_timeout_s = 30;
    o->backoff_min_ms = 1000;
    o->backoff_max_ms = 30000;
    o->max_connecting = 500;
    o->default_heartbeat_s = 300;
}

static void lws_log_line(int level, const char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    CF_LOG_WARN("lws", "%.*s", (int)n, line);
}

const lws_retry_bo_t sim_no_idle_check = {.secs_since_valid_ping = 0,
                                          .secs_since_valid_hangup = 0};

static struct lws_token_limits token_limits;   /* lws keeps the pointer */

struct lws_context *sim_lws_context_new(uv_loop_t *loop)
{
    struct lws_context_creation_info info;

    for (size_t i = 0; i < WSI_TOKEN_COUNT; i++)
        token_limits.token_limit[i] = SIM_LWS_TOKEN_LIMIT;
    void *foreign[1] = {loop};

    lws_set_log_level(cf_log_level >= CF_LOG_LEVEL_DEBUG ? LLL_ERR | LLL_WARN : LLL_ERR,
                      lws_log_line);
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
                   LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.foreign_loops = foreign;
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.timeout_secs = 10;          /* bounds the wait for the 101: a CSMS that never
                                      * answers the handshake gives only WSI_DESTROY */
    info.pt_serv_buf_size = 16384;
    info.max_http_header_data = SIM_LWS_HEADER_SPACE;   /* allocated per request parsed */
    info.token_limits = &token_limits;
    struct lws_context *ctx = lws_create_context(&info);
    if (!ctx)
        CF_LOG_ERROR("lws", "cannot create the libwebsockets context (is package "
                            "libwebsockets-evlib-uv installed?)");
    return ctx;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* One client vhost per (CA file, client certificate, key): in libwebsockets these are
 * vhost properties. The key is given from memory: no key file is ever written. */
struct lws_vhost *sim__runtime_vhost(struct sim_runtime *rt, const char *ca_file,
                                   const char *cert_file, const struct sim_key *key)
{
    for (struct sim_vhost *v = rt->vhosts; v; v = v->next)
        if (same(v->ca_file, ca_file) && same(v->cert_file, cert_file) && v->key == key)
            return v->vh;

    struct lws_context_creation_info info;
    struct sim_vhost *v = calloc(1, sizeof *v);
    int n = 0;
    if (!v)
        return NULL;
    for (struct sim_vhost *o = rt->vhosts; o; o = o->next)
        n++;
    snprintf(v->name, sizeof v->name, "sim-client-%d", n);
    memset(&info, 0, sizeof info);
    info.vhost_name = v->name;
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = sim__client_protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.client_ssl_ca_filepath = ca_file;
    info.client_ssl_cert_filepath = cert_file;
    if (key) {
        info.client_ssl_key_mem = key->der;
        info.client_ssl_key_mem_len = (unsigned int)key->len;
    }
    info.connect_timeout_secs = 10;
    info.retry_and_idle_policy = &sim_no_idle_check;
    struct lws_vhost *vh = lws_create_vhost(rt->ctx, &info);
    if (!vh) {
        CF_LOG_ERROR("sim", "cannot create a client vhost%s%s%s", ca_file ? " with CA file " : "",
                     ca_file ? ca_file : "", cert_file ? " and a client certificate" : "");
        free(v);
        return NULL;
    }
    v->ca_file = ca_file ? strdup(ca_file) : NULL;
    v->cert_file = cert_file ? strdup(cert_file) : NULL;
    v->key = key;
    v->vh = vh;
    v->next = rt->vhosts;
    rt->vhosts = v;
    return vh;
}

/* The TLS directories of processes of this user that are gone (killed: nothing removed
 * them), /tmp/chargefleet-tls-<pid>-*: removed with their files. They hold CA and
 * client certificates only (keys stay in memory), but need not pile up. */
static void remove_stale_pem_dirs(void)
{
    DIR *d = opendir("/tmp");
    struct dirent *e;
    const char *pre = "chargefleet-tls-";

    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[PATH_MAX], *end;
        struct stat st;
        if (strncmp(e->d_name, pre, strlen(pre)) != 0)
            continue;
        long pid = strtol(e->d_name + strlen(pre), &end, 10);
        if (pid <= 0 || *end != '-' || pid == (long)getpid() ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof path, "/tmp/%s", e->d_name);
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
            continue;
        DIR *sub = opendir(path);
        struct dirent *f;
        while (sub && (f = readdir(sub))) {
            char file[PATH_MAX + 300];
            if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0)
                continue;
            snprintf(file, sizeof file, "%s/%s", path, f->d_name);
            unlink(file);
        }
        if (sub)
            closedir(sub);
        if (rmdir(path) == 0)
            CF_LOG_INFO("sim", "removed %s (left by process %ld, gone)", path, pid);
    }
    closedir(d);
}

/* PEM text given over the API becomes a file (libwebsockets reads files): one per
 * distinct content, named by its SHA-256, 0600 in a private directory (0700,
 * /tmp/chargefleet-tls-<pid>-XXXXXX) removed with the runtime; those of killed
 * processes are removed when the next one makes its own. Only CA and client
 * certificates: private keys never go to a file (sim__runtime_key). Returns the path
 * (owned by the runtime), or NULL. */
const char *sim__runtime_pem_file(struct sim_runtime *rt, const char *pem)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    char hex[2 * SHA256_DIGEST_LENGTH + 1], path[PATH_MAX];

    SHA256((const unsigned char *)pem, strlen(pem), md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    if (!rt->pem_dir) {
        char tmpl[64];
        remove_stale_pem_dirs();
        snprintf(tmpl, sizeof tmpl, "/tmp/chargefleet-tls-%ld-XXXXXX", (long)getpid());
        if (!mkdtemp(tmpl)) {
            CF_LOG_ERROR("sim", "cannot make a directory for TLS files: %s", strerror(errno));
            return NULL;
        }
        rt->pem_dir = strdup(tmpl);
    }
    snprintf(path, sizeof path, "%s/%s.pem", rt->pem_dir, hex);
    for (struct sim_pem *p = rt->pems; p; p = p->next)
        if (strcmp(p->path, path) == 0)
            return p->path;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    size_t len = strlen(pem);
    if (fd < 0 || write(fd, pem, len) != (ssize_t)len) {
        CF_LOG_ERROR("sim", "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    close(fd);
    struct sim_pem *p = malloc(sizeof *p + strlen(path) + 1);
    strcpy(p->path, path);
    p->next = rt->pems;
    rt->pems = p;
    return p->path;
}

const struct sim_key *sim__runtime_key(struct sim_runtime *rt, const char *pem)
{
    unsigned char md[SHA256_DIGEST_LENGTH];

    SHA256((const unsigned char *)pem, strlen(pem), md);
    for (struct sim_key *k = rt->keys; k; k = k->next)
        if (memcmp(k->md, md, sizeof md) == 0)
            return k;
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *pk = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    unsigned char *der = NULL;
    int len = pk ? i2d_PrivateKey(pk, &der) : -1;
    EVP_PKEY_free(pk);
    struct sim_key *k = len > 0 ? malloc(sizeof *k + (size_t)len) : NULL;
    if (!k) {
        CF_LOG_ERROR("sim", "cannot read a client private key (PEM)");
        if (der)
            OPENSSL_clear_free(der, (size_t)len);
        return NULL;
    }
    memcpy(k->md, md, sizeof md);
    k->len = len;
    memcpy(k->der, der, (size_t)len);
    OPENSSL_clear_free(der, (size_t)len);
    k->next = rt->keys;
    rt->keys = k;
    return k;
}

static void pump_kick(struct sim_runtime *rt);

static void rate_wait_cb(uv_timer_t *t)
{
    pump_kick(t->data);
}

/* connect_rate as a token bucket holding at most a tenth of a second's connects (at
 * least one): connects spread evenly instead of coming in bursts. 1 when one may
 * start now (and it is taken); else the timer is set for when the next may. */
static int rate_take(struct sim_runtime *rt)
{
    if (rt->opts.connect_rate <= 0)
        return 1;
    uint64_t now = uv_now(rt->loop);
    double burst = rt->opts.connect_rate / 10 > 1 ? rt->opts.connect_rate / 10 : 1;
    rt->tokens += (double)(now - rt->tokens_at) * rt->opts.connect_rate / 1000.0;
    rt->tokens_at = now;
    if (rt->tokens > burst)
        rt->tokens = burst;
    if (rt->tokens >= 1) {
        rt->tokens -= 1;
        return 1;
    }
    uint64_t wait = (uint64_t)((1 - rt->tokens) * 1000.0 / rt->opts.connect_rate) + 1;
    if (!uv_is_active((uv_handle_t *)&rt->rate_wait))
        uv_timer_start(&rt->rate_wait, rate_wait_cb, wait, 0);
    return 0;
}

static void pump_cb(uv_idle_t *h)
{
    struct sim_runtime *rt = h->data;
    int limited = 0;
    while (rt->wait_head && rt->connecting < rt->opts.max_connecting &&
           sim__may_send(rt) && !(limited = !rate_take(rt))) {
        struct sim_charger *ch = rt->wait_head;
        rt->wait_head = ch->wait_next;
        if (!rt->wait_head)
            rt->wait_tail = NULL;
        ch->wait_next = NULL;
        rt->connecting++;   /* given back by sim__runtime_connect_done */
        ch->hooks->connect(ch);
    }
    if (limited || !rt->wait_head || rt->connecting >= rt->opts.max_connecting ||
        !sim__may_send(rt)) {
        uv_idle_stop(h);
        rt->pump_active = 0;
    }
}

static void pump_kick(struct sim_runtime *rt)
{
    if (!rt->pump_active && rt->wait_head && rt->connecting < rt->opts.max_connecting &&
        !uv_is_active((uv_handle_t *)&rt->rate_wait)) {
        uv_idle_start(&rt->pump, pump_cb);
        rt->pump_active = 1;
    }
}

/* Connects are paced: at most max_connecting handshakes in flight (each holds ~5 kB of
 * headers in lws), the rest wait in FIFO order. */
void sim__runtime_want_connect(struct sim_runtime *rt, struct sim_charger *ch)
{
    ch->state = SIM_QUEUED;
    ch->wait_next = NULL;
    if (rt->wait_tail)
        rt->wait_tail->wait_next = ch;
    else
        rt->wait_head = ch;
    rt->wait_tail = ch;
    pump_kick(rt);
}

void sim__runtime_connect_done(struct sim_runtime *rt, struct sim_charger *ch)
{
    rt->connecting--;
    pump_kick(rt);
}

void sim__runtime_unlink(struct sim_runtime *rt, struct sim_charger *ch)
{
    if (ch->state == SIM_QUEUED) {
        struct sim_charger **pp = &rt->wait_head, *prev = NULL;
        while (*pp && *pp != ch) {
            prev = *pp;
            pp = &(*pp)->wait_next;
        }
        if (*pp) {
            *pp = ch->wait_next;
            if (rt->wait_tail == ch)
                rt->wait_tail = prev;
        }
    }
    if (ch->prev)
        ch->prev->next = ch->next;
    else if (rt->all == ch)
        rt->all = ch->next;
    if (ch->next)
        ch->next->prev = ch->prev;
    ch->prev = ch->next = NULL;
    rt->count--;
}

#define DEADLINE_TICK_MS 250

/* CALLs whose answer is overdue: one sweep a quarter second over the chargers (cheaper
 * than a timer each: 10,000 chargers are a few microseconds of work per sweep). */
static void deadlines_cb(uv_timer_t *t)
{
    struct sim_runtime *rt = t->data;
    uint64_t now = uv_now(rt->loop);
    for (struct sim_charger *ch = rt->all, *next; ch; ch = next) {
        next = ch->next;
        if (ch->rpc.deadline_ms && ch->rpc.deadline_ms <= now)
            ch->hooks->call_expired(ch);
    }
}

static void pump_closed(uv_handle_t *h);

struct sim_runtime *sim_runtime_new(uv_loop_t *loop, struct lws_context *ctx,
                                    const struct sim_runtime_opts *o,
                                    const struct sim_events *ev, void *arg)
{
    struct sim_runtime *rt = calloc(1, sizeof *rt);
    rt->loop = loop;
    rt->ctx = ctx;
    rt->opts = *o;
    rt->ev = *ev;
    rt->ev_arg = arg;
    sim_metrics_init(&rt->m);
    for (int i = 0; i < o->n_source_addresses; i++) {
        char **more = realloc(rt->sources, (size_t)(i + 1) * sizeof(char *));
        if (!more)
            break;
        rt->sources = more;
        rt->sources[rt->n_sources++] = strdup(o->source_addresses[i]);
    }
    rt->opts.source_addresses = NULL;   /* copied above */
    uv_idle_init(loop, &rt->pump);
    rt->pump.data = rt;
    if (!sim__runtime_vhost(rt, NULL, NULL, NULL)) {
        rt->handles = 1;
        uv_close((uv_handle_t *)&rt->pump, pump_closed);
        return NULL;
    }
    uv_timer_init(loop, &rt->deadlines);
    rt->deadlines.data = rt;
    uv_timer_init(loop, &rt->rate_wait);
    rt->rate_wait.data = rt;
    rt->tokens = 1;
    rt->tokens_at = uv_now(loop);
    rt->handles = 3;
    uv_timer_start(&rt->deadlines, deadlines_cb, DEADLINE_TICK_MS, DEADLINE_TICK_MS);
    return rt;
}

void sim_runtime_set_guard(struct sim_runtime *rt, int (*may_send)(void *arg), void *arg)
{
    rt->guard = may_send;
    rt->guard_arg = arg;
}

void sim_runtime_stop_all(struct sim_runtime *rt)
{
    struct sim_charger *ch = rt->all, *next;
    rt->stopping_all = 1;
    for (; ch; ch = next) {
        next = ch->next;
        sim_charger_stop(ch);
    }
}

static void pump_closed(uv_handle_t *h)
{
    struct sim_runtime *rt = h->data;
    if (--rt->handles > 0)
        return;
    while (rt->vhosts) {
        struct sim_vhost *v = rt->vhosts;
        rt->vhosts = v->next;
        free(v->ca_file);
        free(v->cert_file);
        free(v);
    }
    while (rt->keys) {
        struct sim_key *k = rt->keys;
        rt->keys = k->next;
        OPENSSL_clear_free(k, sizeof *k + (size_t)k->len);
    }
    while (rt->pems) {
        struct sim_pem *p = rt->pems;
        rt->pems = p->next;
        unlink(p->path);
        free(p);
    }
    if (rt->pem_dir)
        rmdir(rt->pem_dir);
    free(rt->pem_dir);
    for (int i = 0; i < rt->n_sources; i++)
        free(rt->sources[i]);
    free(rt->sources);
    sim_metrics_free(&rt->m);
    free(rt);
}

void sim_runtime_free(struct sim_runtime *rt)
{
    if (!rt)
        return;
    uv_idle_stop(&rt->pump);
    uv_timer_stop(&rt->deadlines);
    uv_timer_stop(&rt->rate_wait);
    uv_close((uv_handle_t *)&rt->pump, pump_closed);
    uv_close((uv_handle_t *)&rt->deadlines, pump_closed);
    uv_close((uv_handle_t *)&rt->rate_wait, pump_closed);
}

int sim_runtime_count(const struct sim_runtime *rt)
{
    return rt->count;
}

int sim_runtime_connected(const struct sim_runtime *rt)
{
    return rt->connected;
}

json_t *sim_runtime_metrics(const struct sim_runtime *rt)
{
    static const char *const names[] = {
        [SIM_IDLE] = "waiting", [SIM_QUEUED] = "queued", [SIM_CONNECTING] = "connecting",
        [SIM_BOOTING] = "booting", [SIM_ACCEPTED] = "accepted", [SIM_STOPPING] = "stopping",
    };
    json_int_t by_state[SIM_STOPPING + 1] = {0}, calls = 0, dropped = 0, out_frames = 0;

    for (const struct sim_charger *ch = rt->all; ch; ch = ch->next) {
        by_state[ch->state]++;
        calls += ch->rpc.queued;
        dropped += (json_int_t)ch->rpc.dropped;
        out_frames += sim__ws_queued(&ch->ws);
    }
    json_t *m = sim_metrics_json(&rt->m), *states = json_object();
    for (int i = 0; i <= SIM_STOPPING; i++)
        json_object_set_new(states, names[i], json_integer(by_state[i]));
    json_object_set_new(m, "chargers", states);
    json_object_set_new(m, "connected", json_integer(rt->connected));
    json_object_set_new(m, "queues", json_pack("{s:I,s:I,s:I,s:I}",
                                               "connect_wait", by_state[SIM_QUEUED],
                                               "calls_waiting", calls,
                                               "calls_dropped", dropped,
                                               "frames_unsent", out_frames));
    return m;
}

static int is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int sim_url_parse(const char *ws_url, const char *identity, struct sim_url *out)
{
    const char *p;
    memset(out, 0, sizeof *out);
    if (!strncmp(ws_url, "ws://", 5)) {
        p = ws_url + 5;
        out->port = 80;
    } else if (!strncmp(ws_url, "wss://", 6)) {
        p = ws_url + 6;
        out->tls = 1;
        out->port = 443;
    } else {
        return -1;
    }
    size_t hl = strcspn(p, "/?#");
    const char *rest = p + hl;
    const char *hend = p + hl;
    /* [v6]:port or host:port */
    const char *colon = NULL;
    if (*p == '[') {
        const char *rb = memchr(p, ']', hl);
        if (!rb)
            return -1;
        if (rb + 1 < hend && rb[1] == ':')
            colon = rb + 1;
        if ((size_t)(rb - p - 1) >= sizeof out->host)
            return -1;
        memcpy(out->host, p + 1, (size_t)(rb - p - 1));
    } else {
        colon = memchr(p, ':', hl);
        size_t n = colon ? (size_t)(colon - p) : hl;
        if (n >= sizeof out->host)
            return -1;
        memcpy(out->host, p, n);
    }
    if (!out->host[0])
        return -1;
    if (colon) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end != hend || port < 1 || port > 65535)
            return -1;
        out->port = (int)port;
    }
    /* base path without query/fragment and without trailing slashes */
    size_t pl = strcspn(rest, "?#");
    while (pl && rest[pl - 1] == '/')
        pl--;
    size_t o = 0;
    if (pl) {
        if (pl + 1 >= sizeof out->path)
            return -1;
        memcpy(out->path, rest, pl);
        o = pl;
    }
    if (o + 1 >= sizeof out->path)
        return -1;
    out->path[o++] = '/';
    for (const unsigned char *s = (const unsigned char *)identity; *s; s++) {
        if (o + 4 >= sizeof out->path)
            return -1;
        if (is_unreserved(*s)) {
            out->path[o++] = (char)*s;
        } else {
            static const char hex[] = "0123456789ABCDEF";
            out->path[o++] = '%';
            out->path[o++] = hex[*s >> 4];
            out->path[o++] = hex[*s & 15];
        }
    }
    out->path[o] = '\0';
    return 0;
}

/* The options of serve and worker (cmd_options.h): one list, gathered from the
 * --config file, CHARGEFLEET_<OPTION> variables and the command line, then parsed. */
#include "cmd_options.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf_log.h"

#define MAX_SOURCES 1024

/* "A,B,C-D": IPv4 ranges or single addresses (IPv6 too), each checked by binding a
 * socket to it, so a typo or an address this machine does not have is a clear error
 * at start instead of every connection failing. */
static int parse_sources(const char *arg, struct cmd__cfg *c)
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

void cmd__cfg_free(struct cmd__cfg *c)
{
    for (int i = 0; i < c->n_sources; i++)
        free(c->sources[i]);
    free(c->sources);
    c->sources = NULL;
    c->n_sources = 0;
}

int cmd__parse_listen(const char *s, char *host, size_t n, int *port)
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

int cmd__parse_int(const char *flag, const char *v, long min, long max, long *out)
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

/* The options that are one int of struct cmd__cfg in a range, as cmd__parse_int reads
 * them (its message names the option: "--" and the name in opts[]). */
static const struct int_option {
    int o;
    long min, max;
    size_t field;               /* offsetof(struct cmd__cfg, an int) */
} int_options[] = {
    {O_TIMEOUT, 1, 86400, offsetof(struct cmd__cfg, provision_timeout)},
    {O_HTTP_HEADER_TIMEOUT, 1, 3600, offsetof(struct cmd__cfg, http_header_timeout)},
    {O_HTTP_BODY_TIMEOUT, 1, 3600, offsetof(struct cmd__cfg, http_body_timeout)},
    {O_HTTP_MAXCONN, 1, 1000000, offsetof(struct cmd__cfg, http_max_connections)},
    {O_LEASE, 3, 3600, offsetof(struct cmd__cfg, lease_s)},
    {O_CAPACITY, 1, 10000000, offsetof(struct cmd__cfg, capacity)},
    {O_OWNCAP, 0, 10000000, offsetof(struct cmd__cfg, own_capacity)},
    {O_RATE, 0, 10000000, offsetof(struct cmd__cfg, connect_rate)},
    {O_MAXCONN, 1, 100000, offsetof(struct cmd__cfg, max_connecting)},
    {O_RETENTION, 1, 24 * 365, offsetof(struct cmd__cfg, log_retention_h)},
};

/* Reads an int_options[] option into its field: 0, or 2 after saying what is wrong. */
static int parse_int_option(int o, const char *name, const char *v, struct cmd__cfg *c)
{
    char flag[64];
    long x;

    for (size_t i = 0; i < sizeof int_options / sizeof int_options[0]; i++) {
        const struct int_option *io = &int_options[i];
        if (io->o != o)
            continue;
        snprintf(flag, sizeof flag, "--%s", name);
        if (cmd__parse_int(flag, v, io->min, io->max, &x) != 0)
            return 2;
        *(int *)((char *)c + io->field) = (int)x;
        return 0;
    }
    return -1;
}

static int serve_only(int o)
{
    return o == O_LISTEN || o == O_STATE || o == O_TOKEN || o == O_TOKEN_FILE || o == O_WSURL ||
           o == O_MAXBODY || o == O_HTTP_HEADER_TIMEOUT || o == O_HTTP_BODY_TIMEOUT ||
           o == O_HTTP_MAXCONN || o == O_RETENTION || o == O_WORKERS || o == O_OWNCAP ||
           o == O_BUILTIN || o == O_CA_DIR || o == O_WS_HOSTS;
}

static void args_push(struct cmd__args *a, const char *arg, const char *from)
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

void cmd__args_free(struct cmd__args *a)
{
    for (int i = 0; i < a->argc; i++) {
        free(a->argv[i]);
        free(a->from[i]);
    }
    free(a->argv);
    free(a->from);
    memset(a, 0, sizeof *a);
}

static void args_push_option(struct cmd__args *a, const char *name, const char *value,
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

static int config_file_args(struct cmd__args *a, const char *path, int serve)
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

static int gather_args(int argc, char **argv, int serve, struct cmd__args *a)
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

int cmd__read_token_file(const char *path, char *out, size_t n)
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

static int parse_common(struct cmd__args *a, struct cmd__cfg *c,
                        const struct cmd__command *cmd)
{
    const char *usage = cmd->usage;
    int serve = cmd->serve;
    long v;
    int o, idx = 0;

    optind = 1;
    opterr = 0;
    /* "+": no permuting, so a->from[] still names each argument's source */
    while ((o = getopt_long(a->argc, a->argv, "+:", opts, &idx)) != -1) {
        const char *from = a->from[optind - 1];
        int rc;
        if (!serve && serve_only(o)) {
            fprintf(stderr, "chargefleet worker: --%s is an option of serve only\n",
                    opts[idx].name);
            return 2;
        }
        if (o == O_CAPACITY)
            c->capacity_given = 1;
        /* rc: 0 or 2 once the option is read (or wrong), -1 while it is not */
        rc = parse_int_option(o, opts[idx].name, optarg, c);
        switch (rc >= 0 ? 0 : o) {
        case 0:
            break;          /* one of int_options[] */
        case O_LISTEN:
            if (cmd__parse_listen(optarg, c->host, sizeof(c->host), &c->port) != 0) {
                fprintf(stderr, "chargefleet: --listen wants HOST:PORT, got '%s'\n", optarg);
                rc = 2;
            }
            break;
        case O_DB: c->db = optarg; break;
        case O_STATE: c->state_dir = optarg; break;
        case O_SECRET: c->secret_key_file = optarg; break;
        case O_TOKEN: c->token = optarg; break;
        case O_TOKEN_FILE:
            if (cmd__read_token_file(optarg, c->token_buf, sizeof c->token_buf) != 0)
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
        case O_MAXBODY:
            rc = cmd__parse_int("--max-body", optarg, 1024, 1L << 30, &v) ? 2 : 0;
            c->max_body = v;
            break;
        case O_WORKERS:
            if (strcmp(optarg, "auto") == 0)
                v = -1;
            else
                rc = cmd__parse_int("--workers", optarg, 0, 256, &v) ? 2 : 0;
            c->workers = (int)v;
            break;
        case O_SOURCES:
            cmd__cfg_free(c);
            rc = parse_sources(optarg, c) != 0 ? 2 : 0;
            c->sources_arg = optarg;
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
        case O_CONFIG:
            break;          /* read first, by gather_args */
        case O_HELP:
            fputs(usage, stdout);
            return 0;
        default:
            fprintf(stderr, "chargefleet: %s '%s' (`chargefleet %s --help` lists them)\n",
                    o == ':' ? "no value given for" : "unknown option", a->argv[optind - 1],
                    cmd->name);
            return 2;
        }
        if (rc > 0) {
            if (from)
                fprintf(stderr, "chargefleet: (that value came from %s)\n", from);
            return rc;
        }
    }
    if (optind < a->argc) {
        fprintf(stderr, "chargefleet: unexpected argument '%s' (`chargefleet %s --help` lists "
                        "the options)\n", a->argv[optind], cmd->name);
        return 2;
    }
    return -1;
}

int cmd__options(int argc, char **argv, const struct cmd__command *cmd,
                 struct cmd__args *args, struct cmd__cfg *c)
{
    if (gather_args(argc, argv, cmd->serve, args) != 0)
        return 2;
    return parse_common(args, c, cmd);
}

/* Private to cmd/: what serve and worker share, as libuv's uv-common.h is to its
 * sources. Both run an orchestrator runtime on one loop, parse the same option list
 * (the --config file, CHARGEFLEET_<OPTION> variables, the command line) and stop the
 * same way; serve adds the API, its local workers and the built-in CSMS through the
 * hooks of its struct cmd__role (cmd_serve.c). */
#ifndef CMD_RUNTIME_H
#define CMD_RUNTIME_H

#include <uv.h>

/* The runtime options both commands take (their --help texts embed it). */
#define CMD__RUNTIME_USAGE                                                                 \
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
#define CMD__SOURCES_USAGE                                                                 \
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

/* The options, once parsed. Strings are borrowed from the argument list (or point into
 * the buffers here); sources is owned. */
struct cmd__cfg {
    char host[256];
    int port;
    const char *db;
    const char *state_dir;
    const char *secret_key_file;    /* --secret-key-file (orch_secret_load) */
    const char *token;
    char token_buf[256];            /* --api-token-file's or the kept token */
    const char *default_ws_url;
    const char *builtin_csms;       /* --builtin-csms as given: HOST:PORT or off */
    const char *ca_dir, *ws_hosts;  /* --ca-dir, --allow-ws-hosts (api_policy.h) */
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

struct cmd__role;

/* The process: one loop, its signals, the runtime and what the role added (extra). */
struct cmd__app {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_signal_t sigusr1, sigusr2;   /* log level: debug / back to the configured one */
    struct lws_context *ctx;
    struct db *db;                  /* the runtime's, the sweep's and OCPI pushes' */
    struct orch_runtime *rt;
    uv_pipe_t parent;               /* worker under serve: stdin, EOF = serve went away */
    int parent_open;
    int stopping;
    int unclean;                    /* children that did not exit 0 when stopped: exit 1 */
    const struct cmd__role *role;
    void *extra;                    /* the role's own state (serve: struct serve) */
};

/* What makes serve serve. Every hook may be NULL (worker has none). */
struct cmd__role {
    const char *name;               /* "serve" | "worker": messages and --help hints */
    const char *usage;              /* the --help text */
    int serve;                      /* serve's options are allowed (serve_only) */
    /* After the options, before the database: checks and settles what the role needs.
     * -1 to go on, else the exit status (the reason said on stderr). */
    int (*prepare)(struct cmd__cfg *c);
    /* After the runtime is up: starts the role's parts. 0, or -1 (the process stops,
     * exit 1). */
    int (*start)(struct cmd__app *a, const struct cmd__cfg *c, const char *conninfo);
    /* The stop begins (a signal, the parent gone): before the runtime stops. */
    void (*stop)(struct cmd__app *a);
    /* The runtime has stopped: close the role's parts. 1 while something must end
     * first (that one calls cmd__close_rest again when it has), 0 when done. */
    int (*close)(struct cmd__app *a);
    /* After the first destroy of the lws context. */
    void (*closed)(struct cmd__app *a);
    /* After the loop ended: free what callbacks could still reach until then. */
    void (*free)(struct cmd__app *a);
    /* A log-level signal (SIGUSR1, SIGUSR2) seen here, to pass on. */
    void (*signal)(struct cmd__app *a, int signum);
};

/* serve and worker: argv[0] is the command; extra becomes the app's (borrowed, the
 * role's own state). Returns the process exit status (0; 1 a failure at run time; 2 a
 * usage or configuration error, said on stderr). */
int cmd__runtime_main(int argc, char **argv, const struct cmd__role *role, void *extra);

/* Closes what is left once the runtime stopped (the shutdown's second half). arg is
 * the struct cmd__app. */
void cmd__close_rest(void *arg);

/* Begins the stop: the role's children, the chargers (leases released), the rest. */
void cmd__stop_app(struct cmd__app *a);

/* The level --log-level (or its default) set; SIGUSR2 comes back to it. */
extern const char *cmd__configured_level;

/* v as an integer in min..max into *out: 0, or -1 after saying so for flag on stderr. */
int cmd__parse_int(const char *flag, const char *v, long min, long max, long *out);

/* The token is the file's first line, without surrounding blanks. 0, or -1 after
 * saying why on stderr. */
int cmd__read_token_file(const char *path, char *out, size_t n);

#endif

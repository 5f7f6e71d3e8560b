/* Private to cmd/: the options of serve and worker. One list (getopt's), taken from
 * three sources, lowest precedence first: the --config file's keys, CHARGEFLEET_<OPTION>
 * variables, the command line; the last occurrence of an option wins. worker skips
 * serve's options found in the file or the environment and refuses them on its
 * command line. */
#ifndef CMD_OPTIONS_H
#define CMD_OPTIONS_H

#include <stddef.h>

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

/* The options as one argument list for getopt, lowest precedence first. from[i] names
 * where argv[i] came from (NULL: the command line), for error messages. */
struct cmd__args {
    int argc;
    char **argv;
    char **from;
    int cap;
};

/* Whose options: the command's name ("serve" | "worker", in messages), its --help text,
 * and whether serve's options are allowed. */
struct cmd__command {
    const char *name;
    const char *usage;
    int serve;
};

/* Gathers the options of command cmd (argv[0] is its name) into args and parses them
 * into c (which holds the defaults). -1 when the command goes on; else the exit status:
 * 0 after --help, 2 after saying what is wrong on stderr. Either way, free both with
 * cmd__cfg_free and cmd__args_free (c borrows strings of args). */
int cmd__options(int argc, char **argv, const struct cmd__command *cmd,
                 struct cmd__args *args, struct cmd__cfg *c);

/* Frees what c owns (the expanded --source-addresses). */
void cmd__cfg_free(struct cmd__cfg *c);

/* Frees the gathered arguments and zeroes a. */
void cmd__args_free(struct cmd__args *a);

/* "HOST:PORT" (the last ':' splits; PORT 1..65535) into host[n] and *port: 0, or -1
 * (nothing said: the caller names the option). */
int cmd__parse_listen(const char *s, char *host, size_t n, int *port);

/* v as an integer in min..max into *out: 0, or -1 after saying so for flag on stderr. */
int cmd__parse_int(const char *flag, const char *v, long min, long max, long *out);

/* The token is the file's first line, without surrounding blanks. 0, or -1 after
 * saying why on stderr. */
int cmd__read_token_file(const char *path, char *out, size_t n);

#endif

/* Private to cmd/: what serve and worker share, as libuv's uv-common.h is to its
 * sources. Both run an orchestrator runtime on one loop, parse the same option list
 * (the --config file, CHARGEFLEET_<OPTION> variables, the command line) and stop the
 * same way; serve adds the API, its local workers and the built-in CSMS through the
 * hooks of its struct cmd__role (cmd_serve.c). The options are cmd_options.h. */
#ifndef CMD_RUNTIME_H
#define CMD_RUNTIME_H

#include <uv.h>

#include "cmd_options.h"

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
    int runners;                    /* runtimes sharing --connect-rate: serve's own (unless
                                     * --own-capacity 0) and its local workers; worker: 1 */
    const struct cmd__role *role;
    void *extra;                    /* the role's own state (serve: struct serve) */
};

/* What makes serve serve. Every hook may be NULL (worker has none). */
struct cmd__role {
    struct cmd__command cmd;        /* its name, --help text, serve's options or not */
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

#endif

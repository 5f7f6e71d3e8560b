/* chargefleet: one binary, one command per run. main only dispatches: each command
 * (cmd/) owns the process's libuv loop and wires the layers it needs: serve (API +
 * orchestrator + simulator), worker (orchestrator + simulator), run (runner/:
 * conformance runs, no database), csms (the built-in CSMS), token (tenants' API
 * tokens). */
#include <stdio.h>
#include <string.h>

#include "cf_version.h"
#include "cmd_csms.h"
#include "cmd_run.h"
#include "cmd_serve.h"
#include "cmd_token.h"
#include "cmd_worker.h"

static int cmd_version(int argc, char **argv)
{
    printf("chargefleet %s (git %s)\n", cf_version, cf_revision);
    return 0;
}

/* The commands, in the order the usage lists them. fn gets argv[0] = the command's
 * name and returns the exit status; summary is its usage line (continued lines
 * indented under it). */
static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cmd_serve, "REST API + orchestrator + simulator runtime in one process"},
    {"worker", cmd_worker, "simulator runtime only: claims chargers from a shared database (--db)"},
    {"run", cmd_run, "a conformance run from a scenario file or a built-in suite (no database)"},
    {"csms", cmd_csms, "a small built-in CSMS that accepts everything (demos, benchmarks)"},
    {"token", cmd_token, "API tokens of tenants: token create --tenant NAME [--read-only], token\n"
                         "           list, token revoke ID"},
    {"version", cmd_version, "this program's version and git commit (also --version)"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("usage: chargefleet <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n`chargefleet <command> --help` lists the options of a command.\n", out);
}

int main(int argc, char **argv)
{
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "chargefleet: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}

/* `chargefleet token create | list | revoke`: the API tokens of tenants, in the database
 * serve uses (--db, $DATABASE_URL, or the embedded PostgreSQL under --state-dir). */
#include "cmd_token.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orch_pg.h"
#include "orch_tenants.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define DB_USAGE                                                                           \
    "  --db URL                    PostgreSQL URL or conninfo (default: $DATABASE_URL; without\n" \
    "                              either, the embedded PostgreSQL under --state-dir, running\n" \
    "                              or not)\n"                                                   \
    "  --state-dir DIR             as for serve\n"                                              \
    "  --help                      this text\n"

static const char USAGE[] =
    "usage: chargefleet token create --tenant NAME [--read-only] [--db URL | --state-dir DIR]\n"
    "       chargefleet token list [--tenant NAME] [--json] [--db URL | --state-dir DIR]\n"
    "       chargefleet token revoke ID [--db URL | --state-dir DIR]\n"
    "\n"
    "The API tokens of tenants. Each tenant sees only its own CPOs, locations and chargers.\n"
    "serve's --api-token is a full token of tenant \"default\" (not listed, not revocable).\n"
    "`chargefleet token COMMAND --help` says more.\n";

static const char CREATE_USAGE[] =
    "usage: chargefleet token create --tenant NAME [--read-only] [--db URL | --state-dir DIR]\n"
    "\n"
    "Prints a new API token of tenant NAME (1..64 of A-Z a-z 0-9 . _ -). Only its hash is\n"
    "stored: keep the printed token. Its id (for list and revoke) goes to stderr.\n"
    "  --tenant NAME               the tenant (created with its first token)\n"
    "  --read-only                 the token may only read: GET; any other method answers\n"
    "                              403 and changes nothing\n" DB_USAGE;

static const char LIST_USAGE[] =
    "usage: chargefleet token list [--tenant NAME] [--json] [--db URL | --state-dir DIR]\n"
    "\n"
    "Lists tokens: id, tenant, access (full or read-only), when made, the last 4 hex digits\n"
    "of the token's SHA-256 (`printf %s TOKEN | sha256sum` tells which one is yours) and\n"
    "when revoked. Never the tokens themselves.\n"
    "  --tenant NAME               only this tenant's (default: every tenant's)\n"
    "  --json                      a JSON array of {id, tenant, read_only, created_at,\n"
    "                              hash_tail, revoked_at} instead of a table\n" DB_USAGE;

static const char REVOKE_USAGE[] =
    "usage: chargefleet token revoke ID [--db URL | --state-dir DIR]\n"
    "\n"
    "Revokes token ID (as `token list` shows it): the API answers it 401 within "
    STR(ORCH_TOKEN_RECHECK_SECONDS) " seconds\n"
    "(a server checks a token it accepted again after that long). It stays listed, with\n"
    "when it was revoked; revoking it again changes nothing.\n" DB_USAGE;

enum sub { CREATE, LIST, REVOKE };

struct token_args {
    enum sub sub;
    const char *name;               /* "create", ... for messages */
    const char *tenant, *db, *state, *id;
    int read_only, json;
};

/* One line on stderr; the exit status of a usage error. */
static int usage_error(const struct token_args *a, const char *what, const char *arg)
{
    fprintf(stderr, "chargefleet token %s: %s%s%s (see --help)\n", a->name, what,
            arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* Reads the options of a->sub from argv (argv[0] is the subcommand). Returns 0, 2 after
 * a usage error, or 1 after --help was printed (exit 0). */
static int parse(int argc, char **argv, struct token_args *a, const char *usage)
{
    enum { O_TENANT = 1, O_READ_ONLY, O_JSON, O_DB, O_STATE, O_HELP };
    static const struct option opts[] = {
        {"tenant", required_argument, NULL, O_TENANT},
        {"read-only", no_argument, NULL, O_READ_ONLY},
        {"json", no_argument, NULL, O_JSON},
        {"db", required_argument, NULL, O_DB},
        {"state-dir", required_argument, NULL, O_STATE},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    int o;

    optind = 1;
    opterr = 0;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case O_TENANT: a->tenant = optarg; break;
        case O_READ_ONLY: a->read_only = 1; break;
        case O_JSON: a->json = 1; break;
        case O_DB: a->db = optarg; break;
        case O_STATE: a->state = optarg; break;
        case O_HELP: fputs(usage, stdout); return 1;
        default:
            return usage_error(a, "unknown option or missing value", argv[optind - 1]);
        }
    }
    if (a->sub == REVOKE && optind < argc)
        a->id = argv[optind++];
    if (optind < argc)
        return usage_error(a, "unexpected argument", argv[optind]);
    if (a->tenant && a->sub == REVOKE)
        return usage_error(a, "--tenant is not an option of revoke (the ID says which)", NULL);
    if (a->read_only && a->sub != CREATE)
        return usage_error(a, "--read-only is an option of create only", NULL);
    if (a->json && a->sub != LIST)
        return usage_error(a, "--json is an option of list only", NULL);
    if (a->sub == CREATE && !a->tenant)
        return usage_error(a, "--tenant NAME is required", NULL);
    if (a->tenant && !orch_tenant_name_ok(a->tenant))
        return usage_error(a, "--tenant: 1..64 of A-Z a-z 0-9 . _ -", a->tenant);
    if (a->sub == REVOKE && !a->id)
        return usage_error(a, "the token's ID is required (see `chargefleet token list`)", NULL);
    if (a->id && (strspn(a->id, "0123456789") != strlen(a->id) || strlen(a->id) > 18 ||
                  strtoll(a->id, NULL, 10) <= 0))
        return usage_error(a, "ID: a token id (a positive integer) from `token list`", a->id);
    return 0;
}

static void print_table(json_t *list)
{
    size_t i;
    json_t *t;

    printf("%-6s %-24s %-10s %-20s %-8s %s\n", "ID", "TENANT", "ACCESS", "CREATED", "HASH",
           "REVOKED");
    json_array_foreach(list, i, t) {
        const char *revoked = json_string_value(json_object_get(t, "revoked_at"));
        printf("%-6lld %-24s %-10s %-20s ...%-5s %s\n",
               (long long)json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "tenant")),
               json_is_true(json_object_get(t, "read_only")) ? "read-only" : "full",
               json_string_value(json_object_get(t, "created_at")),
               json_string_value(json_object_get(t, "hash_tail")), revoked ? revoked : "-");
    }
}

/* The command against conninfo: the process exit status. */
static int run(const struct token_args *a, const char *conninfo)
{
    if (a->sub == CREATE) {
        char token[65];
        long long id = orch_token_create(conninfo, a->tenant, a->read_only, token);
        if (id < 0)
            return 1;
        printf("%s\n", token);
        fprintf(stderr, "chargefleet: token %lld of tenant %s (%s)\n", id, a->tenant,
                a->read_only ? "read-only" : "full");
        return 0;
    }
    if (a->sub == LIST) {
        json_t *list = orch_token_list(conninfo, a->tenant);
        if (!list)
            return 1;
        if (a->json) {
            char *s = json_dumps(list, JSON_INDENT(2));
            printf("%s\n", s);
            free(s);
        } else {
            print_table(list);
        }
        json_decref(list);
        return 0;
    }
    char tenant[ORCH_TENANT_MAX + 1] = "";
    long long id = strtoll(a->id, NULL, 10);
    switch (orch_token_revoke(conninfo, id, tenant)) {
    case ORCH_TOKEN_REVOKED:
        printf("revoked token %lld of tenant %s\n", id, tenant);
        return 0;
    case ORCH_TOKEN_WAS_REVOKED:
        printf("token %lld of tenant %s was revoked already\n", id, tenant);
        return 0;
    case ORCH_TOKEN_UNKNOWN:
        fprintf(stderr, "chargefleet token revoke: no token %lld (see `chargefleet token "
                        "list`)\n", id);
        return 1;
    default:
        return 1;
    }
}

int cmd_token(int argc, char **argv)
{
    static const struct {
        const char *name;
        enum sub sub;
        const char *usage;
    } subs[] = {{"create", CREATE, CREATE_USAGE}, {"list", LIST, LIST_USAGE},
                {"revoke", REVOKE, REVOKE_USAGE}};
    struct token_args a = {.db = getenv("DATABASE_URL")};
    char conninfo[1024], state_dir[512];
    struct orch_pg pg = {0};
    size_t s = 0;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(USAGE, stdout);
        return 0;
    }
    while (argc >= 2 && s < sizeof subs / sizeof subs[0] && strcmp(argv[1], subs[s].name) != 0)
        s++;
    if (argc < 2 || s == sizeof subs / sizeof subs[0]) {
        fprintf(stderr, "chargefleet token: %s%s (create, list or revoke; see --help)\n",
                argc < 2 ? "a command is required" : "unknown command: ",
                argc < 2 ? "" : argv[1]);
        return 2;
    }
    a.sub = subs[s].sub;
    a.name = subs[s].name;
    int r = parse(argc - 1, argv + 1, &a, subs[s].usage);
    if (r != 0)
        return r == 1 ? 0 : r;
    if (a.db && *a.db) {
        snprintf(conninfo, sizeof(conninfo), "%s", a.db);
    } else {
        if (!a.state) {
            orch_pg_default_state_dir(state_dir, sizeof(state_dir));
            a.state = state_dir;
        }
        if (orch_pg_start(&pg, a.state, conninfo, sizeof(conninfo)) != 0)
            return 1;
    }
    int rc = run(&a, conninfo);
    orch_pg_stop(&pg);
    return rc;
}

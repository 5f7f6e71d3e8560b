/* `chargefleet run`: a conformance run from a scenario file and/or a built-in suite,
 * without a database: exit 0 when every case that applies PASSED, 1 otherwise, 2 on a
 * usage or file error (with the line or the field named). */
#include "cmd_run.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "fleet_policy.h"
#include "fleet_validate.h"
#include "fleet_expand.h"
#include "cf_log.h"
#include "run_engine.h"
#include "run_plan.h"
#include "run_report.h"
#include "sim_runtime.h"

static const char USAGE[] =
    "usage: chargefleet run [FILE] [--suite NAME] [--csms URL] [options]\n"
    "\n"
    "Plays conformance cases against a CSMS with simulated chargers; no database, no\n"
    "server. FILE is a JSON scenario file: {\"chargers\": [charger groups as in POST\n"
    "/ocpp/locations/{id}/chargers], \"scenarios\": [...], \"vars\": {...}} (README,\n"
    "\"Conformance runs\"). Exit status: 0 every case that applies PASSED, 1 a case FAILED\n"
    "or had an ERROR (or none applied), 2 a usage or file error.\n"
    "\n"
    "  --suite NAME        also run a built-in suite: ocpp16-core, ocpp201-core (cases named\n"
    "                      after the OCA test cases); FILE may then give only chargers and\n"
    "                      vars, or be left out (the suite's own charger is used)\n"
    "  --csms URL          ws:// or wss:// URL of the CSMS, for groups without a ws_url\n"
    "  --junit FILE        write a JUnit XML report (one testcase per case per group)\n"
    "  --json FILE         write a JSON report (verdicts, messages, last frames)\n"
    "  --only CASE,...     run only these cases (an id, or its prefix up to a '_': TC_010)\n"
    "  --timeout SECONDS   how long a step waits for the CSMS unless it says \"within\" (30)\n"
    "  --ask-cmd COMMAND   run COMMAND (sh -c) whenever a case needs the CSMS to act, with\n"
    "                      CF_CASE, CF_CASE_NAME, CF_IDENTITY, CF_GROUP, CF_ACTION (the call\n"
    "                      awaited) and CF_ASK (what to do) in its environment\n"
    "  --list              print the cases that would run, and exit\n"
    "  --print-suite NAME  print a built-in suite's JSON (a starting point for a file)\n"
    "  --log-level LEVEL   error, warn, info or debug (error)\n"
    "  --help              this text\n";

struct run_app {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    struct lws_context *ctx;
    struct run_engine *engine;
};

static void on_signal(uv_signal_t *s, int signum)
{
    struct run_app *a = s->data;
    (void)signum;
    run_engine_interrupt(a->engine);
}

static void on_done(struct run_engine *e, void *arg)
{
    struct run_app *a = arg;
    (void)e;
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    lws_context_destroy(a->ctx);
}

/* The first problems of a group's validation, as "chargers[i].field: message". */
static void say_invalid(const char *file, size_t g, json_t *errors, const char *csms)
{
    json_t *e;
    size_t i;
    if (json_is_string(errors)) {
        fprintf(stderr, "chargefleet run: %s: chargers[%zu]: %s\n", file, g, json_string_value(errors));
        return;
    }
    json_array_foreach(errors, i, e) {
        json_t *loc = json_object_get(e, "loc"), *x;
        size_t k;
        char path[300] = "";
        size_t len = 0;
        json_array_foreach(loc, k, x) {
            if (k == 0)
                len += (size_t)snprintf(path + len, sizeof path - len, "chargers");
            else if (k == 1)
                len += (size_t)snprintf(path + len, sizeof path - len, "[%zu]", g);
            else if (json_is_integer(x))
                len += (size_t)snprintf(path + len, sizeof path - len, "[%lld]",
                                        (long long)json_integer_value(x));
            else
                len += (size_t)snprintf(path + len, sizeof path - len, ".%s", json_string_value(x));
            if (len >= sizeof path)
                break;
        }
        const char *msg = json_string_value(json_object_get(e, "msg"));
        if (!csms && strstr(msg, "ws_url required"))
            msg = "ws_url required: give the group's template a ws_url, or run with --csms URL";
        fprintf(stderr, "chargefleet run: %s: %s: %s\n", file, path, msg);
    }
}

/* Validates every group as the REST API would; fills rows with each group's charger rows
 * (array of arrays). 0, or -1 (said on stderr). */
static int expand_groups(const char *file, json_t *groups, const char *csms, json_t *rows)
{
    json_t *taken = json_object(), *g;
    size_t i;
    int rc = 0;
    char err[200];
    /* the plan is the operator's own file: a ca_file anywhere (still a readable PEM) */
    fleet_policy_set("/", NULL, err, sizeof err);
    json_array_foreach(groups, i, g) {
        json_t *body = json_pack("[O]", g), *plan = NULL, *errors = NULL;
        enum fleet_valid v = fleet_validate_chargers(body, taken, NULL, csms, &plan, &errors);
        json_decref(body);
        if (v != FLEET_VALID_OK) {
            say_invalid(file, i, errors, csms);
            json_decref(errors);
            rc = -1;
            continue;
        }
        struct fleet_rng rng;
        fleet_rng_init_random(&rng);
        json_t *grows = fleet_expand_plan(json_object_get(plan, "groups"), taken, &rng);
        json_decref(plan);
        if (!grows) {
            fprintf(stderr, "chargefleet run: %s: group %zu: no free identities left\n", file, i);
            rc = -1;
            continue;
        }
        json_array_append_new(rows, grows);
    }
    json_decref(taken);
    return rc;
}

static void list_cases(const struct run_plan *p)
{
    for (int i = 0; i < p->ncases; i++)
        printf("%-16s %-10s %s\n", p->cases[i].id, p->cases[i].version ? p->cases[i].version : "any",
               p->cases[i].name);
}

/* What the command line asks of a run. */
struct run_args {
    const char *file, *suite, *csms, *junit, *json_out, *only;
    int list;
    struct run_opts ro;
};

/* The command line into r. -1 when the run goes on; else the exit status: 0 after
 * --help or --print-suite, 2 after saying what is wrong on stderr. */
static int run_options(int argc, char **argv, struct run_args *r)
{
    enum { O_SUITE = 1, O_CSMS, O_JUNIT, O_JSON, O_ONLY, O_TIMEOUT, O_ASK, O_LIST, O_PRINT,
           O_LOG, O_HELP };
    static const struct option opts[] = {
        {"suite", required_argument, NULL, O_SUITE},
        {"csms", required_argument, NULL, O_CSMS},
        {"junit", required_argument, NULL, O_JUNIT},
        {"json", required_argument, NULL, O_JSON},
        {"only", required_argument, NULL, O_ONLY},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"ask-cmd", required_argument, NULL, O_ASK},
        {"list", no_argument, NULL, O_LIST},
        {"print-suite", required_argument, NULL, O_PRINT},
        {"log-level", required_argument, NULL, O_LOG},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    int o;
    char *end;

    cf_log_set_level("error");
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case O_SUITE: r->suite = optarg; break;
        case O_CSMS: r->csms = optarg; break;
        case O_JUNIT: r->junit = optarg; break;
        case O_JSON: r->json_out = optarg; break;
        case O_ONLY: r->only = optarg; break;
        case O_TIMEOUT:
            r->ro.timeout_s = strtod(optarg, &end);
            if (*end || end == optarg || r->ro.timeout_s <= 0 || r->ro.timeout_s > 86400) {
                fprintf(stderr, "chargefleet run: --timeout wants seconds above 0 (at most "
                        "86400), not '%s'\n", optarg);
                return 2;
            }
            break;
        case O_ASK: r->ro.ask_cmd = optarg; break;
        case O_LIST: r->list = 1; break;
        case O_PRINT: {
            const char *t = run_suite_text(optarg);
            if (!t) {
                fprintf(stderr, "chargefleet run: --print-suite: no suite named %s "
                        "(ocpp16-core, ocpp201-core)\n", optarg);
                return 2;
            }
            fputs(t, stdout);
            return 0;
        }
        case O_LOG:
            if (cf_log_set_level(optarg) != 0) {
                fprintf(stderr, "chargefleet run: --log-level wants error, warn, info or debug\n");
                return 2;
            }
            break;
        case O_HELP: fputs(USAGE, stdout); return 0;
        default: fputs(USAGE, stderr); return 2;
        }
    }
    if (optind < argc)
        r->file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "chargefleet run: one scenario file only ('%s' is one too many)\n%s",
                argv[optind], USAGE);
        return 2;
    }
    if (!r->file && !r->suite) {
        fprintf(stderr, "chargefleet run: give a scenario FILE, --suite NAME, or both\n%s", USAGE);
        return 2;
    }
    if (r->csms && strncmp(r->csms, "ws://", 5) && strncmp(r->csms, "wss://", 6)) {
        fprintf(stderr, "chargefleet run: --csms must be a ws:// or wss:// URL, not '%s'\n",
                r->csms);
        return 2;
    }
    return -1;
}

/* The scenario file (if any) and the suite into plan: 0, or 2 after saying what is wrong
 * in the file (its line, or the field) on stderr. */
static int load_plan(const struct run_args *r, struct run_plan *plan)
{
    const char *file = r->file;
    json_t *doc = NULL;
    if (file) {
        json_error_t je;
        doc = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
        if (!doc) {
            if (je.line > 0)
                fprintf(stderr, "chargefleet run: %s: line %d, column %d: %s\n", file, je.line,
                        je.column, je.text);
            else
                fprintf(stderr, "chargefleet run: %s: %s\n", file, je.text);
            return 2;
        }
    }
    char err[600];
    if (run_plan_load(plan, doc, file ? file : "", r->suite, r->only, err, sizeof err) < 0) {
        fprintf(stderr, "chargefleet run: %s%s%s\n", file && strncmp(err, "--", 2) ? file : "",
                file && strncmp(err, "--", 2) ? ": " : "", err);
        json_decref(doc);
        return 2;
    }
    json_decref(doc);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct run_args ra = {.ro = {.timeout_s = 30}};
    struct run_plan plan;
    int rc;

    cf_log_set_level("error");
    if ((rc = run_options(argc, argv, &ra)) >= 0)
        return rc;
    if (load_plan(&ra, &plan) != 0)
        return 2;
    if (ra.list) {
        list_cases(&plan);
        run_plan_free(&plan);
        return 0;
    }
    json_t *groups = json_array();
    if (expand_groups(ra.file ? ra.file : ra.suite, plan.groups, ra.csms, groups) < 0) {
        json_decref(groups);
        run_plan_free(&plan);
        return 2;
    }

    char name[300];
    const char *base = ra.file ? strrchr(ra.file, '/') : NULL;
    snprintf(name, sizeof name, "%s%s%s", ra.suite ? ra.suite : "",
             ra.suite && ra.file ? "+" : "", ra.file ? (base ? base + 1 : ra.file) : "");
    ra.ro.tty = isatty(STDOUT_FILENO);

    struct run_app a;
    memset(&a, 0, sizeof a);
    uv_loop_init(&a.loop);
    a.sigint.data = a.sigterm.data = &a;
    uv_signal_init(&a.loop, &a.sigint);
    uv_signal_init(&a.loop, &a.sigterm);
    uv_signal_start(&a.sigint, on_signal, SIGINT);
    uv_signal_start(&a.sigterm, on_signal, SIGTERM);
    a.ctx = sim_lws_context_new(&a.loop);
    if (!a.ctx) {
        fprintf(stderr, "chargefleet run: cannot create the websocket context\n");
        return 1;
    }
    printf("chargefleet run: %d case%s, %zu charger group%s%s%s\n", plan.ncases,
           plan.ncases == 1 ? "" : "s", json_array_size(groups),
           json_array_size(groups) == 1 ? "" : "s", ra.csms ? ", CSMS " : "",
           ra.csms ? ra.csms : "");
    fflush(stdout);
    a.engine = run_engine_new(&a.loop, a.ctx, &plan, groups, &ra.ro, on_done, &a);
    run_engine_start(a.engine);
    uv_run(&a.loop, UV_RUN_DEFAULT);
    lws_context_destroy(a.ctx);        /* on a foreign loop the second destroy ends it */
    uv_run(&a.loop, UV_RUN_DEFAULT);

    const struct run_result *r;
    int n = run_engine_results(a.engine, &r);
    double secs = run_engine_seconds(a.engine);
    struct run_summary s;
    run_summarize(r, n, &s);
    rc = 0;
    run_report_print(stdout, r, n, secs, run_engine_load(a.engine));
    if (s.fail || s.error)
        rc = 1;
    else if (!s.pass) {
        printf("no case applied to these chargers\n");
        rc = 1;
    }
    if (ra.junit && run_report_junit(ra.junit, name, r, n, secs) < 0) {
        fprintf(stderr, "chargefleet run: --junit %s: %s\n", ra.junit, strerror(errno));
        rc = rc ? rc : 1;
    }
    if (ra.json_out &&
        run_report_json(ra.json_out, name, ra.csms, run_engine_load(a.engine), r, n, secs) < 0) {
        fprintf(stderr, "chargefleet run: --json %s: %s\n", ra.json_out, strerror(errno));
        rc = rc ? rc : 1;
    }
    fflush(stdout);
    run_engine_free(a.engine);
    if (uv_loop_close(&a.loop) != 0)
        CF_LOG_WARN("run", "the loop still had open handles at exit");
    json_decref(groups);
    run_plan_free(&plan);
    return rc;
}

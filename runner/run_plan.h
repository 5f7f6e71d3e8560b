/* A conformance run's plan: the charger groups and the cases (a file's scenarios and a
 * built-in suite's), every step checked before anything starts, so a mistake in a file
 * is reported with the field it is in and nothing runs. No I/O.
 *
 * Step language (docs in the README, "Conformance runs"): each step is an object with
 * one kind key: connect, disconnect, reconnect, boot, response, call, do, send, wait,
 * ask; its other keys are the kind's options. */
#ifndef RUN_PLAN_H
#define RUN_PLAN_H

#include <stddef.h>
#include <jansson.h>

enum run_step_kind {
    RUN_STEP_CONNECT,      /* start the charger (it connects and boots by itself) */
    RUN_STEP_DISCONNECT,   /* switch it off: clean websocket close, no reconnect */
    RUN_STEP_RECONNECT,    /* switch it on again: it connects and boots */
    RUN_STEP_RESPONSE,     /* the CSMS answers a call of the charger (boot: BootNotification) */
    RUN_STEP_CALL,         /* the CSMS sends a call to the charger */
    RUN_STEP_DO,           /* a charger command (plug, start-session, ...) */
    RUN_STEP_WAIT,         /* let time pass */
    RUN_STEP_ASK,          /* tell the CSMS's automation (--ask-cmd) what to do next */
};

struct run_step {
    enum run_step_kind kind;
    json_t *spec;          /* the step object (owned); ${vars} are replaced when it runs */
    const char *action;    /* RESPONSE / CALL: the OCPP action (borrowed from spec) */
    double within_s;       /* RESPONSE / CALL: 0 = the run's --timeout; WAIT: seconds */
    int otherwise_na;      /* a failed check makes the case NOT APPLICABLE, not FAIL */
};

struct run_case {
    char *id;              /* "TC_001_CSMS", or a file scenario's id */
    char *name;            /* its title */
    char *version;         /* "OCPP1.6" / "OCPP2.0.1": groups of another version are NOT
                            * APPLICABLE; NULL: any */
    char *suite;           /* the suite it comes from, or the file name */
    int group;             /* only this group (0-based), or -1: every group */
    char *identity;        /* only this charger, or NULL */
    int nsteps;
    struct run_step *steps;
};

struct run_plan {
    json_t *groups;        /* the charger groups as given (validated by the caller) */
    json_t *vars;          /* name -> value: the suite's defaults, then the file's */
    int ncases;
    struct run_case *cases;
};

/* The names of the built-in suites (NULL-terminated) and one suite's JSON text. */
extern const char *const run_suite_names[];
const char *run_suite_text(const char *name);

/* Builds a plan from a scenario file (borrowed, may be NULL when suite is given) named
 * file_name, and the built-in suite `suite` (may be NULL). only: comma-separated case
 * ids (a case is also selected by a prefix ending where its id has a '_'), or NULL.
 * Returns 0, or -1 with err[n] naming the field ("scenarios[2].steps[1].call: ..."). */
int run_plan_load(struct run_plan *p, json_t *file, const char *file_name, const char *suite,
                  const char *only, char *err, size_t n);
void run_plan_free(struct run_plan *p);

/* A copy of v (new reference) with every "${name}" replaced by vars[name]: a string that
 * is exactly "${name}" takes the variable's value and type, else it is put in the text.
 * Unknown names stay as they are (the plan checked them). */
json_t *run_subst(json_t *v, json_t *vars);

/* Checks payload against a match object {"dotted.path": expected}; expected is a value
 * (equal; numbers compare by value), or {"type": "string|integer|number|boolean|object|
 * array"}, {"one_of": [values]}, {"present": true|false}. 0, or -1 with why[n]
 * ("idTagInfo.status is \"Invalid\", expected \"Accepted\""). */
int run_match(json_t *payload, json_t *match, char *why, size_t n);

/* Checks a `do` step's command and arguments as the REST API does. 0 with *clean (a new
 * reference, may be NULL), -1 no such command, -2 bad arguments; why[n] says what. */
int run_check_command(const char *command, json_t *args, json_t **clean, char *why, size_t n);

/* The value at a dotted path ("idTagInfo.status", "evse.0.id") in v, borrowed, or NULL. */
json_t *run_path(json_t *v, const char *path);

#endif

/* Plays a plan's cases against a CSMS, one case after another; in a case every
 * selected charger runs the steps at once, each on a fresh simulated charger that is
 * stopped (clean close) when its steps end. Every frame the CSMS sends is checked
 * against the official OCPP JSON schemas of the charger's version; a violation fails
 * the case at once, naming the field. Runs on the caller's loop; no database. */
#ifndef RUN_ENGINE_H
#define RUN_ENGINE_H

#include <libwebsockets.h>
#include <uv.h>

#include "run_plan.h"

enum run_verdict { RUN_PASS, RUN_FAIL, RUN_ERROR, RUN_NA };

/* "PASS", "FAIL", "ERROR", "NOT APPLICABLE" */
const char *run_verdict_name(enum run_verdict v);

/* One case on one charger group. */
struct run_result {
    const struct run_case *c;
    int group;                 /* 0-based */
    char *group_label;         /* "group 1 (OCPP1.6 schneider/evlink-pro-ac-22kw)" */
    int chargers;              /* chargers that ran it */
    enum run_verdict verdict;
    char *message;             /* not PASS: why, naming the charger; else NULL */
    char *identity;            /* the charger the message is about, or NULL */
    json_t *frames;            /* its last frames ["-> [2,...]", "<- [3,...]"], or NULL */
    double seconds;
};

struct run_opts {
    double timeout_s;          /* a step waits this long unless it says "within" (30) */
    const char *ask_cmd;       /* run through /bin/sh when a case needs the CSMS to act */
    int tty;                   /* stdout is a terminal: a live progress line */
};

struct run_engine;

/* groups: the validated charger rows of each group (array of arrays, borrowed, must
 * outlive the engine). done runs once every case has a result. */
struct run_engine *run_engine_new(uv_loop_t *loop, struct lws_context *ctx,
                                  const struct run_plan *plan, json_t *groups,
                                  const struct run_opts *o,
                                  void (*done)(struct run_engine *e, void *arg), void *arg);
void run_engine_start(struct run_engine *e);
/* Stops at once (SIGINT): the running case is ERROR "interrupted", the others are not
 * run; done follows. */
void run_engine_interrupt(struct run_engine *e);
int run_engine_results(const struct run_engine *e, const struct run_result **out);
double run_engine_seconds(const struct run_engine *e);
/* The run's load figures (run_load_figures), borrowed; NULL before done. */
json_t *run_engine_load(const struct run_engine *e);
/* Frees the engine; its runtime must have no charger left (after done). */
void run_engine_free(struct run_engine *e);

#endif

/* What a conformance run says at its end: the summary table (stdout), the last frames
 * of each failing charger, a JUnit XML file (one testcase per case per charger group;
 * FAIL = failure, ERROR = error, NOT APPLICABLE = skipped) and a JSON report. */
#ifndef RUN_REPORT_H
#define RUN_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "run_engine.h"

struct run_summary {
    int pass, fail, error, na;
};

void run_summarize(const struct run_result *r, int n, struct run_summary *s);

/* The table and, for every case not PASS or NOT APPLICABLE, its charger's last frames. */
/* load: run_load_figures (run_load.h) or NULL. */
void run_report_print(FILE *f, const struct run_result *r, int n, double seconds,
                      json_t *load);

/* Writes the file; 0, or -1 (errno set). suite names the run (the suite or the file). */
int run_report_junit(const char *path, const char *suite, const struct run_result *r, int n,
                     double seconds);
int run_report_json(const char *path, const char *suite, const char *csms, json_t *load,
                    const struct run_result *r, int n, double seconds);

#endif

/* Summary table, JUnit XML and JSON reports of a conformance run. */
#include "run_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf_log.h"

void run_summarize(const struct run_result *r, int n, struct run_summary *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n; i++) {
        switch (r[i].verdict) {
        case RUN_PASS: s->pass++; break;
        case RUN_FAIL: s->fail++; break;
        case RUN_ERROR: s->error++; break;
        case RUN_NA: s->na++; break;
        }
    }
}

void run_report_print(FILE *f, const struct run_result *r, int n, double seconds,
                      json_t *load)
{
    struct run_summary s;
    run_summarize(r, n, &s);
    fprintf(f, "\n%-16s %-7s %-15s %8s  %s\n", "case", "group", "verdict", "seconds", "name");
    for (int i = 0; i < n; i++)
        fprintf(f, "%-16s %-7d %-15s %8.1f  %s\n", r[i].c->id, r[i].group + 1,
                run_verdict_name(r[i].verdict), r[i].seconds, r[i].c->name);
    for (int i = 0; i < n; i++) {
        if (r[i].verdict != RUN_FAIL && r[i].verdict != RUN_ERROR)
            continue;
        fprintf(f, "\n%s %s, %s: %s\n", run_verdict_name(r[i].verdict), r[i].c->id,
                r[i].group_label, r[i].message ? r[i].message : "");
        if (r[i].frames && json_array_size(r[i].frames)) {
            json_t *x;
            size_t k;
            fprintf(f, "  last frames of %s:\n", r[i].identity);
            json_array_foreach(r[i].frames, k, x)
                fprintf(f, "    %s\n", json_string_value(x));
        }
    }
    if (load) {
        json_t *lat = json_object_get(load, "boot_latency_ms");
        long long sent = 0, got = 0;
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(json_object_get(load, "frames"), "out"), k, v)
            sent += json_integer_value(v);
        json_object_foreach(json_object_get(json_object_get(load, "frames"), "in"), k, v)
            got += json_integer_value(v);
        fprintf(f, "\nload: %lld charger boots, boot latency (connect to accepted) ",
                (long long)json_integer_value(json_object_get(load, "chargers_booted")));
        if (json_is_object(lat))
            fprintf(f, "p50 %lld ms, p95 %lld ms, p99 %lld ms, max %lld ms",
                    (long long)json_integer_value(json_object_get(lat, "p50")),
                    (long long)json_integer_value(json_object_get(lat, "p95")),
                    (long long)json_integer_value(json_object_get(lat, "p99")),
                    (long long)json_integer_value(json_object_get(lat, "max")));
        else
            fputs("-", f);
        fprintf(f, "; %lld frames sent, %lld received; %lld connections (peak %lld/s)\n",
                sent, got, (long long)json_integer_value(json_object_get(load, "connections")),
                (long long)json_integer_value(json_object_get(load, "connections_peak_per_s")));
    }
    fprintf(f, "\n%d passed, %d failed, %d errors, %d not applicable (%d in all) in %.1f s\n",
            s.pass, s.fail, s.error, s.na, n, seconds);
}

/* XML text (attr: an attribute value, quotes escaped too); control characters, which
 * XML 1.0 does not allow, as '?'. */
static void xml_out(FILE *f, const char *s, int attr)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs(attr ? "&quot;" : "\"", f); break;
        default:
            if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
                fputc('?', f);
            else
                fputc(*p, f);
        }
    }
}

static void xml_text(FILE *f, const char *s)
{
    xml_out(f, s, 1);
}

static int close_file(FILE *f)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return -1;
    return 0;
}

int run_report_junit(const char *path, const char *suite, const struct run_result *r, int n,
                     double seconds)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    struct run_summary s;
    char ts[32];
    run_summarize(r, n, &s);
    cf_now_rfc3339(ts);
    ts[19] = '\0';                    /* JUnit's timestamp has no fraction nor zone */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_text(f, suite);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", n, s.fail,
            s.error, seconds);
    fputs("  <testsuite name=\"", f);
    xml_text(f, suite);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" "
            "timestamp=\"%s\" hostname=\"localhost\" id=\"0\" package=\"chargefleet\">\n",
            n, s.fail, s.error, s.na, seconds, ts);
    for (int i = 0; i < n; i++) {
        fputs("    <testcase name=\"", f);
        xml_text(f, r[i].c->id);
        fputs(" ", f);
        xml_text(f, r[i].c->name);
        fprintf(f, "\" classname=\"");
        xml_text(f, r[i].c->suite);
        fprintf(f, ".group%d\" time=\"%.3f\"", r[i].group + 1, r[i].seconds);
        if (r[i].verdict == RUN_PASS) {
            fputs("/>\n", f);
            continue;
        }
        fputs(">\n", f);
        const char *tag = r[i].verdict == RUN_FAIL ? "failure" : r[i].verdict == RUN_ERROR
                          ? "error" : "skipped";
        fprintf(f, "      <%s message=\"", tag);
        xml_text(f, r[i].message);
        if (r[i].verdict == RUN_NA) {
            fputs("\"/>\n", f);
        } else {
            fprintf(f, "\" type=\"%s\">", run_verdict_name(r[i].verdict));
            xml_out(f, r[i].message, 0);
            if (r[i].frames && json_array_size(r[i].frames)) {
                json_t *x;
                size_t k;
                fputs("\n\nlast frames of ", f);
                xml_out(f, r[i].identity, 0);
                fputs(":\n", f);
                json_array_foreach(r[i].frames, k, x) {
                    xml_out(f, json_string_value(x), 0);
                    fputs("\n", f);
                }
            }
            fprintf(f, "</%s>\n", tag);
        }
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return close_file(f);
}

int run_report_json(const char *path, const char *suite, const char *csms, json_t *load,
                    const struct run_result *r, int n, double seconds)
{
    struct run_summary s;
    char ts[32];
    run_summarize(r, n, &s);
    cf_now_rfc3339(ts);
    json_t *cases = json_array();
    for (int i = 0; i < n; i++) {
        json_t *c = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:i,s:f}", "id", r[i].c->id, "name",
                              r[i].c->name, "suite", r[i].c->suite, "group", r[i].group + 1,
                              "group_label", r[i].group_label ? r[i].group_label : "",
                              "verdict", run_verdict_name(r[i].verdict), "chargers",
                              r[i].chargers, "seconds", r[i].seconds);
        if (r[i].message)
            json_object_set_new(c, "message", json_string(r[i].message));
        if (r[i].identity)
            json_object_set_new(c, "identity", json_string(r[i].identity));
        if (r[i].frames)
            json_object_set(c, "frames", r[i].frames);
        json_array_append_new(cases, c);
    }
    json_t *doc = json_pack("{s:s,s:s*,s:s,s:f,s:{s:i,s:i,s:i,s:i,s:i},s:o}", "suite", suite,
                            "csms", csms, "finished_at", ts, "seconds", seconds, "summary",
                            "total", n, "pass", s.pass, "fail", s.fail, "error", s.error,
                            "not_applicable", s.na, "cases", cases);
    if (load)
        json_object_set(doc, "load", load);
    int rc = json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
    json_decref(doc);
    if (rc != 0 && !errno)
        errno = EIO;
    return rc == 0 ? 0 : -1;
}

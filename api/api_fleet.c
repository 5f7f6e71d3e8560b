/* The fleet after creation: list, read, update and delete CPOs, locations and
 * chargers (orch_fleet does the SQL; here: path and query checks, bodies, answers). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "fleet_expand.h"
#include "orch_fleet.h"
#include "fleet_version.h"

/* ---- CPOs ---- */

void get_cpos(struct op *op)
{
    struct orch_page pg;

    if (read_page(op, &pg) == 0)
        orch_list_cpos(op->api->db, op->tenant, &pg, pass_through, op);
}

void get_cpo(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_get_cpo(op->api->db, op->tenant, op->p[0], answer_doc(op, "CPO"), op);
}

void delete_cpo(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_delete_cpo(op->api->db, op->tenant, op->p[0], answer_doc(op, "CPO"), op);
}

/* Appends printf output to a growing buffer. */
struct buf {
    char *s;
    size_t len, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s)
            return;
        b->s = s;
        b->cap = cap;
    }
}

static const char *str_or_dash(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}
#define STR(o, k) str_or_dash((o), (k))
#define INT(o, k) ((long long)json_integer_value(json_object_get((o), (k))))

/* One page of Markdown: who the CPO is, its fleet's health, per location, and the
 * most frequent errors. */
static char *report_markdown(json_t *doc)
{
    json_t *cpo = json_object_get(doc, "cpo"), *party = json_object_get(cpo, "party");
    json_t *counts = json_object_get(cpo, "counts"), *l;
    struct buf b = {0};
    size_t i;

    bprintf(&b, "# CPO %s — %s %s\n\n", STR(cpo, "cpo_id"), STR(party, "country_code"),
            STR(party, "party_id"));
    bprintf(&b, "| | |\n|---|---|\n");
    bprintf(&b, "| name prefix | %s |\n| template | %s (v%lld) |\n", STR(cpo, "name_prefix"),
            STR(cpo, "template"), INT(cpo, "template_version"));
    bprintf(&b, "| status | **%s** |\n| created | %s |\n| expires | %s |\n",
            STR(cpo, "status"), STR(cpo, "created_at"), STR(cpo, "expires_at"));
    bprintf(&b, "| CSMS | %s |\n\n", STR(cpo, "ws_url"));
    bprintf(&b, "## Fleet\n\n%lld locations, %lld chargers, %lld EVSEs / connectors.\n"
                "%lld READY, %lld FAILED, %lld connected now.\n\n",
            INT(counts, "locations"), INT(counts, "chargers"), INT(counts, "connectors"),
            INT(counts, "ready"), INT(counts, "failed"), INT(counts, "connected"));
    bprintf(&b, "## Locations\n\n| location | chargers | ready | failed | connected |\n"
                "|---|---:|---:|---:|---:|\n");
    json_array_foreach(json_object_get(doc, "locations"), i, l)
        bprintf(&b, "| %s | %lld | %lld | %lld | %lld |\n", STR(l, "name"), INT(l, "chargers"),
                INT(l, "ready"), INT(l, "failed"), INT(l, "connected"));
    json_t *errs = json_object_get(doc, "errors");
    if (json_array_size(errs) > 0) {
        bprintf(&b, "\n## Errors\n\n| error | chargers |\n|---|---:|\n");
        json_array_foreach(errs, i, l)
            bprintf(&b, "| %s | %lld |\n", STR(l, "error"), INT(l, "count"));
    } else {
        bprintf(&b, "\nNo charger failed.\n");
    }
    return b.s;
}

static void report_answer(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "CPO")) {
        json_t *doc = parse_doc(json);
        char *md = report_markdown(doc);
        if (md)
            api_req_respond_body(op->req, 200, "text/markdown; charset=utf-8", md);
        else
            api_req_error(op->req, 500, "out of memory");
        free(md);
        json_decref(doc);
    }
    op_free(op);
}

void get_cpo_report(struct op *op)
{
    if (require(op, is_id(op->p[0]), "CPO"))
        orch_cpo_report(op->api->db, op->tenant, op->p[0], report_answer, op);
}

/* ---- locations ---- */

void get_locations(struct op *op)
{
    struct orch_page pg;

    if (require(op, is_id(op->p[0]), "CPO") && read_page(op, &pg) == 0)
        orch_list_locations(op->api->db, op->tenant, op->p[0], &pg, answer_doc(op, "CPO"),
                            op);
}

void get_location(struct op *op)
{
    if (require(op, is_id(op->p[0]) && is_uuid(op->p[1]), "location"))
        orch_get_location(op->api->db, op->tenant, op->p[0], op->p[1],
                          answer_doc(op, "location"), op);
}

void patch_location(struct op *op)
{
    json_t *patch = NULL, *errors = NULL;

    if (!require(op, is_id(op->p[0]) && is_uuid(op->p[1]), "location"))
        return;
    enum fleet_valid v = fleet_validate_location_patch(op->body, &patch, &errors);
    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    char *text = json_dumps(patch, JSON_COMPACT);
    json_decref(patch);
    orch_patch_location(op->api->db, op->tenant, op->p[0], op->p[1], text,
                        answer_doc(op, "location"), op);
    free(text);
}

void delete_location(struct op *op)
{
    if (require(op, is_id(op->p[0]) && is_uuid(op->p[1]), "location"))
        orch_delete_location(op->api->db, op->tenant, op->p[0], op->p[1],
                             answer_doc(op, "location"), op);
}

/* ---- chargers ---- */

/* Bulk answers: 404 when the location is unknown; kick the runtime so restarted
 * chargers are claimed again at once. */
static void bulk_answer(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (!answer_failure(op, st, detail, "location")) {
        api_req_respond_text(op->req, 200, json);
        op->api->kick(op->api->kick_arg);
    }
    op_free(op);
}

/* A single charger through the bulk statement: 404 when nothing matched. */
static void one_answer(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    json_t *doc = st == ORCH_OK ? parse_doc(json) : NULL;

    if (!answer_failure(op, st, detail, "charger")) {
        if (json_array_size(json_object_get(doc, "not_found")) > 0) {
            api_req_error(op->req, 404, "charger not found");
        } else {
            api_req_respond_text(op->req, 200, json);
            op->api->kick(op->api->kick_arg);
        }
    }
    json_decref(doc);
    op_free(op);
}


static void list_chargers(struct op *op, const char *location_id)
{
    static const char *const statuses[] = {"PENDING", "PROVISIONING", "READY", "FAILED", NULL};
    const char *versions[8];
    struct orch_charger_filter f = {.location_id = location_id};
    struct orch_page pg;

    fleet_version_names(versions, sizeof versions / sizeof versions[0]);
    if (!location_id && (f.location_id = api_req_arg(op->req, "location_id")) &&
        !is_uuid(f.location_id)) {
        api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s,s],s:s,s:s}]}", "detail",
            "loc", "query", "location_id", "msg", "location_id must be a UUID", "type",
            "type_error.uuid"));
        op_free(op);
        return;
    }
    if (read_page(op, &pg) != 0 || query_filter(op, "status", statuses, &f.status) != 0 ||
        query_filter(op, "ocpp_version", versions, &f.ocpp_version) != 0)
        return;
    orch_list_chargers(op->api->db, op->tenant, &f, &pg, answer_doc(op, "location"), op);
}

void get_location_chargers(struct op *op)
{
    if (require(op, is_uuid(op->p[0]), "location"))
        list_chargers(op, op->p[0]);
}

void get_all_chargers(struct op *op)
{
    list_chargers(op, NULL);
}

/* 409: the candidates, in the detail for a person and as a list for a program. */
static void answer_ambiguous(struct op *op, json_t *matches)
{
    char detail[1024];
    size_t i;
    json_t *m;
    int n = snprintf(detail, sizeof detail, "identity %s names %zu chargers of yours (one "
                     "per location); name one by its charger_id:", op->p[op->param],
                     json_array_size(matches));

    json_array_foreach(matches, i, m) {
        if (n < 0 || (size_t)n >= sizeof detail)
            break;
        n += snprintf(detail + n, sizeof detail - (size_t)n, "%s %s (location %s %s)",
                      i ? "," : "", json_string_value(json_object_get(m, "charger_id")),
                      json_string_value(json_object_get(m, "location_id")),
                      json_string_value(json_object_get(m, "location_name")));
    }
    api_req_respond_json(op->req, 409, json_pack("{s:s,s:O}", "detail", detail,
                                                 "candidates", matches));
}

static void identity_found(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (answer_failure(op, st, detail, "charger")) {
        op_free(op);
        return;
    }
    json_t *doc = parse_doc(json), *matches = json_object_get(doc, "matches");
    if (json_array_size(matches) == 1) {
        snprintf(op->p[op->param], sizeof op->p[0], "%s",
                 json_string_value(json_object_get(json_array_get(matches, 0), "charger_id")));
        json_decref(doc);
        op->next(op);
        return;
    }
    if (json_array_size(matches) == 0)
        api_req_error(op->req, 404, "charger not found");
    else
        answer_ambiguous(op, matches);
    json_decref(doc);
    op_free(op);
}

void with_charger(struct op *op, int param, void (*next)(struct op *op))
{
    if (is_uuid(op->p[param])) {
        next(op);
        return;
    }
    if (!require(op, strlen(op->p[param]) <= FLEET_IDENTITY_MAX, "charger"))
        return;
    op->param = param;
    op->next = next;
    orch_find_chargers(op->api->db, op->tenant, op->p[param], identity_found, op);
}

static void get_charger_by_id(struct op *op)
{
    orch_get_charger(op->api->db, op->tenant, op->p[0], answer_doc(op, "charger"), op);
}

void get_charger(struct op *op)
{
    with_charger(op, 0, get_charger_by_id);
}

/* PUT on a location's chargers (location_id) or on one charger (NULL). */
static void update(struct op *op, const char *location_id)
{
    json_t *changes = NULL, *ids = NULL, *errors = NULL;
    enum fleet_valid v = fleet_validate_charger_update(op->body, location_id != NULL, &changes,
                                                   &ids, &errors);
    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    if (!location_id)
        ids = json_pack("[s]", op->p[0]);
    char *c = json_dumps(changes, JSON_COMPACT), *i = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
    orch_update_chargers(op->api->db, op->tenant, location_id, i, c,
                         location_id ? bulk_answer : one_answer, op);
    json_decref(changes);
    json_decref(ids);
    free(c);
    free(i);
}

void put_location_chargers(struct op *op)
{
    if (require(op, is_uuid(op->p[0]), "location"))
        update(op, op->p[0]);
}

static void put_charger_by_id(struct op *op)
{
    update(op, NULL);
}

void put_charger(struct op *op)
{
    with_charger(op, 0, put_charger_by_id);
}

void delete_location_chargers(struct op *op)
{
    json_t *given = api_req_args(op->req, "charger_ids");
    char *ids = NULL;

    if (!require(op, is_uuid(op->p[0]), "location"))
        return;
    if (given) {
        /* ?charger_ids=a&charger_ids=b, or one comma-separated value */
        json_t *list = json_array(), *v;
        size_t i;
        json_array_foreach(given, i, v) {
            char *s = strdup(json_string_value(v)), *save = NULL;
            for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save))
                json_array_append_new(list, json_string(t));
            free(s);
        }
        if (json_array_size(list) == 0) {
            json_decref(list);
            api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s,s],s:s,s:s}]}", "detail",
                "loc", "query", "charger_ids", "msg",
                "charger_ids is empty (leave it out to delete every charger)", "type",
                "value_error.missing"));
            op_free(op);
            return;
        }
        ids = json_dumps(list, JSON_COMPACT);
        json_decref(list);
    }
    orch_delete_chargers(op->api->db, op->tenant, op->p[0], ids, bulk_answer, op);
    free(ids);
}

static void delete_charger_by_id(struct op *op)
{
    char ids[160];
    snprintf(ids, sizeof(ids), "[\"%s\"]", op->p[0]);
    orch_delete_chargers(op->api->db, op->tenant, NULL, ids, one_answer, op);
}

void delete_charger(struct op *op)
{
    with_charger(op, 0, delete_charger_by_id);
}

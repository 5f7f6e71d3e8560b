/* Loading and checking a conformance run's plan; variables and matching. */
#include "run_plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_validate.h"
#include "fleet_version.h"

extern const char run_suite_ocpp16_core[];
extern const char run_suite_ocpp201_core[];

const char *const run_suite_names[] = {"ocpp16-core", "ocpp201-core", NULL};

const char *run_suite_text(const char *name)
{
    if (!strcmp(name, "ocpp16-core"))
        return run_suite_ocpp16_core;
    if (!strcmp(name, "ocpp201-core"))
        return run_suite_ocpp201_core;
    return NULL;
}

struct ld {                    /* a load in progress */
    struct run_plan *p;
    char *err;
    size_t n;
    int failed;
};

static int bad(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct ld *l, const char *fmt, ...)
{
    if (!l->failed) {          /* the first problem is the one said */
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err, l->n, fmt, ap);
        va_end(ap);
    }
    l->failed = 1;
    return -1;
}

/* ---- variables ---- */

/* Calls fn for every "${name}" in s. */
static int each_var(const char *s, int (*fn)(const char *name, size_t len, void *arg), void *arg)
{
    const char *p = s;
    while ((p = strstr(p, "${")) != NULL) {
        const char *end = strchr(p + 2, '}');
        if (!end)
            return 0;
        if (fn(p + 2, (size_t)(end - p - 2), arg) < 0)
            return -1;
        p = end + 1;
    }
    return 0;
}

static json_t *var_get(json_t *vars, const char *name, size_t len)
{
    char key[128];
    if (len >= sizeof key)
        return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    return json_object_get(vars, key);
}

/* Appends to a growing buffer. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static json_t *subst_string(const char *s, json_t *vars)
{
    size_t n = strlen(s);
    if (n > 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}' && !memchr(s + 2, '}', n - 3)) {
        json_t *v = var_get(vars, s + 2, n - 3);
        if (v)
            return json_deep_copy(v);
    }
    struct sbuf b = {0};
    const char *p = s;
    sb_add(&b, "", 0);
    for (;;) {
        const char *at = strstr(p, "${"), *end = at ? strchr(at + 2, '}') : NULL;
        if (!end) {
            sb_add(&b, p, strlen(p));
            break;
        }
        json_t *v = var_get(vars, at + 2, (size_t)(end - at - 2));
        sb_add(&b, p, (size_t)(at - p));
        if (!v) {
            sb_add(&b, at, (size_t)(end + 1 - at));
        } else if (json_is_string(v)) {
            sb_add(&b, json_string_value(v), json_string_length(v));
        } else {
            char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            sb_add(&b, t, strlen(t));
            free(t);
        }
        p = end + 1;
    }
    json_t *out = json_string(b.s);
    free(b.s);
    return out;
}

json_t *run_subst(json_t *v, json_t *vars)
{
    if (json_is_string(v))
        return subst_string(json_string_value(v), vars);
    if (json_is_object(v)) {
        json_t *out = json_object(), *x;
        const char *k;
        json_object_foreach(v, k, x)
            json_object_set_new(out, k, run_subst(x, vars));
        return out;
    }
    if (json_is_array(v)) {
        json_t *out = json_array(), *x;
        size_t i;
        json_array_foreach(v, i, x)
            json_array_append_new(out, run_subst(x, vars));
        return out;
    }
    return json_incref(v);
}

/* ---- matching ---- */

json_t *run_path(json_t *v, const char *path)
{
    char part[128];
    const char *p = path;
    while (v && *p) {
        size_t len = strcspn(p, ".");
        if (len >= sizeof part)
            return NULL;
        memcpy(part, p, len);
        part[len] = '\0';
        if (json_is_array(v)) {
            char *end;
            long i = strtol(part, &end, 10);
            v = (*end || end == part || i < 0) ? NULL : json_array_get(v, (size_t)i);
        } else {
            v = json_object_get(v, part);
        }
        p += len;
        if (*p == '.')
            p++;
    }
    return v;
}

static const char *type_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static int is_type(json_t *v, const char *t)
{
    if (!strcmp(t, "number"))
        return json_is_number(v);
    if (!strcmp(t, "integer"))
        return json_is_integer(v) || (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)));
    return !strcmp(type_name(v), t);
}

static int same(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal(a, b);
}

static void show(json_t *v, char *out, size_t n)
{
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(out, n, "%.120s%s", t ? t : "?", t && strlen(t) > 120 ? "..." : "");
    free(t);
}

static int is_expectation(json_t *e)
{
    return json_is_object(e) && json_object_size(e) == 1 &&
           (json_object_get(e, "type") || json_object_get(e, "one_of") ||
            json_object_get(e, "present"));
}

int run_match(json_t *payload, json_t *match, char *why, size_t n)
{
    const char *path;
    json_t *want;
    char a[140], b[140];

    json_object_foreach(match, path, want) {
        json_t *got = run_path(payload, path);
        if (is_expectation(want) && json_object_get(want, "present")) {
            int should = json_is_true(json_object_get(want, "present"));
            if (should != (got != NULL)) {
                snprintf(why, n, "%s is %s, expected it %s", path, got ? "present" : "missing",
                         should ? "present" : "absent");
                return -1;
            }
            continue;
        }
        if (!got) {
            snprintf(why, n, "%s is missing", path);
            return -1;
        }
        show(got, a, sizeof a);
        if (is_expectation(want) && json_object_get(want, "type")) {
            const char *t = json_string_value(json_object_get(want, "type"));
            if (!is_type(got, t)) {
                snprintf(why, n, "%s is %s (%s), expected type %s", path, a, type_name(got), t);
                return -1;
            }
        } else if (is_expectation(want)) {
            json_t *all = json_object_get(want, "one_of"), *x;
            size_t i;
            int ok = 0;
            json_array_foreach(all, i, x)
                ok |= same(got, x);
            if (!ok) {
                show(all, b, sizeof b);
                snprintf(why, n, "%s is %s, expected one of %s", path, a, b);
                return -1;
            }
        } else if (!same(got, want)) {
            show(want, b, sizeof b);
            snprintf(why, n, "%s is %s, expected %s", path, a, b);
            return -1;
        }
    }
    return 0;
}

int run_check_command(const char *command, json_t *args, json_t **clean, char *why, size_t n)
{
    json_t *out = NULL, *errors = NULL;
    enum fleet_valid v = fleet_validate_command(command, args, &out, &errors);
    int rc = 0;
    if (v == FLEET_VALID_NOT_FOUND) {
        snprintf(why, n, "no command \"%s\" (plug, unplug, start-session, stop-session, "
                 "authorize, ev-suspend, ev-resume, inject-fault, clear-fault, "
                 "set-configuration, restart, proxy-message, ...)", command);
        rc = -1;
    } else if (v == FLEET_VALID_INVALID) {
        json_t *e = json_array_get(errors, 0);
        json_t *loc = json_object_get(e, "loc");
        const char *field = json_string_value(json_array_get(loc, json_array_size(loc) - 1));
        const char *msg = json_string_value(json_object_get(e, "msg"));
        size_t fl = field ? strlen(field) : 0;
        if (!field || !strcmp(field, "body"))
            snprintf(why, n, "args: %s", msg);
        else if (!strncmp(msg, field, fl) && msg[fl] == ':')   /* the API names it first */
            snprintf(why, n, "args.%s", msg);
        else
            snprintf(why, n, "args.%s: %s", field, msg);
        rc = -2;
    }
    json_decref(errors);
    if (clean && !rc)
        *clean = out;
    else
        json_decref(out);
    return rc;
}

/* ---- loading ---- */

struct var_ctx {
    struct ld *l;
    json_t *known;             /* vars + names saved by earlier steps */
    const char *at;
};

static int var_known(const char *name, size_t len, void *arg)
{
    struct var_ctx *c = arg;
    if (var_get(c->known, name, len))
        return 0;
    return bad(c->l, "%s: unknown variable ${%.*s} (not in \"vars\" nor saved by an earlier "
               "step)", c->at, (int)len, name);
}

static int check_vars(struct var_ctx *c, json_t *v)
{
    json_t *x;
    const char *k;
    size_t i;

    if (json_is_string(v))
        return each_var(json_string_value(v), var_known, c);
    json_object_foreach(v, k, x)
        if (strcmp(k, "save") && check_vars(c, x) < 0)
            return -1;
    json_array_foreach(v, i, x)
        if (check_vars(c, x) < 0)
            return -1;
    return 0;
}

static int check_match(struct ld *l, json_t *m, const char *at)
{
    const char *path;
    json_t *e;
    static const char *const types[] = {"string", "integer", "number", "boolean", "object",
                                        "array", "null", NULL};

    if (!json_is_object(m))
        return bad(l, "%s: must be an object of \"field.path\": expected value", at);
    json_object_foreach(m, path, e) {
        if (!*path)
            return bad(l, "%s: an empty field path", at);
        if (!json_is_object(e) || !json_object_size(e))
            continue;                   /* a value to be equal to (objects compare whole) */
        if (!is_expectation(e))
            continue;
        json_t *t = json_object_get(e, "type"), *o = json_object_get(e, "one_of"),
               *p = json_object_get(e, "present");
        int ok = 0;
        for (int i = 0; t && types[i]; i++)
            ok |= json_is_string(t) && !strcmp(json_string_value(t), types[i]);
        if (t && !ok)
            return bad(l, "%s.%s.type: must be one of string, integer, number, boolean, "
                       "object, array, null", at, path);
        if (o && (!json_is_array(o) || !json_array_size(o)))
            return bad(l, "%s.%s.one_of: must be a non-empty array", at, path);
        if (p && !json_is_boolean(p))
            return bad(l, "%s.%s.present: must be true or false", at, path);
    }
    return 0;
}

/* Options each step kind takes besides its kind key. */
static const struct {
    const char *key;
    enum run_step_kind kind;
    const char *opts[8];
} kinds[] = {
    {"connect", RUN_STEP_CONNECT, {NULL}},
    {"disconnect", RUN_STEP_DISCONNECT, {NULL}},
    {"reconnect", RUN_STEP_RECONNECT, {NULL}},
    {"boot", RUN_STEP_RESPONSE, {"within", "otherwise", "save", NULL}},
    {"response", RUN_STEP_RESPONSE, {"match", "request", "error", "save", "within", "otherwise", NULL}},
    {"call", RUN_STEP_CALL, {"match", "answer", "ask", "save", "within", "otherwise", NULL}},
    {"do", RUN_STEP_DO, {"args", NULL}},
    {"send", RUN_STEP_DO, {"payload", NULL}},
    {"wait", RUN_STEP_WAIT, {NULL}},
    {"ask", RUN_STEP_ASK, {NULL}},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static int opt_allowed(size_t k, const char *key)
{
    for (int i = 0; kinds[k].opts[i]; i++)
        if (!strcmp(kinds[k].opts[i], key))
            return 1;
    return 0;
}

static int load_step(struct ld *l, json_t *s, const char *at, json_t *known, struct run_step *out)
{
    size_t k = NKINDS;
    const char *key;
    json_t *v;
    char sub[200];

    if (!json_is_object(s))
        return bad(l, "%s: a step must be an object with one of connect, disconnect, "
                   "reconnect, boot, response, call, do, send, wait, ask", at);
    for (size_t i = 0; i < NKINDS; i++) {
        if (!json_object_get(s, kinds[i].key))
            continue;
        int option = 0;             /* "ask" is a kind, and an option of "call" */
        for (size_t j = 0; j < NKINDS; j++)
            option |= j != i && json_object_get(s, kinds[j].key) && opt_allowed(j, kinds[i].key);
        if (option)
            continue;
        if (k != NKINDS)
            return bad(l, "%s: one step, one kind (both \"%s\" and \"%s\")", at,
                       kinds[k].key, kinds[i].key);
        k = i;
    }
    if (k == NKINDS)
        return bad(l, "%s: no step kind (connect, disconnect, reconnect, boot, response, "
                   "call, do, send, wait, ask)", at);
    json_object_foreach(s, key, v)
        if (strcmp(key, kinds[k].key) && !opt_allowed(k, key))
            return bad(l, "%s.%s: not an option of a \"%s\" step", at, key, kinds[k].key);

    memset(out, 0, sizeof *out);
    out->kind = kinds[k].kind;
    json_t *main = json_object_get(s, kinds[k].key);
    snprintf(sub, sizeof sub, "%s.%s", at, kinds[k].key);
    const char *kk = kinds[k].key;

    if (!strcmp(kk, "connect") || !strcmp(kk, "disconnect") || !strcmp(kk, "reconnect")) {
        if (!json_is_true(main) && !(json_is_object(main) && !json_object_size(main)))
            return bad(l, "%s: must be true", sub);
    } else if (!strcmp(kk, "wait")) {
        if (!json_is_number(main) || json_number_value(main) < 0 || json_number_value(main) > 3600)
            return bad(l, "%s: seconds to wait, a number from 0 to 3600", sub);
        out->within_s = json_number_value(main);
    } else if (!strcmp(kk, "ask")) {
        if (!json_is_string(main) || !json_string_length(main))
            return bad(l, "%s: what the CSMS should do, a non-empty string", sub);
    } else if (!strcmp(kk, "boot")) {
        if (!json_is_true(main) && !json_is_string(main))
            return bad(l, "%s: the status the CSMS should answer (\"Accepted\", \"Pending\", "
                       "\"Rejected\") or true for Accepted", sub);
    } else if (!json_is_string(main) || !json_string_length(main)) {
        return bad(l, "%s: must be %s name", sub,
                   !strcmp(kk, "do") ? "a command" : "an OCPP action");
    } else if (!strcmp(kk, "do")) {
        /* checked with the file's variables in; a value saved by an earlier step is only
         * known when the step runs, and is checked then */
        json_t *args = run_subst(json_object_get(s, "args"), l->p->vars);
        char why[300];
        char *text = json_dumps(args, JSON_COMPACT | JSON_ENCODE_ANY);
        int later = text && strstr(text, "${") != NULL;
        free(text);
        int rc = run_check_command(json_string_value(main), args, NULL, why, sizeof why);
        json_decref(args);
        if (rc == -1 || (rc == -2 && !later))
            return bad(l, "%s: %s", rc == -1 ? sub : at, why);
    }
    json_object_foreach(s, key, v) {
        snprintf(sub, sizeof sub, "%s.%s", at, key);
        if ((!strcmp(key, "match") || !strcmp(key, "request")) && check_match(l, v, sub) < 0)
            return -1;
        if ((!strcmp(key, "answer") || !strcmp(key, "args") || !strcmp(key, "payload")) &&
            !json_is_object(v))
            return bad(l, "%s: must be an object", sub);
        if (!strcmp(key, "within") &&
            (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 86400))
            return bad(l, "%s: seconds, a number above 0 (at most 86400)", sub);
        if (!strcmp(key, "otherwise") &&
            (!json_is_string(v) || strcmp(json_string_value(v), "not_applicable")))
            return bad(l, "%s: the only choice is \"not_applicable\"", sub);
        if (!strcmp(key, "error") && !json_is_true(v) && !json_is_string(v))
            return bad(l, "%s: the CallError code expected, or true for any", sub);
        if (!strcmp(key, "ask") && (!json_is_string(v) || !json_string_length(v)))
            return bad(l, "%s: what the CSMS should do, a non-empty string", sub);
    }
    struct var_ctx vc = {l, known, at};
    if (check_vars(&vc, s) < 0)
        return -1;
    json_t *save = json_object_get(s, "save");
    if (save) {
        snprintf(sub, sizeof sub, "%s.save", at);
        if (!json_is_object(save))
            return bad(l, "%s: must be an object of name: \"field.path\"", sub);
        json_object_foreach(save, key, v) {
            if (!json_is_string(v) || !json_string_length(v))
                return bad(l, "%s.%s: must be a field path", sub, key);
            json_object_set_new(known, key, json_true());
        }
    }

    /* boot and send are written as the steps they stand for */
    if (!strcmp(kk, "boot")) {
        out->spec = json_deep_copy(s);
        json_object_del(out->spec, "boot");
        json_object_set_new(out->spec, "response", json_string("BootNotification"));
        json_object_set_new(out->spec, "match", json_pack("{s:s}", "status",
                            json_is_string(main) ? json_string_value(main) : "Accepted"));
    } else if (!strcmp(kk, "send")) {
        json_t *payload = json_object_get(s, "payload");
        out->spec = json_pack("{s:s,s:{s:O,s:o}}", "do", "proxy-message", "args", "action",
                              main, "payload", payload ? json_incref(payload) : json_object());
    } else {
        out->spec = json_incref(s);
    }
    out->action = json_string_value(json_object_get(out->spec, out->kind == RUN_STEP_CALL ? "call" : "response"));
    if (json_object_get(s, "within"))
        out->within_s = json_number_value(json_object_get(s, "within"));
    out->otherwise_na = json_object_get(s, "otherwise") != NULL;
    return 0;
}

static int load_case(struct ld *l, json_t *c, const char *at, const char *suite,
                     const char *suite_version, int ngroups, struct run_case *out)
{
    static const char *const keys[] = {"id", "name", "version", "group", "charger", "steps",
                                       "description", NULL};
    const char *key;
    json_t *v;

    if (!json_is_object(c))
        return bad(l, "%s: a scenario must be an object {\"id\", \"steps\", ...}", at);
    json_object_foreach(c, key, v) {
        int ok = 0;
        for (int i = 0; keys[i]; i++)
            ok |= !strcmp(keys[i], key);
        if (!ok)
            return bad(l, "%s.%s: unknown field (id, name, version, group, charger, steps, "
                       "description)", at, key);
    }
    json_t *id = json_object_get(c, "id"), *name = json_object_get(c, "name"),
           *ver = json_object_get(c, "version"), *group = json_object_get(c, "group"),
           *charger = json_object_get(c, "charger"), *steps = json_object_get(c, "steps");
    if (!json_is_string(id) || !json_string_length(id) || json_string_length(id) > 64 ||
        strpbrk(json_string_value(id), " ,\t\n"))
        return bad(l, "%s.id: required, 1..64 characters without spaces or commas", at);
    if (name && !json_is_string(name))
        return bad(l, "%s.name: must be a string", at);
    char names[80];
    if (ver && (!json_is_string(ver) || !ocpp_version_by_name(json_string_value(ver))))
        return bad(l, "%s.version: %s", at, fleet_versions_text(names, sizeof names, "\"", " or "));
    if (group && (!json_is_integer(group) || json_integer_value(group) < 0 ||
                  json_integer_value(group) >= ngroups))
        return bad(l, "%s.group: the index of a charger group, 0..%d", at, ngroups - 1);
    if (charger && (!json_is_string(charger) || !json_string_length(charger)))
        return bad(l, "%s.charger: must be a charger identity", at);
    if (!json_is_array(steps) || !json_array_size(steps))
        return bad(l, "%s.steps: required, a non-empty array of steps", at);

    out->id = strdup(json_string_value(id));
    out->name = strdup(name ? json_string_value(name) : json_string_value(id));
    out->version = ver ? strdup(json_string_value(ver)) : suite_version ? strdup(suite_version) : NULL;
    out->suite = strdup(suite);
    out->group = group ? (int)json_integer_value(group) : -1;
    out->identity = charger ? strdup(json_string_value(charger)) : NULL;
    out->steps = calloc(json_array_size(steps), sizeof *out->steps);
    json_t *known = json_deep_copy(l->p->vars), *s;
    size_t i;
    json_array_foreach(steps, i, s) {
        char sat[160];
        snprintf(sat, sizeof sat, "%s.steps[%zu]", at, i);
        if (load_step(l, s, sat, known, &out->steps[i]) < 0) {
            json_decref(known);
            return -1;
        }
        out->nsteps++;
    }
    json_decref(known);
    return 0;
}

static int load_cases(struct ld *l, json_t *arr, const char *at, const char *suite,
                      const char *version, int ngroups)
{
    json_t *c;
    size_t i;

    if (!json_is_array(arr))
        return bad(l, "%s: must be an array of scenarios", at);
    l->p->cases = realloc(l->p->cases, (l->p->ncases + json_array_size(arr)) * sizeof *l->p->cases);
    json_array_foreach(arr, i, c) {
        char cat[120];
        snprintf(cat, sizeof cat, "%s[%zu]", at, i);
        struct run_case *rc = &l->p->cases[l->p->ncases];
        memset(rc, 0, sizeof *rc);
        l->p->ncases++;
        if (load_case(l, c, cat, suite, version, ngroups, rc) < 0)
            return -1;
        for (int j = 0; j < l->p->ncases - 1; j++)
            if (!strcmp(l->p->cases[j].id, rc->id))
                return bad(l, "%s.id: \"%s\" is used twice", cat, rc->id);
    }
    return 0;
}

static int check_vars_obj(struct ld *l, json_t *vars, const char *at)
{
    const char *k;
    json_t *v;
    if (!json_is_object(vars))
        return bad(l, "%s: must be an object of name: value", at);
    json_object_foreach(vars, k, v)
        if (json_is_object(v) || json_is_array(v))
            return bad(l, "%s.%s: a variable is a string, a number or a boolean", at, k);
    return 0;
}

static void case_free(struct run_case *c)
{
    for (int j = 0; j < c->nsteps; j++)
        json_decref(c->steps[j].spec);
    free(c->steps);
    free(c->id);
    free(c->name);
    free(c->version);
    free(c->suite);
    free(c->identity);
}

/* Does token select case id? The id itself, or a prefix ending before a '_'. */
static int selects(const char *token, size_t len, const char *id)
{
    return !strncmp(token, id, len) && (id[len] == '\0' || id[len] == '_');
}

static int apply_only(struct ld *l, const char *only)
{
    struct run_plan *p = l->p;
    char *keep = calloc(p->ncases ? p->ncases : 1, 1);
    const char *t = only;

    while (*t) {
        size_t len = strcspn(t, ",");
        int hit = 0;
        for (int i = 0; len && i < p->ncases; i++)
            if (selects(t, len, p->cases[i].id))
                keep[i] = hit = 1;
        if (len && !hit) {
            free(keep);
            return bad(l, "--only: no case named %.*s", (int)len, t);
        }
        t += len + (t[len] == ',');
    }
    int n = 0;
    for (int i = 0; i < p->ncases; i++) {
        if (keep[i]) {
            p->cases[n++] = p->cases[i];
            continue;
        }
        case_free(&p->cases[i]);
    }
    p->ncases = n;
    free(keep);
    return 0;
}

static int load(struct run_plan *p, json_t *file, const char *file_name, const char *suite,
                const char *only, char *err, size_t n)
{
    struct ld l = {p, err, n, 0};
    json_t *st = NULL;

    memset(p, 0, sizeof *p);
    p->vars = json_object();
    if (suite) {
        const char *text = run_suite_text(suite);
        if (!text)
            return bad(&l, "--suite: no suite named %s (ocpp16-core, ocpp201-core)", suite);
        json_error_t je;
        st = json_loads(text, 0, &je);
        if (!st)
            return bad(&l, "suite %s: line %d: %s", suite, je.line, je.text);
        json_object_update(p->vars, json_object_get(st, "vars"));
        p->groups = json_incref(json_object_get(st, "chargers"));
    }
    if (file) {
        static const char *const keys[] = {"chargers", "scenarios", "vars", "description", NULL};
        const char *key;
        json_t *v;
        if (!json_is_object(file)) {
            json_decref(st);
            return bad(&l, "%s: must be an object {\"chargers\": [...], \"scenarios\": [...]}",
                       file_name);
        }
        json_object_foreach(file, key, v) {
            int ok = 0;
            for (int i = 0; keys[i]; i++)
                ok |= !strcmp(keys[i], key);
            if (!ok) {
                json_decref(st);
                return bad(&l, "%s: unknown field \"%s\" (chargers, scenarios, vars, "
                           "description)", file_name, key);
            }
        }
        json_t *vars = json_object_get(file, "vars");
        if (vars && check_vars_obj(&l, vars, "vars") < 0) {
            json_decref(st);
            return -1;
        }
        json_object_update(p->vars, vars);
        if (json_object_get(file, "chargers")) {
            json_decref(p->groups);
            p->groups = json_incref(json_object_get(file, "chargers"));
        }
    }
    if (!p->groups) {
        json_decref(st);
        return bad(&l, "chargers: required (an array of charger groups, as in POST "
                   "/ocpp/locations/{id}/chargers)");
    }
    if (!json_is_array(p->groups) || !json_array_size(p->groups)) {
        json_decref(st);
        return bad(&l, "chargers: must be a non-empty array of charger groups");
    }
    int ngroups = (int)json_array_size(p->groups);
    if (st && load_cases(&l, json_object_get(st, "cases"), suite, suite,
                         json_string_value(json_object_get(st, "version")), ngroups) < 0) {
        json_decref(st);
        return -1;
    }
    json_decref(st);
    json_t *sc = file ? json_object_get(file, "scenarios") : NULL;
    if (!sc && !suite)
        return bad(&l, "scenarios: required unless --suite is given");
    if (sc && load_cases(&l, sc, "scenarios", file_name, NULL, ngroups) < 0)
        return -1;
    if (only && apply_only(&l, only) < 0)
        return -1;
    if (!p->ncases)
        return bad(&l, "no case to run");
    return 0;
}

void run_plan_free(struct run_plan *p)
{
    for (int i = 0; i < p->ncases; i++)
        case_free(&p->cases[i]);
    free(p->cases);
    json_decref(p->groups);
    json_decref(p->vars);
    memset(p, 0, sizeof *p);
}

int run_plan_load(struct run_plan *p, json_t *file, const char *file_name, const char *suite,
                  const char *only, char *err, size_t n)
{
    int r = load(p, file, file_name, suite, only, err, n);
    if (r < 0)
        run_plan_free(p);
    return r;
}

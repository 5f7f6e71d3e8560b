/* The JSON Schema 2020-12 subset of fleet_schema.h, walked over an instance with every
 * problem collected, and a verifier of the document itself. The document is parsed on
 * first use and kept (one process, one loop: no locking); so are the compiled
 * patterns, by their source text. */
#include "fleet_schema.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_rfc3339.h"
#include "cf_log.h"

#define REF_PREFIX "#/components/schemas/"
#define MAX_DEPTH 64   /* schema nesting per check: a $ref cycle ends here, logged */

static json_t *document;   /* api_openapi_json parsed, or NULL */

/* ---- compiled patterns ---- */

static struct pattern {
    char *src;
    regex_t re;
    int ok;                /* regcomp succeeded */
} *patterns;
static size_t n_patterns;

/* The compiled form of src (REG_EXTENDED | REG_NOSUB), compiled on first use and kept
 * until fleet_schema_cleanup; NULL when it does not compile (err, when not NULL, gets
 * regerror's text). */
static const regex_t *pattern(const char *src, char *err, size_t n)
{
    size_t i = 0;
    while (i < n_patterns && strcmp(patterns[i].src, src) != 0)
        i++;
    if (i == n_patterns) {
        struct pattern *grown = realloc(patterns, (n_patterns + 1) * sizeof *patterns);
        char *copy = grown ? strdup(src) : NULL;
        if (grown)
            patterns = grown;
        if (!copy)
            return NULL;
        patterns[i].src = copy;
        int rc = regcomp(&patterns[i].re, src, REG_EXTENDED | REG_NOSUB);
        patterns[i].ok = rc == 0;
        if (rc != 0 && err)
            regerror(rc, &patterns[i].re, err, n);   /* a failed regcomp holds nothing */
        n_patterns++;
    } else if (!patterns[i].ok && err) {
        snprintf(err, n, "does not compile");
    }
    return patterns[i].ok ? &patterns[i].re : NULL;
}

/* ---- the document ---- */

json_t *fleet_schema_document(void)
{
    if (!document) {
        json_error_t e;
        document = json_loads(api_openapi_json, 0, &e);
        if (!document)
            CF_LOG_ERROR("api", "api/openapi.json: line %d: %s", e.line, e.text);
    }
    return document;
}

void fleet_schema_cleanup(void)
{
    json_decref(document);
    document = NULL;
    for (size_t i = 0; i < n_patterns; i++) {
        if (patterns[i].ok)
            regfree(&patterns[i].re);
        free(patterns[i].src);
    }
    free(patterns);
    patterns = NULL;
    n_patterns = 0;
}

static json_t *components(json_t *doc)
{
    return json_object_get(json_object_get(doc, "components"), "schemas");
}

/* The component a $ref names, or NULL (not "#/components/schemas/Name", or no Name). */
static json_t *resolve(json_t *schemas, const char *ref)
{
    return strncmp(ref, REF_PREFIX, strlen(REF_PREFIX)) == 0
               ? json_object_get(schemas, ref + strlen(REF_PREFIX))
               : NULL;
}

/* ---- types ---- */

static const struct {
    const char *name, *type, *msg;   /* the schema's name; the problem's type and msg */
} TYPES[] = {
    {"string", "type_error.string", "str type expected"},
    {"integer", "type_error.integer", "value is not a valid integer"},
    {"number", "type_error.number", "value is not a valid number"},
    {"boolean", "type_error.bool", "value is not a valid boolean"},
    {"object", "type_error.object", "expected a JSON object"},
    {"array", "type_error.list", "value is not a valid list"},
    {"null", "type_error.none.allowed", "value is not null"},
};
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

/* The index of a type name in TYPES, or N_TYPES. */
static size_t type_index(const char *name)
{
    size_t i = 0;
    while (i < N_TYPES && (!name || strcmp(TYPES[i].name, name) != 0))
        i++;
    return i;
}

static int is_type(size_t t, json_t *x)
{
    switch (t) {
    case 0: return json_is_string(x);
    case 1: return json_is_integer(x);
    case 2: return json_is_number(x);
    case 3: return json_is_boolean(x);
    case 4: return json_is_object(x);
    case 5: return json_is_array(x);
    case 6: return json_is_null(x);
    default: return 1;   /* an unknown name admits anything (fleet_schema_verify names it) */
    }
}

/* 1 when the "type" keyword (a name, a list of names, or NULL = absent) admits x. */
static int type_admits(json_t *type, json_t *x)
{
    size_t i;
    json_t *t;

    if (json_is_string(type))
        return is_type(type_index(json_string_value(type)), x);
    json_array_foreach(type, i, t) {
        if (is_type(type_index(json_string_value(t)), x))
            return 1;
    }
    return !json_is_array(type) || json_array_size(type) == 0;
}

/* ---- the check ---- */

struct walk {
    json_t *schemas;   /* components.schemas, borrowed */
    json_t *loc;       /* the caller's loc of the instance, borrowed */
    json_t *errors;    /* where problems go, borrowed */
    int depth;
};

/* Where a value is: a key (or, key NULL, an index) under up, NULL being the instance
 * itself. On the stack as the walk descends; made into JSON only for a problem, so
 * that a valid body costs no allocation per value. */
struct path {
    const struct path *up;
    const char *key;
    size_t index;
};

void fleet_schema_verror(json_t *errors, json_t *loc, const char *type, const char *fmt,
                       va_list ap)
{
    char msg[512];

    vsnprintf(msg, sizeof msg, fmt, ap);
    json_array_append_new(errors, json_pack("{s:o,s:s,s:s}", "loc", loc, "msg", msg, "type",
                                            type));
}

/* Appends the keys and indexes from the top of the walk down to p. */
static void append_path(json_t *l, const struct path *p)
{
    if (!p)
        return;
    append_path(l, p->up);
    json_array_append_new(l, p->key ? json_string(p->key) : json_integer((json_int_t)p->index));
}

/* A problem at loc: the caller's loc + the path down to it. */
static void problem(struct walk *w, const struct path *loc, const char *type,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(struct walk *w, const struct path *loc, const char *type,
                    const char *fmt, ...)
{
    va_list ap;
    json_t *l = json_copy(w->loc);

    append_path(l, loc);
    va_start(ap, fmt);
    fleet_schema_verror(w->errors, l, type, fmt, ap);
    va_end(ap);
}

/* A keyword's value as the document spells it ("1000", "0.5", "'AC'"), into buf. */
static const char *text_of(json_t *j, char *buf, size_t n)
{
    if (json_is_string(j)) {
        snprintf(buf, n, "'%s'", json_string_value(j));
    } else {
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(buf, n, "%s", s ? s : "?");
        free(s);
    }
    return buf;
}

/* "unexpected value; permitted: 'AC', 'DC'" for the values of an enum (or a const). */
static void not_permitted(struct walk *w, const struct path *loc, json_t *values)
{
    char list[400] = "", one[128];
    size_t i, used = 0;
    json_t *v;

    json_array_foreach(values, i, v) {
        int k = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                         text_of(v, one, sizeof one));
        if (k < 0 || used + (size_t)k >= sizeof list - sizeof "...") {
            memcpy(list + used, "...", sizeof "...");   /* used leaves room: see below */
            break;
        }
        used += (size_t)k;   /* < sizeof list - sizeof "..." */
    }
    problem(w, loc, "value_error.const", "unexpected value; permitted: %s", list);
}

static int check(struct walk *w, json_t *s, json_t *x, const struct path *loc);

/* The size bounds of one instance type: the keywords, the problems' types, the unit. */
struct bounds {
    const char *min_key, *max_key, *min_type, *max_type, *unit;
};

static const struct bounds STRING_BOUNDS = {"minLength", "maxLength",
                                            "value_error.any_str.min_length",
                                            "value_error.any_str.max_length", "characters"};
static const struct bounds ARRAY_BOUNDS = {"minItems", "maxItems", "value_error.list.min_items",
                                           "value_error.list.max_items", "items"};
static const struct bounds OBJECT_BOUNDS = {"minProperties", "maxProperties",
                                            "value_error.missing", "value_error.extra", "fields"};

/* count (characters, items, fields) against s's bounds b. */
static void check_size(struct walk *w, json_t *s, const struct bounds *b, size_t count,
                       const struct path *loc)
{
    json_t *min = json_object_get(s, b->min_key), *max = json_object_get(s, b->max_key);
    char buf[64];

    if (json_is_integer(min) && (json_int_t)count < json_integer_value(min))
        problem(w, loc, b->min_type, "ensure this value has at least %s %s",
                text_of(min, buf, sizeof buf), b->unit);
    if (json_is_integer(max) && (json_int_t)count > json_integer_value(max))
        problem(w, loc, b->max_type, "ensure this value has at most %s %s",
                text_of(max, buf, sizeof buf), b->unit);
}

/* UTF-8 characters of a string (jansson holds valid UTF-8): bytes that do not
 * continue a sequence. */
static size_t utf8_length(json_t *x)
{
    const unsigned char *p = (const unsigned char *)json_string_value(x);
    size_t n = json_string_length(x), chars = 0;

    for (size_t i = 0; i < n; i++)
        chars += (p[i] & 0xC0) != 0x80;
    return chars;
}

static void check_string(struct walk *w, json_t *s, json_t *x, const struct path *loc)
{
    const char *src = json_string_value(json_object_get(s, "pattern"));
    const char *format = json_string_value(json_object_get(s, "format"));

    check_size(w, s, &STRING_BOUNDS, utf8_length(x), loc);
    if (src) {
        const regex_t *re = pattern(src, NULL, 0);
        const char *v = json_string_value(x);
        if (!re)
            CF_LOG_ERROR("api", "openapi.json: pattern %s does not compile", src);
        else if (strlen(v) != json_string_length(x) || regexec(re, v, 0, NULL, 0) != 0) {
            /* "x-message": what the pattern means, in words, when the document says */
            const char *what = json_string_value(json_object_get(s, "x-message"));
            if (what)
                problem(w, loc, "value_error.str.regex", "%s", what);
            else
                problem(w, loc, "value_error.str.regex", "string does not match regex \"%s\"",
                        src);
        }
    }
    if (format && strcmp(format, "date-time") == 0 &&
        fleet_rfc3339_parse(json_string_value(x), NULL) != 0)
        problem(w, loc, "value_error.datetime",
                "invalid datetime format: RFC 3339 with an offset, e.g. 2026-02-28T00:00:00Z");
}

static void check_number(struct walk *w, json_t *s, json_t *x, const struct path *loc)
{
    static const struct {
        const char *key, *type, *words;
        int below_fails, equal_fails;   /* x < bound fails; x == bound fails */
    } bounds[] = {
        {"minimum", "value_error.number.not_ge", "greater than or equal to", 1, 0},
        {"maximum", "value_error.number.not_le", "less than or equal to", 0, 0},
        {"exclusiveMinimum", "value_error.number.not_gt", "greater than", 1, 1},
        {"exclusiveMaximum", "value_error.number.not_lt", "less than", 0, 1},
    };
    double v = json_number_value(x);
    char buf[64];

    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        json_t *b = json_object_get(s, bounds[i].key);
        if (!json_is_number(b))
            continue;
        double bound = json_number_value(b);
        if ((bounds[i].below_fails ? v < bound : v > bound) ||
            (bounds[i].equal_fails && v == bound))
            problem(w, loc, bounds[i].type, "ensure this value is %s %s", bounds[i].words,
                    text_of(b, buf, sizeof buf));
    }
}

static void check_array(struct walk *w, json_t *s, json_t *x, const struct path *loc)
{
    json_t *items = json_object_get(s, "items"), *v;
    size_t i;

    check_size(w, s, &ARRAY_BOUNDS, json_array_size(x), loc);
    if (!items)
        return;
    json_array_foreach(x, i, v) {
        struct path at = {loc, NULL, i};
        check(w, items, v, &at);
    }
}

static void check_object(struct walk *w, json_t *s, json_t *x, const struct path *loc)
{
    json_t *props = json_object_get(s, "properties");
    json_t *extra = json_object_get(s, "additionalProperties"), *v;
    const char *key;
    size_t i;

    json_array_foreach(json_object_get(s, "required"), i, v) {
        const char *name = json_string_value(v);
        struct path at = {loc, name, 0};
        if (name && !json_object_get(x, name))
            problem(w, &at, "value_error.missing", "field required");
    }
    json_object_foreach(x, key, v) {
        json_t *ps = json_object_get(props, key);
        struct path at = {loc, key, 0};
        if (ps)
            check(w, ps, v, &at);
        else if (json_is_false(extra))
            problem(w, &at, "value_error.extra", "extra field not permitted");
        else if (json_is_object(extra))
            check(w, extra, v, &at);
    }
    check_size(w, s, &OBJECT_BOUNDS, json_object_size(x), loc);
}

/* The schema s stands for: its $ref's target when it is only a reference. */
static json_t *target(struct walk *w, json_t *s)
{
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    json_t *t = ref ? resolve(w->schemas, ref) : NULL;
    return t ? t : s;
}

/* How badly branch b fits x when no branch passes (see fleet_schema.h): 2 when its type
 * refuses x, 1 when x is an object none of whose required properties it has, else 0. */
static int misfit(struct walk *w, json_t *b, json_t *x)
{
    json_t *t = target(w, b), *name;
    size_t i;
    int claims = 0;

    if (!type_admits(json_object_get(t, "type"), x))
        return 2;
    json_array_foreach(json_object_get(t, "required"), i, name)
        claims |= json_object_get(x, json_string_value(name)) != NULL;
    return json_is_object(x) && !claims ? 1 : 0;
}

/* anyOf (one = 0) or oneOf (one = 1): each branch checked into its own list; the
 * problems of the best-fitting branch are reported when the rule fails. */
static void check_choice(struct walk *w, json_t *branches, json_t *x, const struct path *loc,
                         int one)
{
    size_t i, passed = 0, n = json_array_size(branches), best = 0;
    json_t *lists = json_array(), *b;
    int best_fit = 0;

    json_array_foreach(branches, i, b) {
        struct walk sub = *w;
        sub.errors = json_array();
        check(&sub, b, x, loc);
        passed += json_array_size(sub.errors) == 0;
        json_array_append_new(lists, sub.errors);
        int fit = misfit(w, b, x);
        size_t count = json_array_size(sub.errors);
        if (i == 0 || fit < best_fit ||
            (fit == best_fit && count < json_array_size(json_array_get(lists, best)))) {
            best = i;
            best_fit = fit;
        }
    }
    if (n > 0 && passed == 0)
        json_array_extend(w->errors, json_array_get(lists, best));
    else if (one && passed > 1)
        problem(w, loc, "value_error.one_of",
                "matches %zu of the %zu allowed shapes where exactly one is allowed", passed, n);
    json_decref(lists);
}

/* Checks x (at loc) against schema s, appending to w->errors. */
static int check(struct walk *w, json_t *s, json_t *x, const struct path *loc)
{
    size_t before = json_array_size(w->errors), i;
    json_t *v;

    if (json_is_false(s)) {
        problem(w, loc, "value_error.not_allowed", "no value is allowed here");
        return 1;
    }
    if (!json_is_object(s))
        return 0;   /* true, or not a schema */
    if (w->depth >= MAX_DEPTH) {
        CF_LOG_ERROR("api", "openapi.json: schemas nested deeper than %d ($ref cycle?)",
                     MAX_DEPTH);
        return 0;
    }
    w->depth++;
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref && resolve(w->schemas, ref))
        check(w, resolve(w->schemas, ref), x, loc);
    else if (ref)
        CF_LOG_ERROR("api", "openapi.json: $ref %s: no such component", ref);

    json_t *type = json_object_get(s, "type");
    if (type && !type_admits(type, x)) {
        const char *first = json_string_value(type);
        json_array_foreach(json_is_array(type) ? type : NULL, i, v) {
            if (!first || strcmp(first, "null") == 0)
                first = json_string_value(v);
        }
        size_t t = type_index(first);
        if (json_is_null(x))
            problem(w, loc, "value_error.missing", "may not be null");
        else if (t < N_TYPES)   /* always: an unknown name admits x */
            problem(w, loc, TYPES[t].type, "%s", TYPES[t].msg);
        w->depth--;
        return (int)(json_array_size(w->errors) - before);
    }
    json_t *en = json_object_get(s, "enum"), *co = json_object_get(s, "const");
    int found = 0;
    json_array_foreach(en, i, v) found |= json_equal(v, x);
    if (json_is_array(en) && !found)
        not_permitted(w, loc, en);
    if (co && !json_equal(co, x)) {
        json_t *one = json_pack("[O]", co);
        not_permitted(w, loc, one);
        json_decref(one);
    }
    if (json_is_string(x))
        check_string(w, s, x, loc);
    if (json_is_number(x))
        check_number(w, s, x, loc);
    if (json_is_array(x))
        check_array(w, s, x, loc);
    if (json_is_object(x))
        check_object(w, s, x, loc);
    json_array_foreach(json_object_get(s, "allOf"), i, v) check(w, v, x, loc);
    if (json_is_array(json_object_get(s, "anyOf")))
        check_choice(w, json_object_get(s, "anyOf"), x, loc, 0);
    if (json_is_array(json_object_get(s, "oneOf")))
        check_choice(w, json_object_get(s, "oneOf"), x, loc, 1);
    if ((v = json_object_get(s, "not")) && json_is_object(v)) {
        struct walk sub = *w;   /* x passes when the subschema fails */
        sub.errors = json_array();
        if (check(&sub, v, x, loc) == 0)
            problem(w, loc, "value_error.not_allowed", "%s",
                    json_string_value(json_object_get(v, "description"))
                        ? json_string_value(json_object_get(v, "description"))
                        : "this combination of fields is not allowed");
        json_decref(sub.errors);
    }
    w->depth--;
    return (int)(json_array_size(w->errors) - before);
}

int fleet_schema_check_doc(json_t *doc, const char *component, json_t *instance, json_t *loc,
                         json_t *errors)
{
    struct walk w = {components(doc), loc, errors, 0};
    json_t *s = json_object_get(w.schemas, component);

    if (!s) {
        CF_LOG_ERROR("api", "openapi.json has no component schema %s", component);
        return -1;
    }
    return check(&w, s, instance, NULL);
}

int fleet_schema_check(const char *component, json_t *instance, json_t *loc, json_t *errors)
{
    json_t *doc = fleet_schema_document();
    return doc ? fleet_schema_check_doc(doc, component, instance, loc, errors) : -1;
}

/* ---- the document's own check ---- */

/* Validation keywords of JSON Schema 2020-12 the checker does not implement: a
 * document using one would be checked more loosely than it says. */
static const char *const UNSUPPORTED[] = {
    "if", "then", "else", "dependentSchemas", "dependentRequired", "prefixItems",
    "contains", "minContains", "maxContains", "uniqueItems", "patternProperties",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties", "multipleOf", "$dynamicRef",
    NULL};

struct verify {
    json_t *schemas, *problems;
};

static void flaw(struct verify *v, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void flaw(struct verify *v, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    int k = snprintf(msg, sizeof msg, "%s: ", path);

    va_start(ap, fmt);
    if (k > 0 && (size_t)k < sizeof msg)
        vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
    va_end(ap);
    json_array_append_new(v->problems, json_string(msg));
}

static void verify(struct verify *v, json_t *s, const char *path);

/* verify() of s's member key (a schema), or of each element (list = 1) or each value
 * (list = 0) of that member. */
static void verify_under(struct verify *v, json_t *s, const char *key, int each, int list,
                         const char *path)
{
    json_t *m = json_object_get(s, key), *e;
    char sub[512];
    const char *name;
    size_t i;

    if (!m)
        return;
    if (!each) {
        snprintf(sub, sizeof sub, "%s/%s", path, key);
        verify(v, m, sub);
    } else if (list && !json_is_array(m)) {
        flaw(v, path, "%s must be a list of schemas", key);
    } else if (list) {
        json_array_foreach(m, i, e) {
            snprintf(sub, sizeof sub, "%s/%s/%zu", path, key, i);
            verify(v, e, sub);
        }
    } else if (!json_is_object(m)) {
        flaw(v, path, "%s must be an object of schemas", key);
    } else {
        json_object_foreach(m, name, e) {
            snprintf(sub, sizeof sub, "%s/%s/%s", path, key, name);
            verify(v, e, sub);
        }
    }
}

static void verify(struct verify *v, json_t *s, const char *path)
{
    if (json_is_boolean(s))
        return;
    if (!json_is_object(s)) {
        flaw(v, path, "not a schema (an object or a boolean)");
        return;
    }
    json_t *ref = json_object_get(s, "$ref"), *type = json_object_get(s, "type"), *t;
    size_t i;
    if (ref && (!json_is_string(ref) || !resolve(v->schemas, json_string_value(ref))))
        flaw(v, path, "$ref %s: no such component",
             json_is_string(ref) ? json_string_value(ref) : "(not a string)");
    json_array_foreach(json_is_array(type) ? type : NULL, i, t) {
        if (type_index(json_string_value(t)) == N_TYPES)
            flaw(v, path, "type %s is not a JSON Schema type", json_string_value(t));
    }
    if (type && !json_is_array(type) && type_index(json_string_value(type)) == N_TYPES)
        flaw(v, path, "type %s is not a JSON Schema type",
             json_is_string(type) ? json_string_value(type) : "(not a string)");
    json_t *pat = json_object_get(s, "pattern");
    if (pat && !json_is_string(pat)) {
        flaw(v, path, "pattern is not a string");
    } else if (pat) {
        char err[128] = "";
        const char *src = json_string_value(pat);
        if (!pattern(src, err, sizeof err))
            flaw(v, path, "pattern %s: %s", src, err);
        if (strstr(src, "\\d") || strstr(src, "\\D") || strstr(src, "(?"))
            flaw(v, path, "pattern %s: \\d, \\D and (? are not POSIX extended regex", src);
    }
    for (const char *const *k = UNSUPPORTED; *k; k++) {
        if (json_object_get(s, *k))
            flaw(v, path, "%s: a validation keyword the checker does not implement", *k);
    }
    verify_under(v, s, "properties", 1, 0, path);
    verify_under(v, s, "allOf", 1, 1, path);
    verify_under(v, s, "anyOf", 1, 1, path);
    verify_under(v, s, "oneOf", 1, 1, path);
    verify_under(v, s, "not", 0, 0, path);
    verify_under(v, s, "items", 0, 0, path);
    verify_under(v, s, "additionalProperties", 0, 0, path);
}

int fleet_schema_verify(json_t *doc, json_t *problems)
{
    struct verify v = {components(doc), problems};
    size_t before = json_array_size(problems);
    const char *name;
    json_t *s;

    if (!json_is_object(v.schemas))
        flaw(&v, "components/schemas", "missing");
    json_object_foreach(v.schemas, name, s) verify(&v, s, name);
    return (int)(json_array_size(problems) - before);
}

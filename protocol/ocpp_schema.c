/* Checks a payload against the official OCPP JSON schema of its message
 * (protocol/schemas, embedded): the keywords those schemas use — type, properties,
 * required, additionalProperties, enum, maxLength / minLength, minItems / maxItems,
 * items, minimum / maximum, multipleOf, format date-time, and $ref to their
 * definitions. Loaded once per version, when first needed. */
#include "ocpp_schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ocpp_profile.h"

/* The schemas of each version, $id -> schema, read on first use. */
static struct {
    const struct ocpp_version *v;
    json_t *by_id;
} loaded[4];

static json_t *schema_set(const struct ocpp_version *v)
{
    size_t i = 0;
    while (i < sizeof loaded / sizeof loaded[0] && loaded[i].v && loaded[i].v != v)
        i++;
    if (i == sizeof loaded / sizeof loaded[0])
        return NULL;
    if (!loaded[i].v) {
        json_t *all = json_loads(v->schemas, 0, NULL), *s;
        size_t k;
        loaded[i].v = v;
        loaded[i].by_id = json_object();
        json_array_foreach(all, k, s) {
            const char *id = json_string_value(json_object_get(s, "$id"));
            if (id)
                json_object_set(loaded[i].by_id, id, s);
        }
        json_decref(all);
    }
    return loaded[i].by_id;
}

struct check {
    json_t *root;                    /* the message schema ($ref targets) */
    char *err;
    size_t n;
    int failed;
};

static int fail(struct check *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct check *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    int k = snprintf(c->err, c->n, "%s: ", path);
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < c->n)
        vsnprintf(c->err + k, c->n - (size_t)k, fmt, ap);
    va_end(ap);
    c->failed = 1;
    return -1;
}

static int type_ok(const char *type, json_t *x)
{
    return !type || (!strcmp(type, "string") && json_is_string(x)) ||
           (!strcmp(type, "integer") && json_is_integer(x)) ||
           (!strcmp(type, "number") && json_is_number(x)) ||
           (!strcmp(type, "boolean") && json_is_boolean(x)) ||
           (!strcmp(type, "object") && json_is_object(x)) ||
           (!strcmp(type, "array") && json_is_array(x)) || (!strcmp(type, "null") && json_is_null(x));
}

static int check(struct check *c, json_t *s, json_t *x, const char *path)
{
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref && !strncmp(ref, "#/definitions/", 14))
        s = json_object_get(json_object_get(c->root, "definitions"), ref + 14);
    if (!s)
        return 0;
    const char *type = json_string_value(json_object_get(s, "type"));
    if (!type_ok(type, x))
        return fail(c, path, "must be of type %s", type);
    json_t *en = json_object_get(s, "enum");
    if (en) {
        size_t i;
        json_t *v;
        int found = 0;
        json_array_foreach(en, i, v) found |= json_equal(v, x);
        if (!found)
            return fail(c, path, "not one of the allowed values");
    }
    if (json_is_string(x)) {
        json_t *max = json_object_get(s, "maxLength"), *min = json_object_get(s, "minLength");
        if (max && json_string_length(x) > (size_t)json_integer_value(max))
            return fail(c, path, "longer than %" JSON_INTEGER_FORMAT " characters",
                        json_integer_value(max));
        if (min && json_string_length(x) < (size_t)json_integer_value(min))
            return fail(c, path, "shorter than %" JSON_INTEGER_FORMAT " characters",
                        json_integer_value(min));
        const char *format = json_string_value(json_object_get(s, "format"));
        if (format && !strcmp(format, "date-time") && ocpp_time_parse(json_string_value(x)) < 0)
            return fail(c, path, "not an RFC 3339 date-time");
    }
    if (json_is_number(x)) {
        double v = json_number_value(x);
        json_t *min = json_object_get(s, "minimum"), *max = json_object_get(s, "maximum");
        json_t *mult = json_object_get(s, "multipleOf");
        if (min && v < json_number_value(min))
            return fail(c, path, "below the minimum %g", json_number_value(min));
        if (max && v > json_number_value(max))
            return fail(c, path, "above the maximum %g", json_number_value(max));
        if (mult && json_number_value(mult) > 0) {
            double q = v / json_number_value(mult);
            if (fabs(q - round(q)) > 1e-6)
                return fail(c, path, "not a multiple of %g", json_number_value(mult));
        }
    }
    if (json_is_array(x)) {
        json_t *min = json_object_get(s, "minItems"), *max = json_object_get(s, "maxItems");
        json_t *items = json_object_get(s, "items"), *v;
        size_t i;
        if (min && json_array_size(x) < (size_t)json_integer_value(min))
            return fail(c, path, "fewer than %" JSON_INTEGER_FORMAT " items",
                        json_integer_value(min));
        if (max && json_array_size(x) > (size_t)json_integer_value(max))
            return fail(c, path, "more than %" JSON_INTEGER_FORMAT " items",
                        json_integer_value(max));
        json_array_foreach(x, i, v) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (json_is_object(items) && check(c, items, v, sub) != 0)
                return -1;
        }
    }
    if (json_is_object(x)) {
        json_t *props = json_object_get(s, "properties"), *req = json_object_get(s, "required");
        json_t *v;
        const char *key;
        size_t i;
        json_array_foreach(req, i, v) {
            if (!json_object_get(x, json_string_value(v)))
                return fail(c, path, "%s is required", json_string_value(v));
        }
        json_object_foreach(x, key, v) {
            char sub[256];
            json_t *ps = json_object_get(props, key);
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            if (!ps && json_is_false(json_object_get(s, "additionalProperties")))
                return fail(c, sub, "not a field of this message");
            if (ps && check(c, ps, v, sub) != 0)
                return -1;
        }
    }
    return 0;
}

int ocpp_schema_check(const struct ocpp_version *v, const char *action, int request,
                      json_t *payload, char *err, size_t n)
{
    char id[96];
    snprintf(id, sizeof id, "urn:%s.%s", action, request ? "req" : "conf");
    json_t *s = json_object_get(schema_set(v), id);
    if (!s) {
        snprintf(err, n, "%s: no schema in %s", action, v->name);
        return -1;
    }
    struct check c = {s, err, n, 0};
    return check(&c, s, payload, "payload");
}

#include "fleet_vctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet_policy.h"
#include "fleet_schema.h"

json_t *vc_at(json_t *loc, json_t *item)
{
    json_t *l = json_copy(loc);   /* elements are immutable scalars: shallow is enough */
    json_array_append_new(l, item);
    return l;
}

void vc_err(struct vctx *v, json_t *loc, const char *type, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_array_append_new(v->errors, json_pack("{s:o,s:s,s:s}", "loc", loc, "msg", msg,
                                               "type", type));
}

/* An optional string field: NULL when absent or null; wrong type → error. */
const char *vc_opt_str(struct vctx *v, json_t *obj, const char *key, json_t *loc)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j))
        return NULL;
    if (!json_is_string(j)) {
        vc_err(v, AT_KEY(loc, key), "type_error.string", "str type expected");
        return NULL;
    }
    return json_string_value(j);
}

const char *vc_req_str(struct vctx *v, json_t *obj, const char *key, json_t *loc)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j)) {
        vc_err(v, AT_KEY(loc, key), "value_error.missing", "field required");
        return NULL;
    }
    return vc_opt_str(v, obj, key, loc);
}

/* An optional integer field in [min, max]: 1 and *out when present and valid, 0 when
 * absent (or null), -1 when invalid (error added). */
int vc_opt_int(struct vctx *v, json_t *obj, const char *key, json_t *loc, long min,
                   long max, long *out)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j))
        return 0;
    if (!json_is_integer(j)) {
        vc_err(v, AT_KEY(loc, key), "type_error.integer", "value is not a valid integer");
        return -1;
    }
    if (json_integer_value(j) < min) {
        vc_err(v, AT_KEY(loc, key), "value_error.number.not_ge",
            "ensure this value is greater than or equal to %ld", min);
        return -1;
    }
    if (json_integer_value(j) > max) {
        vc_err(v, AT_KEY(loc, key), "value_error.number.not_le",
            "ensure this value is less than or equal to %ld", max);
        return -1;
    }
    *out = (long)json_integer_value(j);
    return 1;
}

int vc_upper_alnum(const char *s, size_t min, size_t max, int digits)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return 0;
    for (; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (digits && *s >= '0' && *s <= '9')))
            return 0;
    }
    return 1;
}

int vc_contains(json_t *arr, const char *s)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return 1;
    }
    return 0;
}

int vc_in_list(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (strcmp(*list, s) == 0)
            return 1;
    }
    return 0;
}

/* ws:// or wss://, a host (a name, an IPv4 address or a bracketed IPv6 one) without
 * userinfo, an optional port 1..65535, an optional path; no spaces or control
 * characters anywhere (the URL goes into the handshake's request line and Host). */
int vc_ws_url_ok(const char *s)
{
    const char *host = strncmp(s, "ws://", 5) == 0 ? s + 5
                       : strncmp(s, "wss://", 6) == 0 ? s + 6 : NULL;

    if (!host || !*host || *host == '/' || *host == ':' || strlen(s) >= 400)
        return 0;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f)
            return 0;
    size_t n = strcspn(host, "/?#");   /* the authority */
    if (memchr(host, '@', n))
        return 0;
    const char *end = host + n, *port = NULL;
    if (*host == '[') {
        const char *close = memchr(host, ']', n);
        if (!close || close == host + 1)
            return 0;
        port = close + 1 < end ? close + 1 : NULL;
        if (port && *port != ':')
            return 0;
    } else {
        port = memchr(host, ':', n);
    }
    if (port) {
        char *stop;
        long p = strtol(port + 1, &stop, 10);
        if (stop != end || stop == port + 1 || p < 1 || p > 65535)
            return 0;
    }
    return 1;
}

/* RFC 3986 unreserved characters only (A-Z a-z 0-9 - . _ ~): the identity is the
 * last path segment of the websocket URL, sent as is; and not "." or ".." (those two
 * would name another path). The length (FLEET_IDENTITY_MAX) is the caller's. */
int vc_identity_ok(const char *s)
{
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    return strspn(s, VC_IDENTITY_CHARS) == strlen(s);
}

void vc_warn(struct vctx *v, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(v->warnings, json_string(msg));
}

void vc_init(struct vctx *v, json_t *taken)
{
    memset(v, 0, sizeof(*v));
    v->errors = json_array();
    v->warnings = json_array();
    v->seen = taken ? json_deep_copy(taken) : json_object();
    fleet_rng_init_random(&v->rng);
}

int vc_schema(struct vctx *v, const char *component, json_t *body, json_t *loc)
{
    int n = fleet_schema_check(component, body, loc, v->errors);

    if (n >= 0)
        return n;
    vc_err(v, json_incref(loc), "value_error.schema",
           "this server cannot check the body: its API document has no %s", component);
    return 1;
}

/* One problem at each loc, where the first one was: the validator's own when the
 * schema and the validator both found one there (its words say more: "latitude must be
 * a decimal number in -90..90" rather than "ensure this value is less than or equal
 * to 90"). */
static json_t *one_per_loc(json_t *errors)
{
    json_t *out = json_array(), *at = json_object(), *e;
    size_t i;

    json_array_foreach(errors, i, e) {
        char *key = json_dumps(json_object_get(e, "loc"), JSON_COMPACT);
        json_t *had = key ? json_object_get(at, key) : NULL;
        if (had) {
            json_array_set(out, (size_t)json_integer_value(had), e);
        } else if (key) {
            json_object_set_new(at, key, json_integer((json_int_t)json_array_size(out)));
            json_array_append(out, e);
        }
        free(key);
    }
    json_decref(at);
    json_decref(errors);
    return out;
}

enum fleet_valid vc_finish(struct vctx *v, json_t *result, json_t **plan,
                                 json_t **errors)
{
    json_decref(v->seen);
    if (json_array_size(v->warnings) > 0 && json_is_object(result))
        json_object_set(result, "warnings", v->warnings);
    json_decref(v->warnings);
    if (json_array_size(v->errors) > 0) {
        json_decref(result);
        *errors = one_per_loc(v->errors);
        *plan = NULL;
        return FLEET_VALID_INVALID;
    }
    json_decref(v->errors);
    *plan = result;
    *errors = NULL;
    return FLEET_VALID_OK;
}

const char *vc_coord(struct vctx *v, json_t *coords, const char *key, json_t *loc,
                         char *buf, size_t n)
{
    json_t *j = json_object_get(coords, key);

    if (json_is_string(j) && json_string_length(j) > 0 && json_string_length(j) < 32)
        return json_string_value(j);
    if (json_is_number(j)) {
        snprintf(buf, n, "%.7f", json_number_value(j));
        return buf;
    }
    vc_err(v, AT_KEY(loc, key), j ? "type_error.string" : "value_error.missing",
        j ? "a coordinate is a decimal string" : "field required");
    return NULL;
}

/* Every key of obj must be in allowed (NULL-terminated); others are reported. */
void vc_only_keys(struct vctx *v, json_t *obj, const char *const *allowed, json_t *loc)
{
    const char *key;
    json_t *val;

    json_object_foreach(obj, key, val) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            vc_err(v, AT_KEY(loc, key), "value_error.extra", "extra field not permitted");
    }
}

/* An optional string of 1..max characters, null allowed when nullable. Copies it (or
 * null) into out under key when present. */
void vc_copy_str(struct vctx *v, json_t *obj, const char *key, size_t max, int nullable,
                     json_t *loc, json_t *out)
{
    json_t *j = json_object_get(obj, key);

    if (!j)
        return;
    if (json_is_null(j) && nullable) {
        json_object_set_new(out, key, json_null());
        return;
    }
    if (!json_is_string(j)) {
        vc_err(v, AT_KEY(loc, key), json_is_null(j) ? "value_error.missing" : "type_error.string",
            json_is_null(j) ? "may not be null" : "str type expected");
        return;
    }
    if (json_string_length(j) == 0 || json_string_length(j) > max) {
        vc_err(v, AT_KEY(loc, key), "value_error.any_str.length",
            "%s must be 1..%zu characters", key, max);
        return;
    }
    json_object_set(out, key, j);
}

/* A coordinate: a number or a decimal string in [-lim, lim], as the decimal text kept
 * (in buf when it was a number). NULL when bad (error added). */
const char *vc_coordinate(struct vctx *v, json_t *coords, const char *key, double lim,
                              json_t *loc, char *buf, size_t n)
{
    const char *s = vc_coord(v, coords, key, loc, buf, n);
    char *end;
    double d = s ? strtod(s, &end) : 0;

    if (s && (end == s || *end || !(d >= -lim && d <= lim))) {
        vc_err(v, AT_KEY(loc, key), "value_error.number", "%s must be a decimal number in "
               "-%g..%g", key, lim, lim);
        return NULL;
    }
    return s;
}


int vc_ca_file(struct vctx *v, const char *path, json_t *loc, char *out, size_t n)
{
    char why[512];
    if (fleet_policy_ca_file(path, out, n, why, sizeof why) != 0) {
        vc_err(v, loc, "value_error.path", "%s", why);
        return -1;
    }
    json_decref(loc);
    return 0;
}

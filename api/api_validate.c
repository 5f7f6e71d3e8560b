#include "api_validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api_ocpi_schema.h"
#include "orch_catalog.h"
#include "orch_expand.h"

#define PREFIX_MAX (ORCH_IDENTITY_MAX - ORCH_SUFFIX_HEX)

/* State of one validation: the detail list, the identities of the location being
 * checked, the request's charger count and its random stream. */
struct vctx {
    json_t *errors;
    json_t *seen;
    json_t *custom;          /* the tenant's custom models {"brand/model": doc}, borrowed */
    long total;
    struct orch_rng rng;
};

/* ---- locations of errors: ["body", key or index, ...] ---- */

static json_t *at(json_t *loc, json_t *item)
{
    json_t *l = json_copy(loc);   /* elements are immutable scalars: shallow is enough */
    json_array_append_new(l, item);
    return l;
}
#define AT_KEY(loc, k) at(loc, json_string(k))
#define AT_IDX(loc, i) at(loc, json_integer((json_int_t)(i)))

/* Adds {loc, msg, type}; takes loc. */
static void err(struct vctx *v, json_t *loc, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err(struct vctx *v, json_t *loc, const char *type, const char *fmt, ...)
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
static const char *opt_str(struct vctx *v, json_t *obj, const char *key, json_t *loc)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j))
        return NULL;
    if (!json_is_string(j)) {
        err(v, AT_KEY(loc, key), "type_error.string", "str type expected");
        return NULL;
    }
    return json_string_value(j);
}

static const char *req_str(struct vctx *v, json_t *obj, const char *key, json_t *loc)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j)) {
        err(v, AT_KEY(loc, key), "value_error.missing", "field required");
        return NULL;
    }
    return opt_str(v, obj, key, loc);
}

/* An optional integer field in [min, max]: 1 and *out when present and valid, 0 when
 * absent (or null), -1 when invalid (error added). */
static int opt_int(struct vctx *v, json_t *obj, const char *key, json_t *loc, long min,
                   long max, long *out)
{
    json_t *j = json_object_get(obj, key);

    if (!j || json_is_null(j))
        return 0;
    if (!json_is_integer(j)) {
        err(v, AT_KEY(loc, key), "type_error.integer", "value is not a valid integer");
        return -1;
    }
    if (json_integer_value(j) < min) {
        err(v, AT_KEY(loc, key), "value_error.number.not_ge",
            "ensure this value is greater than or equal to %ld", min);
        return -1;
    }
    if (json_integer_value(j) > max) {
        err(v, AT_KEY(loc, key), "value_error.number.not_le",
            "ensure this value is less than or equal to %ld", max);
        return -1;
    }
    *out = (long)json_integer_value(j);
    return 1;
}

static int is_upper_alnum(const char *s, size_t min, size_t max, int digits)
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

static int json_array_contains(json_t *arr, const char *s)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return 1;
    }
    return 0;
}

static int json_array_contains_c(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (strcmp(*list, s) == 0)
            return 1;
    }
    return 0;
}

static int ws_url_ok(const char *s)
{
    const char *host = strncmp(s, "ws://", 5) == 0 ? s + 5
                       : strncmp(s, "wss://", 6) == 0 ? s + 6 : NULL;

    return host && *host && *host != '/' && *host != ':' && strlen(s) < 400;
}

/* Printable ASCII without '/' (the identity is a URL path segment). */
static int identity_chars_ok(const char *s)
{
    for (; *s; s++) {
        if (*s <= 0x20 || *s >= 0x7f || *s == '/')
            return 0;
    }
    return 1;
}

/* The ws_url to use: given (checked) or the fallback. Takes loc. */
static const char *check_ws_url(struct vctx *v, const char *given, const char *fallback,
                                json_t *loc)
{
    const char *ws = given ? given : fallback;

    if (given && !ws_url_ok(given)) {
        err(v, loc, "value_error.url.scheme", "ws_url must be a ws:// or wss:// URL with a host");
        return NULL;
    }
    if (!ws) {
        err(v, loc, "value_error.missing",
            "ws_url required: no CPO ws_url and no server --default-ws-url to fall back on");
        return NULL;
    }
    json_decref(loc);
    return ws;
}

/* ---- charger groups ---- */

/* Checks one group {template, charger_ids?, chargers_number?} at loc; when it is
 * valid, appends its charger rows. pre is put before the group's identity_prefix. */
static void check_group(struct vctx *v, json_t *g, json_t *loc, const char *pre,
                        const char *ws_fallback, json_t *rows)
{
    size_t errs = json_array_size(v->errors);
    const char *brand = NULL, *model_slug = NULL, *ctype = NULL, *ws = NULL, *ver = NULL;
    const char *prefix = NULL, *tname = NULL, *ca = NULL;
    const struct orch_model *m = NULL;
    struct orch_model custom_model;
    json_t *t, *tloc, *ids, *idsloc;
    long number = -1;
    int has_number;
    char full_prefix[128], name[160], serial[16];

    if (!json_is_object(g)) {
        err(v, json_incref(loc), "type_error.object", "a charger group must be an object");
        return;
    }
    t = json_object_get(g, "template");
    tloc = AT_KEY(loc, "template");
    if (!t || json_is_null(t))
        err(v, json_incref(tloc), "value_error.missing", "field required");
    else if (!json_is_object(t))
        err(v, json_incref(tloc), "type_error.object", "template must be an object");
    else {
        brand = req_str(v, t, "brand_slug", tloc);
        model_slug = req_str(v, t, "model_slug", tloc);
        ctype = opt_str(v, t, "connector_type", tloc);
        ws = opt_str(v, t, "ws_url", tloc);
        ver = opt_str(v, t, "ocpp_version", tloc);
        prefix = opt_str(v, t, "identity_prefix", tloc);
        tname = opt_str(v, t, "template_name", tloc);
        ca = opt_str(v, t, "ca_file", tloc);
        json_t *custom = NULL;
        if (brand && model_slug && !(m = orch_catalog_model(brand, model_slug))) {
            char key[200];
            snprintf(key, sizeof(key), "%s/%s", brand, model_slug);
            custom = json_object_get(v->custom, key);
            if (custom && orch_model_from_json(custom, &custom_model) == 0)
                m = &custom_model;
        }
        if (brand && model_slug && !m) {
            int known = orch_catalog_has_brand(brand);
            err(v, AT_KEY(tloc, known ? "model_slug" : "brand_slug"), "value_error.unknown_model",
                "unknown charger model '%s/%s': see GET /ocpp/catalog/brands for the catalog",
                brand, model_slug);
        }
        if (ver && strcmp(ver, "OCPP1.6") != 0 && strcmp(ver, "OCPP2.0.1") != 0)
            err(v, AT_KEY(tloc, "ocpp_version"), "value_error.const",
                "ocpp_version must be 'OCPP1.6' or 'OCPP2.0.1'");
        else if (custom && !json_array_contains(json_object_get(custom, "ocpp_versions"),
                                                ver ? ver : "OCPP1.6"))
            err(v, AT_KEY(tloc, "ocpp_version"), "value_error.const",
                "model %s/%s speaks %s only", brand, model_slug,
                json_string_value(json_object_get(custom, "ocpp_version")));
        if (m && ctype) {
            int ok = 0;
            for (int i = 0; i < ORCH_MAX_CONNECTOR_TYPES && m->connector_types[i]; i++)
                ok |= strcmp(m->connector_types[i], ctype) == 0;
            if (!ok)
                err(v, AT_KEY(tloc, "connector_type"), "value_error.const",
                    "connector_type '%s' is not one of model %s's connector types", ctype,
                    m->model_slug);
        }
        if (t && json_is_object(t))
            ws = check_ws_url(v, ws, ws_fallback, AT_KEY(tloc, "ws_url"));
        if (ca && (ca[0] != '/' || strlen(ca) > 400))
            err(v, AT_KEY(tloc, "ca_file"), "value_error.path", "ca_file must be an absolute path");
        if (prefix && (strlen(prefix) > PREFIX_MAX || !identity_chars_ok(prefix)))
            err(v, AT_KEY(tloc, "identity_prefix"), "value_error.identity",
                "identity_prefix: at most %d printable characters, no '/' or spaces", PREFIX_MAX);
    }
    snprintf(full_prefix, sizeof(full_prefix), "%s%s", pre, prefix ? prefix : "");

    ids = json_object_get(g, "charger_ids");
    idsloc = AT_KEY(loc, "charger_ids");
    if (ids && !json_is_null(ids) && !json_is_array(ids)) {
        err(v, json_incref(idsloc), "type_error.list", "value is not a valid list");
        ids = NULL;
    } else if (json_is_null(ids)) {
        ids = NULL;
    }
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        char identity[256];
        const char *s = json_string_value(id);
        if (!s) {
            err(v, AT_IDX(idsloc, i), "type_error.string", "str type expected");
            continue;
        }
        snprintf(identity, sizeof(identity), "%s%s", full_prefix, s);
        if (!*s || strlen(identity) > ORCH_IDENTITY_MAX || !identity_chars_ok(identity)) {
            err(v, AT_IDX(idsloc, i), "value_error.identity",
                "identity '%.60s' must be 1..%d printable characters without '/' or spaces",
                identity, ORCH_IDENTITY_MAX);
            continue;
        }
        if (json_object_get(v->seen, identity)) {
            err(v, AT_IDX(idsloc, i), "value_error.duplicate",
                "duplicate identity '%s' (in this request or already in the location)", identity);
            continue;
        }
        json_object_set_new(v->seen, identity, json_true());
    }
    has_number = opt_int(v, g, "chargers_number", loc, 0, API_MAX_CHARGERS, &number);
    if (has_number == 0 && !ids)
        err(v, AT_KEY(loc, "chargers_number"), "value_error.missing",
            "give charger_ids or chargers_number");
    json_decref(idsloc);
    if (json_array_size(v->errors) > errs) {
        json_decref(tloc);
        return;
    }
    if (has_number == 0)
        number = (long)json_array_size(ids);
    v->total += number;
    if (v->total > API_MAX_CHARGERS) {
        err(v, AT_KEY(loc, "chargers_number"), "value_error.number.not_le",
            "a request creates at most %d chargers", API_MAX_CHARGERS);
        json_decref(tloc);
        return;
    }
    json_decref(tloc);

    json_t *identities = json_array();
    if (orch_expand_identities(full_prefix, ids, number, v->seen, &v->rng, identities) != 0) {
        err(v, AT_KEY(loc, "chargers_number"), "value_error.identity",
            "no free identities left with prefix '%s'", full_prefix);
        json_decref(identities);
        return;
    }
    json_array_foreach(identities, i, id) {
        const char *identity = json_string_value(id);
        snprintf(name, sizeof(name), "%s %zu", tname ? tname : m->model_name, i + 1);
        orch_serial_for(identity, serial);
        json_array_append_new(rows, json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:f,s:s*}",
            "identity", identity, "charge_point_name", name, "brand_slug", m->brand_slug,
            "model_slug", m->model_slug, "ocpp_version", ver ? ver : "OCPP1.6", "ws_url", ws,
            "connector_type", ctype ? ctype : m->connector_types[0], "connectors", m->connectors,
            "vendor", m->vendor, "model", m->model, "serial", serial, "firmware", m->firmware,
            "max_power_kw", m->max_power_kw, "ca_file", ca));
    }
    json_decref(identities);
}

static void ctx_init(struct vctx *v, json_t *taken)
{
    memset(v, 0, sizeof(*v));
    v->errors = json_array();
    v->seen = taken ? json_deep_copy(taken) : json_object();
    orch_rng_init_random(&v->rng);
}

static enum api_valid ctx_finish(struct vctx *v, json_t *result, json_t **plan,
                                 json_t **errors)
{
    json_decref(v->seen);
    if (json_array_size(v->errors) > 0) {
        json_decref(result);
        *errors = v->errors;
        *plan = NULL;
        return API_VALID_INVALID;
    }
    json_decref(v->errors);
    *plan = result;
    *errors = NULL;
    return API_VALID_OK;
}

enum api_valid api_validate_chargers(json_t *body, json_t *taken, json_t *custom,
                                     const char *ws_url_fallback, json_t **plan, json_t **errors)
{
    struct vctx v;
    json_t *rows = json_array(), *loc = json_pack("[s]", "body"), *g;
    size_t i;

    ctx_init(&v, json_is_object(taken) ? taken : NULL);
    v.custom = custom;
    if (!json_is_array(body))
        err(&v, json_incref(loc), "type_error.list", "expected an array of charger groups");
    else if (json_array_size(body) == 0)
        err(&v, json_incref(loc), "value_error.list.min_items",
            "give at least one charger group");
    json_array_foreach(body, i, g) {
        json_t *gloc = AT_IDX(loc, i);
        check_group(&v, g, gloc, "", ws_url_fallback, rows);
        json_decref(gloc);
    }
    json_decref(loc);
    return ctx_finish(&v, rows, plan, errors);
}

/* ---- locations ---- */

/* The rows of a location template's groups; counts[g] overrides group g's size when
 * counts is not NULL. */
static void template_rows(struct vctx *v, const struct orch_location_tmpl *t, const int *counts,
                          const char *pre, const char *ws, json_t *loc, json_t *rows)
{
    for (int g = 0; g < ORCH_MAX_GROUPS && t->groups[g].brand_slug; g++) {
        const struct orch_group_tmpl *gt = &t->groups[g];
        json_t *group = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:i}", "template",
                                  "brand_slug", gt->brand_slug, "model_slug", gt->model_slug,
                                  "ocpp_version", gt->ocpp_version, "identity_prefix",
                                  gt->identity_prefix, "template_name", gt->template_name,
                                  "ws_url", ws, "chargers_number",
                                  counts ? counts[g] : gt->chargers_number);
        check_group(v, group, loc, pre, NULL, rows);
        json_decref(group);
    }
}

static json_t *location_plan(const char *name, const struct orch_location_tmpl *t,
                             json_t *ocpi, json_t *rows)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "name", name,
                     "address", t->address, "city", t->city, "postal_code", t->postal_code,
                     "country", t->country, "latitude", t->latitude, "longitude", t->longitude,
                     "template", t->slug, "ocpi", ocpi ? ocpi : json_object(), "chargers", rows);
}

static const char *coord(struct vctx *v, json_t *coords, const char *key, json_t *loc,
                         char *buf, size_t n)
{
    json_t *j = json_object_get(coords, key);

    if (json_is_string(j) && json_string_length(j) > 0 && json_string_length(j) < 32)
        return json_string_value(j);
    if (json_is_number(j)) {
        snprintf(buf, n, "%.7f", json_number_value(j));
        return buf;
    }
    err(v, AT_KEY(loc, key), j ? "type_error.string" : "value_error.missing",
        j ? "a coordinate is a decimal string" : "field required");
    return NULL;
}

static json_t *raw_location(struct vctx *v, json_t *item, json_t *loc, const char *ws_fallback)
{
    size_t errs = json_array_size(v->errors);
    const char *name = req_str(v, item, "name", loc);
    const char *address = opt_str(v, item, "address", loc);
    const char *city = opt_str(v, item, "city", loc);
    const char *postal = opt_str(v, item, "postal_code", loc);
    const char *country = opt_str(v, item, "country", loc);
    json_t *coords = json_object_get(item, "coordinates"), *charges, *rows = json_array();
    json_t *cloc = AT_KEY(loc, "coordinates");
    const char *lat = NULL, *lon = NULL;
    char latb[32], lonb[32];

    if (!json_is_object(coords))
        err(v, json_incref(cloc), coords ? "type_error.object" : "value_error.missing",
            coords ? "coordinates must be {latitude, longitude}"
                   : "coordinates required: {\"latitude\": \"52.37\", \"longitude\": \"4.89\"}");
    else {
        lat = coord(v, coords, "latitude", cloc, latb, sizeof(latb));
        lon = coord(v, coords, "longitude", cloc, lonb, sizeof(lonb));
    }
    json_decref(cloc);
    charges = json_object_get(item, "charges");
    json_t *chloc = AT_KEY(loc, "charges");
    if (charges && !json_is_null(charges) && !json_is_array(charges))
        err(v, json_incref(chloc), "type_error.list", "charges must be an array of charger groups");
    else {
        size_t i;
        json_t *g;
        json_array_foreach(charges, i, g) {
            json_t *gloc = AT_IDX(chloc, i);
            check_group(v, g, gloc, "", ws_fallback, rows);
            json_decref(gloc);
        }
    }
    json_decref(chloc);
    if (country && !is_upper_alnum(country, 3, 3, 0))
        err(v, AT_KEY(loc, "country"), "value_error.str.regex",
            "country is an ISO 3166 alpha-3 code, e.g. NLD");
    api_ocpi_check_location(item, loc, v->errors);
    if (json_array_size(v->errors) > errs) {
        json_decref(rows);
        return NULL;
    }
    json_t *ocpi = json_deep_copy(item);
    json_object_del(ocpi, "charges");
    return json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s,s:n,s:o,s:o}", "name", name,
                     "address", address, "city", city, "postal_code", postal,
                     "country", country, "latitude", lat, "longitude", lon, "template",
                     "ocpi", ocpi, "chargers", rows);
}

/* How many times each template slug appears without an identity_prefix override. */
static int template_uses(json_t *items, const char *slug)
{
    size_t i;
    json_t *it;
    int n = 0;

    json_array_foreach(items, i, it) {
        const char *s = json_string_value(json_object_get(it, "template"));
        json_t *ov = json_object_get(it, "overrides");
        if (s && strcmp(s, slug) == 0 && !json_is_string(json_object_get(ov, "identity_prefix")))
            n++;
    }
    return n;
}

static json_t *templated_location(struct vctx *v, json_t *items, size_t idx, json_t *loc,
                                  const char *ws_fallback, int *nth)
{
    json_t *item = json_array_get(items, idx), *ov = json_object_get(item, "overrides");
    json_t *tl = AT_KEY(loc, "template"), *ovloc = AT_KEY(loc, "overrides");
    const char *slug = json_string_value(json_object_get(item, "template"));
    const struct orch_location_tmpl *t = orch_location_template(slug);
    const char *name = NULL, *prefix = NULL, *ws = NULL;
    size_t errs = json_array_size(v->errors);
    char pre[64] = "", namebuf[200];

    if (!t)
        err(v, json_incref(tl), "value_error.unknown_template",
            "unknown location template '%s': see GET /ocpi/templates/locations", slug);
    if (ov && !json_is_null(ov) && !json_is_object(ov)) {
        err(v, json_incref(ovloc), "type_error.object", "overrides must be an object");
        ov = NULL;
    }
    if (ov) {
        name = opt_str(v, ov, "name", ovloc);
        prefix = opt_str(v, ov, "identity_prefix", ovloc);
        ws = opt_str(v, ov, "ws_url", ovloc);
    }
    ws = check_ws_url(v, ws, ws_fallback, AT_KEY(ovloc, "ws_url"));
    json_decref(tl);
    if (json_array_size(v->errors) > errs || !t) {
        json_decref(ovloc);
        return NULL;
    }
    if (prefix)
        snprintf(pre, sizeof(pre), "%s", prefix);
    else if (template_uses(items, slug) > 1)
        snprintf(pre, sizeof(pre), "L%02d_", ++*nth);
    if (!name) {
        if (pre[0] && !prefix)
            snprintf(namebuf, sizeof(namebuf), "%s %02d", t->name, *nth);
        else
            snprintf(namebuf, sizeof(namebuf), "%s", t->name);
        name = namebuf;
    }
    json_t *rows = json_array();
    template_rows(v, t, NULL, pre, ws, ovloc, rows);
    json_decref(ovloc);
    if (json_array_size(v->errors) > errs) {
        json_decref(rows);
        return NULL;
    }
    return location_plan(name, t, ov ? json_deep_copy(ov) : NULL, rows);
}

enum api_valid api_validate_locations(json_t *body, json_t *custom, const char *ws_url_fallback,
                                      json_t **plan, json_t **errors)
{
    struct vctx v;
    json_t *items = body, *out = json_array(), *loc = json_pack("[s]", "body"), *item;
    json_t *nth = json_object();   /* template slug -> uses so far */
    size_t i;

    ctx_init(&v, NULL);
    v.custom = custom;
    if (json_is_object(body)) {
        items = json_object_get(body, "locations");
        json_array_append_new(loc, json_string("locations"));
    }
    if (!json_is_array(items))
        err(&v, json_incref(loc), "type_error.list",
            "expected an array of locations (or {\"locations\": [...]})");
    else if (json_array_size(items) == 0)
        err(&v, json_incref(loc), "value_error.list.min_items", "give at least one location");
    json_array_foreach(items, i, item) {
        json_t *iloc = AT_IDX(loc, i), *l = NULL, *tj = json_object_get(item, "template");
        json_decref(v.seen);
        v.seen = json_object();    /* identities are unique per location */
        if (!json_is_object(item))
            err(&v, json_incref(iloc), "type_error.object", "a location must be an object");
        else if (tj && !json_is_null(tj) && !json_is_string(tj))
            err(&v, AT_KEY(iloc, "template"), "type_error.string", "str type expected");
        else if (json_is_string(tj)) {
            const char *slug = json_string_value(tj);
            int n = (int)json_integer_value(json_object_get(nth, slug));
            l = templated_location(&v, items, i, iloc, ws_url_fallback, &n);
            json_object_set_new(nth, slug, json_integer(n));
        } else
            l = raw_location(&v, item, iloc, ws_url_fallback);
        if (l)
            json_array_append_new(out, l);
        json_decref(iloc);
    }
    json_decref(nth);
    json_decref(loc);
    return ctx_finish(&v, out, plan, errors);
}

/* ---- CPOs ---- */


enum api_valid api_validate_cpo(json_t *body, const char *default_ws_url, json_t **plan,
                                json_t **errors)
{
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *ov, *ovloc, *locations = json_array();
    const struct orch_cpo_tmpl *t = NULL;
    const char *slug, *ws, *cc, *party, *prefix;
    long n_locations = -1, per_location = -1, seed = 0, ttl = 3600;
    int has_seed = 0, ttl_null = 0;

    ctx_init(&v, NULL);
    if (!json_is_object(body)) {
        err(&v, json_incref(loc), "type_error.object", "expected a JSON object");
        json_decref(loc);
        return ctx_finish(&v, locations, plan, errors);
    }
    slug = req_str(&v, body, "template", loc);
    if (slug && !(t = orch_cpo_template(slug))) {
        json_decref(loc);
        json_decref(locations);
        json_decref(v.errors);
        json_decref(v.seen);
        *plan = NULL;
        *errors = json_sprintf("CPO template '%s' not found (see GET /ocpi/cpos/templates)",
                               slug);
        return API_VALID_NOT_FOUND;
    }
    ov = json_object_get(body, "overrides");
    ovloc = AT_KEY(loc, "overrides");
    if (ov && !json_is_null(ov) && !json_is_object(ov))
        err(&v, json_incref(ovloc), "type_error.object", "overrides must be an object");
    else if (ov) {
        opt_int(&v, ov, "locations", ovloc, 1, 1000, &n_locations);
        opt_int(&v, ov, "chargers_per_location", ovloc, 0, 10000, &per_location);
    }
    json_decref(ovloc);
    has_seed = opt_int(&v, body, "seed", loc, -(1L << 53), 1L << 53, &seed) == 1;
    if (json_is_null(json_object_get(body, "ttl_seconds")) &&
        json_object_get(body, "ttl_seconds"))
        ttl_null = 1;
    else
        opt_int(&v, body, "ttl_seconds", loc, 60, 604800, &ttl);
    ws = check_ws_url(&v, opt_str(&v, body, "ws_url", loc), default_ws_url, AT_KEY(loc, "ws_url"));
    cc = opt_str(&v, body, "country_code", loc);
    party = opt_str(&v, body, "party_id", loc);
    prefix = opt_str(&v, body, "name_prefix", loc);
    if (cc && !is_upper_alnum(cc, 2, 2, 0))
        err(&v, AT_KEY(loc, "country_code"), "value_error.str.regex",
            "country_code is 2 uppercase letters (ISO 3166-1 alpha-2)");
    if (party && !is_upper_alnum(party, 3, 3, 1))
        err(&v, AT_KEY(loc, "party_id"), "value_error.str.regex",
            "party_id is 3 uppercase letters or digits");
    if (prefix && strlen(prefix) > 100)
        err(&v, AT_KEY(loc, "name_prefix"), "value_error.any_str.max_length",
            "name_prefix is at most 100 characters");
    const char *ocpi_version = opt_str(&v, body, "ocpi_version", loc);
    if (ocpi_version && strcmp(ocpi_version, "2.2.1") != 0 && strcmp(ocpi_version, "2.1.1") != 0)
        err(&v, AT_KEY(loc, "ocpi_version"), "value_error.const",
            "ocpi_version is '2.2.1' (default) or '2.1.1'");
    if (!t || json_array_size(v.errors) > 0) {
        json_decref(loc);
        return ctx_finish(&v, locations, plan, errors);
    }
    cc = cc ? cc : t->country_code;
    party = party ? party : t->party_id;
    prefix = prefix ? prefix : t->name_prefix;
    if (n_locations < 0)
        n_locations = t->default_locations;
    if (has_seed) {
        char s[128];
        snprintf(s, sizeof(s), "%ld:%s", seed, t->slug);
        orch_rng_init_seeded(&v.rng, s);
    }

    int cycle = 0, uses[ORCH_MAX_CYCLE] = {0}, nth[ORCH_MAX_CYCLE] = {0};
    while (cycle < ORCH_MAX_CYCLE && t->locations[cycle])
        cycle++;
    for (long k = 0; k < n_locations; k++)
        uses[k % cycle]++;
    for (long k = 0; k < n_locations && json_array_size(v.errors) == 0; k++) {
        const struct orch_location_tmpl *lt = orch_location_template(t->locations[k % cycle]);
        int counts[ORCH_MAX_GROUPS] = {0}, ng = 0;
        char pre[16] = "", name[256];
        json_t *rows = json_array();

        while (ng < ORCH_MAX_GROUPS && lt->groups[ng].brand_slug)
            ng++;
        for (int g = 0; g < ng; g++)
            counts[g] = lt->groups[g].chargers_number;
        if (per_location >= 0) {   /* spread the override over the groups, round robin */
            memset(counts, 0, sizeof(counts));
            for (long c = 0; c < per_location; c++)
                counts[c % ng]++;
        }
        nth[k % cycle]++;
        if (uses[k % cycle] > 1)
            snprintf(pre, sizeof(pre), "L%02d_", nth[k % cycle]);
        snprintf(name, sizeof(name), "%s %s %02ld", prefix, lt->name, k + 1);
        json_decref(v.seen);
        v.seen = json_object();
        template_rows(&v, lt, counts, pre, ws, loc, rows);
        json_array_append_new(locations, location_plan(name, lt, NULL, rows));
    }
    json_decref(loc);
    json_t *result = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o,s:o,s:s,s:o}", "country_code", cc,
                               "party_id", party, "name_prefix", prefix, "template", t->slug,
                               "ocpi_version", ocpi_version ? ocpi_version : "2.2.1",
                               "template_version", t->version,
                               "seed", has_seed ? json_integer(seed) : json_null(),
                               "ttl_seconds", ttl_null ? json_null() : json_integer(ttl),
                               "ws_url", ws, "locations", locations);
    return ctx_finish(&v, result, plan, errors);
}

/* ---- updates ---- */

/* Every key of obj must be in allowed (NULL-terminated); others are reported. */
static void only_keys(struct vctx *v, json_t *obj, const char *const *allowed, json_t *loc)
{
    const char *key;
    json_t *val;

    json_object_foreach(obj, key, val) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            err(v, AT_KEY(loc, key), "value_error.extra", "extra field not permitted");
    }
}

/* An optional string of 1..max characters, null allowed when nullable. Copies it (or
 * null) into out under key when present. */
static void copy_str(struct vctx *v, json_t *obj, const char *key, size_t max, int nullable,
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
        err(v, AT_KEY(loc, key), json_is_null(j) ? "value_error.missing" : "type_error.string",
            json_is_null(j) ? "may not be null" : "str type expected");
        return;
    }
    if (json_string_length(j) == 0 || json_string_length(j) > max) {
        err(v, AT_KEY(loc, key), "value_error.any_str.length",
            "%s must be 1..%zu characters", key, max);
        return;
    }
    json_object_set(out, key, j);
}

enum api_valid api_validate_charger_update(json_t *body, int allow_ids, json_t **changes,
                                           json_t **ids, json_t **errors)
{
    static const char *const keys[] = {"ws_url", "ocpp_version", "ca_file", "template_name",
                                       "charger_ids", NULL};
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();

    ctx_init(&v, NULL);
    *ids = NULL;
    if (!json_is_object(body)) {
        err(&v, json_incref(loc), "type_error.object", "expected a JSON object");
        json_decref(loc);
        return ctx_finish(&v, out, changes, errors);
    }
    only_keys(&v, body, keys, loc);
    if (!allow_ids && json_object_get(body, "charger_ids"))
        err(&v, AT_KEY(loc, "charger_ids"), "value_error.extra",
            "charger_ids selects chargers of a location: use PUT "
            "/ocpp/locations/{location_id}/chargers");
    copy_str(&v, body, "ws_url", 399, 0, loc, out);
    const char *ws = json_string_value(json_object_get(out, "ws_url"));
    if (ws && !ws_url_ok(ws))
        err(&v, AT_KEY(loc, "ws_url"), "value_error.url.scheme",
            "ws_url must be a ws:// or wss:// URL with a host");
    copy_str(&v, body, "ocpp_version", 16, 0, loc, out);
    const char *ver = json_string_value(json_object_get(out, "ocpp_version"));
    if (ver && strcmp(ver, "OCPP1.6") != 0 && strcmp(ver, "OCPP2.0.1") != 0)
        err(&v, AT_KEY(loc, "ocpp_version"), "value_error.const",
            "ocpp_version must be 'OCPP1.6' or 'OCPP2.0.1'");
    copy_str(&v, body, "ca_file", 400, 1, loc, out);
    const char *ca = json_string_value(json_object_get(out, "ca_file"));
    if (ca && ca[0] != '/')
        err(&v, AT_KEY(loc, "ca_file"), "value_error.path", "ca_file must be an absolute path");
    copy_str(&v, body, "template_name", 100, 0, loc, out);
    if (json_object_size(out) == 0 && json_array_size(v.errors) == 0)
        err(&v, json_incref(loc), "value_error.missing",
            "nothing to change: give ws_url, ocpp_version, ca_file or template_name");

    json_t *given = json_object_get(body, "charger_ids"), *idsloc = AT_KEY(loc, "charger_ids");
    if (allow_ids && given && !json_is_null(given)) {
        size_t i;
        json_t *id;
        if (!json_is_array(given) || json_array_size(given) == 0)
            err(&v, json_incref(idsloc), "type_error.list",
                "charger_ids must be a non-empty list (leave it out for every charger)");
        json_array_foreach(json_is_array(given) ? given : NULL, i, id) {
            if (!json_is_string(id) || json_string_length(id) == 0)
                err(&v, AT_IDX(idsloc, i), "type_error.string", "a charger id or identity");
        }
        if (json_array_size(v.errors) == 0)
            *ids = json_incref(given);
    }
    json_decref(idsloc);
    json_decref(loc);
    enum api_valid r = ctx_finish(&v, out, changes, errors);
    if (r != API_VALID_OK && *ids) {
        json_decref(*ids);
        *ids = NULL;
    }
    return r;
}

enum api_valid api_validate_location_patch(json_t *body, json_t **patch, json_t **errors)
{
    static const char *const keys[] = {"name", "address", "city", "postal_code", "country",
                                       "coordinates", "ocpi", NULL};
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();

    ctx_init(&v, NULL);
    if (!json_is_object(body)) {
        err(&v, json_incref(loc), "type_error.object", "expected a JSON object");
        json_decref(loc);
        return ctx_finish(&v, out, patch, errors);
    }
    only_keys(&v, body, keys, loc);
    copy_str(&v, body, "name", 255, 0, loc, out);
    copy_str(&v, body, "address", 255, 1, loc, out);
    copy_str(&v, body, "city", 100, 1, loc, out);
    copy_str(&v, body, "postal_code", 16, 1, loc, out);
    copy_str(&v, body, "country", 3, 1, loc, out);
    json_t *coords = json_object_get(body, "coordinates");
    if (coords) {
        json_t *cloc = AT_KEY(loc, "coordinates");
        char latb[32], lonb[32];
        if (!json_is_object(coords)) {
            err(&v, json_incref(cloc), "type_error.object",
                "coordinates must be {latitude, longitude}");
        } else {
            const char *lat = coord(&v, coords, "latitude", cloc, latb, sizeof(latb));
            const char *lon = coord(&v, coords, "longitude", cloc, lonb, sizeof(lonb));
            if (lat && lon) {
                json_object_set_new(out, "latitude", json_string(lat));
                json_object_set_new(out, "longitude", json_string(lon));
            }
        }
        json_decref(cloc);
    }
    json_t *ocpi = json_object_get(body, "ocpi");
    if (ocpi && !json_is_object(ocpi)) {
        err(&v, AT_KEY(loc, "ocpi"), "type_error.object", "ocpi must be an object");
    } else if (ocpi) {
        json_t *oloc = AT_KEY(loc, "ocpi");
        api_ocpi_check_location(ocpi, oloc, v.errors);
        json_decref(oloc);
        json_object_set(out, "ocpi", ocpi);
    }
    const char *country = json_string_value(json_object_get(out, "country"));
    if (country && !is_upper_alnum(country, 3, 3, 0))
        err(&v, AT_KEY(loc, "country"), "value_error.str.regex",
            "country is an ISO 3166 alpha-3 code, e.g. NLD");
    if (json_object_size(out) == 0 && json_array_size(v.errors) == 0)
        err(&v, json_incref(loc), "value_error.missing", "nothing to change");
    json_decref(loc);
    return ctx_finish(&v, out, patch, errors);
}

/* ---- custom catalog models ---- */

static int slug_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

enum api_valid api_validate_model(json_t *body, const char *brand, json_t **doc, json_t **errors)
{
    static const char *const keys[] = {"model_slug", "name", "brand_name", "vendor", "model",
                                       "current_type", "max_power_kw", "connector_count",
                                       "connector_types", "firmware", "ocpp_versions", NULL};
    static const char *const ctypes[] = {"TYPE1", "TYPE2", "CCS1", "CCS2", "CHADEMO", "GBT_AC",
                                         "GBT_DC", "NACS", "DOMESTIC", NULL};
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();
    long count = 0;

    ctx_init(&v, NULL);
    if (!slug_ok(brand))
        err(&v, json_pack("[s,s]", "path", "brand"), "value_error.str.regex",
            "a brand slug is 1..64 of a-z 0-9 -");
    if (!json_is_object(body)) {
        err(&v, json_incref(loc), "type_error.object", "expected a JSON object");
        json_decref(loc);
        return ctx_finish(&v, out, doc, errors);
    }
    only_keys(&v, body, keys, loc);
    const char *slug = req_str(&v, body, "model_slug", loc);
    if (slug && !slug_ok(slug))
        err(&v, AT_KEY(loc, "model_slug"), "value_error.str.regex",
            "a model slug is 1..64 of a-z 0-9 -");
    if (!json_object_get(body, "name"))
        err(&v, AT_KEY(loc, "name"), "value_error.missing", "field required");
    copy_str(&v, body, "name", 100, 0, loc, out);
    copy_str(&v, body, "brand_name", 100, 0, loc, out);
    copy_str(&v, body, "vendor", 20, 0, loc, out);     /* OCPP CiString20 */
    copy_str(&v, body, "model", 20, 0, loc, out);      /* OCPP CiString20 */
    copy_str(&v, body, "firmware", 50, 0, loc, out);   /* OCPP CiString50 */
    const char *cur = req_str(&v, body, "current_type", loc);
    if (cur && strcmp(cur, "AC") != 0 && strcmp(cur, "DC") != 0)
        err(&v, AT_KEY(loc, "current_type"), "value_error.const", "current_type is AC or DC");
    json_t *pw = json_object_get(body, "max_power_kw");
    if (!json_is_number(pw) || json_number_value(pw) <= 0 || json_number_value(pw) > 1000)
        err(&v, AT_KEY(loc, "max_power_kw"), pw ? "value_error.number" : "value_error.missing",
            "max_power_kw is a number in (0, 1000]");
    if (!json_object_get(body, "connector_count"))
        err(&v, AT_KEY(loc, "connector_count"), "value_error.missing", "field required");
    opt_int(&v, body, "connector_count", loc, 1, 8, &count);
    json_t *types = json_object_get(body, "connector_types"), *t;
    size_t i;
    if (!json_is_array(types) || json_array_size(types) < 1 ||
        json_array_size(types) > ORCH_MAX_CONNECTOR_TYPES)
        err(&v, AT_KEY(loc, "connector_types"), types ? "type_error.list" : "value_error.missing",
            "connector_types is a list of 1..%d of TYPE1, TYPE2, CCS1, CCS2, CHADEMO, GBT_AC, "
            "GBT_DC, NACS, DOMESTIC", ORCH_MAX_CONNECTOR_TYPES);
    else
        json_array_foreach(types, i, t) {
            if (!json_is_string(t) || !json_array_contains_c(ctypes, json_string_value(t)))
                err(&v, at(AT_KEY(loc, "connector_types"), json_integer((json_int_t)i)),
                    "value_error.const", "unknown connector type");
        }
    json_t *vers = json_object_get(body, "ocpp_versions"), *ver;
    if (vers && (!json_is_array(vers) || json_array_size(vers) < 1))
        err(&v, AT_KEY(loc, "ocpp_versions"), "type_error.list",
            "ocpp_versions is a non-empty list of OCPP1.6, OCPP2.0.1");
    else
        json_array_foreach(vers, i, ver) {
            const char *s = json_string_value(ver);
            if (!s || (strcmp(s, "OCPP1.6") != 0 && strcmp(s, "OCPP2.0.1") != 0))
                err(&v, at(AT_KEY(loc, "ocpp_versions"), json_integer((json_int_t)i)),
                    "value_error.const", "ocpp_version must be 'OCPP1.6' or 'OCPP2.0.1'");
        }
    json_decref(loc);
    if (json_array_size(v.errors) > 0)
        return ctx_finish(&v, out, doc, errors);

    /* the stored document: the catalog's model shape, defaults filled in */
    const char *bname = json_string_value(json_object_get(out, "brand_name"));
    const char *name = json_string_value(json_object_get(out, "name"));
    char vendor[21], model[21];
    snprintf(vendor, sizeof vendor, "%s", json_string_value(json_object_get(out, "vendor"))
                                               ? json_string_value(json_object_get(out, "vendor"))
                                               : bname ? bname : brand);
    snprintf(model, sizeof model, "%s", json_string_value(json_object_get(out, "model"))
                                             ? json_string_value(json_object_get(out, "model"))
                                             : name);
    json_t *versions = vers ? json_deep_copy(vers) : json_pack("[ss]", "OCPP1.6", "OCPP2.0.1");
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:I,s:I,s:O,s:s,s:O,s:o,s:b}",
        "brand_slug", brand, "brand_name", bname ? bname : brand, "model_slug", slug,
        "name", name, "vendor", vendor, "model", model, "current_type", cur,
        "max_power_kw", pw, "connectors", (json_int_t)count, "connector_count", (json_int_t)count,
        "connector_types", types,
        "firmware", json_string_value(json_object_get(out, "firmware"))
                        ? json_string_value(json_object_get(out, "firmware")) : "1.0.0",
        "ocpp_version", json_array_get(versions, 0), "ocpp_versions", versions, "custom", 1);
    json_decref(out);
    return ctx_finish(&v, d, doc, errors);
}

#include "fleet_validate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "fleet_country.h"
#include "fleet_policy.h"
#include "fleet_vctx.h"
#include "fleet_catalog.h"
#include "fleet_connector.h"
#include "fleet_expand.h"
#include "fleet_spec.h"
#include "fleet_version.h"

const char *vc_ws_url(struct vctx *v, const char *given, const char *fallback, json_t *loc)
{
    const char *ws = given ? given : fallback;

    if (given && !vc_ws_url_ok(given)) {
        vc_err(v, loc, "value_error.url.scheme", "ws_url must be a ws:// or wss:// URL with a host");
        return NULL;
    }
    if (!ws) {
        vc_err(v, loc, "value_error.missing",
            "ws_url required: no CPO ws_url and no server --default-ws-url to fall back on");
        return NULL;
    }
    if (!fleet_policy_ws_host_ok(ws)) {   /* the fallback too: a CPO's from before the list */
        vc_err(v, loc, "value_error.url.host", VC_WS_HOST_MSG, fleet_policy_ws_hosts());
        return NULL;
    }
    json_decref(loc);
    return ws;
}

/* ---- charger groups ---- */

/* A template's OCPP security profile and its secrets (borrowed from the body). */
struct security {
    long profile;
    const char *password, *ca_pem, *cert, *key;
};

static const char *pem_field(struct vctx *v, json_t *t, const char *key, const char *kind,
                             json_t *tloc)
{
    const char *s = vc_opt_str(v, t, key, tloc);
    char begin[64];

    snprintf(begin, sizeof begin, "-----BEGIN %s", kind);
    if (s && (strlen(s) > 16384 || !strstr(s, begin))) {
        vc_err(v, AT_KEY(tloc, key), "value_error.pem", "%s: PEM text with a %s block (at most "
               "16 KiB)", key, kind);
        return NULL;
    }
    return s;
}

/* A number field in [min, max]: 1 and *out when present and valid, 0 absent, -1 bad. */
static int opt_number(struct vctx *v, json_t *obj, const char *key, json_t *loc, double min,
                      double max, double *out)
{
    json_t *j = json_object_get(obj, key);
    if (!j || json_is_null(j))
        return 0;
    if (!json_is_number(j) || json_number_value(j) < min || json_number_value(j) > max) {
        vc_err(v, AT_KEY(loc, key), "value_error.number", "%s must be a number in %g..%g", key,
               min, max);
        return -1;
    }
    *out = json_number_value(j);
    return 1;
}

/* A [min, max] pair (integers when `integer`) with lo <= min <= max <= hi, copied into
 * out under key. Returns 1 when present (valid or not: an error is added), 0 absent. */
static int range_pair(struct vctx *v, json_t *obj, const char *key, json_t *loc, double lo,
                      double hi, int integer, const char *unit, json_t *out)
{
    json_t *r = json_object_get(obj, key), *a = json_array_get(r, 0), *b = json_array_get(r, 1);

    if (!r)
        return 0;
    if (json_is_array(r) && json_array_size(r) == 2 &&
        (integer ? json_is_integer(a) && json_is_integer(b) : json_is_number(a) && json_is_number(b)) &&
        json_number_value(a) >= lo && json_number_value(a) <= json_number_value(b) &&
        json_number_value(b) <= hi)
        json_object_set(out, key, r);
    else
        vc_err(v, AT_KEY(loc, key), "value_error.range",
               "%s: [min, max] %s, %g <= min <= max <= %g", key, unit, lo, hi);
    return 1;
}

/* How the chargers behave: reconnect backoff, call timeout, websocket pings, and the
 * automatic session generator. Returns the behavior object for the rows (new
 * reference) or NULL when the template sets none. */
static json_t *check_behavior(struct vctx *v, json_t *t, json_t *tloc)
{
    json_t *b = json_object(), *rec = json_object_get(t, "reconnect");
    json_t *ses = json_object_get(t, "sessions");
    long n, lo = 0, hi = 0;

    if (rec) {
        json_t *rloc = AT_KEY(tloc, "reconnect"), *r = json_object();
        static const char *const keys[] = {"backoff_min_ms", "backoff_max_ms", NULL};
        if (!json_is_object(rec)) {
            vc_err(v, json_incref(rloc), "type_error.object",
                   "reconnect: {backoff_min_ms, backoff_max_ms}");
        } else {
            vc_only_keys(v, rec, keys, rloc);
            if (vc_opt_int(v, rec, "backoff_min_ms", rloc, 100, 600000, &lo) == 1)
                json_object_set_new(r, "backoff_min_ms", json_integer(lo));
            if (vc_opt_int(v, rec, "backoff_max_ms", rloc, 100, 3600000, &hi) == 1)
                json_object_set_new(r, "backoff_max_ms", json_integer(hi));
            if (lo && hi && hi < lo)
                vc_err(v, AT_KEY(rloc, "backoff_max_ms"), "value_error.number",
                       "backoff_max_ms must be >= backoff_min_ms");
        }
        json_object_set_new(b, "reconnect", r);
        json_decref(rloc);
    }
    if (vc_opt_int(v, t, "call_timeout_s", tloc, 1, 600, &n) == 1)
        json_object_set_new(b, "call_timeout_s", json_integer(n));
    if (vc_opt_int(v, t, "ping_interval_s", tloc, 0, 3600, &n) == 1)
        json_object_set_new(b, "ping_interval_s", json_integer(n));
    if (ses) {
        json_t *sloc = AT_KEY(tloc, "sessions"), *out = json_object();
        static const char *const keys[] = {"per_hour", "duration_s", "energy_wh", "id_tags",
                                           NULL};
        double rate;
        if (!json_is_object(ses)) {
            vc_err(v, json_incref(sloc), "type_error.object",
                   "sessions: {per_hour, duration_s: [min, max], id_tags?}");
        } else {
            vc_only_keys(v, ses, keys, sloc);
            if (opt_number(v, ses, "per_hour", sloc, 0.001, 36000, &rate) == 1)
                json_object_set_new(out, "per_hour", json_real(rate));
            else if (!json_object_get(ses, "per_hour"))
                vc_err(v, AT_KEY(sloc, "per_hour"), "value_error.missing",
                       "per_hour: sessions started per hour (per charger) is required");
            if (!range_pair(v, ses, "duration_s", sloc, 1, 86400, 1, "seconds", out))
                json_object_set_new(out, "duration_s", json_pack("[i,i]", 600, 3600));
            range_pair(v, ses, "energy_wh", sloc, 1, 1e6, 0, "Wh a driver wants", out);
            json_t *tags = json_object_get(ses, "id_tags"), *x;
            size_t i;
            int ok = !tags || (json_is_array(tags) && json_array_size(tags) >= 1 &&
                               json_array_size(tags) <= 1000);
            json_array_foreach(tags, i, x) ok = ok && json_is_string(x) &&
                                                json_string_length(x) >= 1 &&
                                                json_string_length(x) <= 20;
            if (!ok)
                vc_err(v, AT_KEY(sloc, "id_tags"), "type_error.list",
                       "id_tags: 1..1000 ids of 1..20 characters");
            else if (tags)
                json_object_set(out, "id_tags", tags);
        }
        json_object_set_new(b, "sessions", out);
        json_decref(sloc);
    }
    if (json_object_size(b) == 0) {
        json_decref(b);
        return NULL;
    }
    return b;
}

/* security_profile 0..3 (0 none), password (profiles 1, 2), ca_pem, client_cert_pem
 * and client_key_pem (profile 3). */
static void check_security(struct vctx *v, json_t *t, json_t *tloc, struct security *sec)
{
    memset(sec, 0, sizeof *sec);
    if (vc_opt_int(v, t, "security_profile", tloc, 0, 3, &sec->profile) < 0)
        return;
    sec->password = vc_opt_str(v, t, "password", tloc);
    sec->ca_pem = pem_field(v, t, "ca_pem", "CERTIFICATE", tloc);
    sec->cert = pem_field(v, t, "client_cert_pem", "CERTIFICATE", tloc);
    sec->key = pem_field(v, t, "client_key_pem", "", tloc);
    int printable = 1;
    for (const char *c = sec->password; c && *c; c++)
        printable &= *c > ' ' && *c <= '~';
    if (sec->password && (strlen(sec->password) < 1 || strlen(sec->password) > 64 || !printable))
        vc_err(v, AT_KEY(tloc, "password"), "value_error.password",
            "password: 1..64 printable characters");
    if ((sec->profile == 1 || sec->profile == 2) && !sec->password)
        vc_err(v, AT_KEY(tloc, "password"), "value_error.missing",
            "security_profile %ld (basic auth) needs a password", sec->profile);
    if (sec->profile == 3 && (!sec->cert || !sec->key))
        vc_err(v, AT_KEY(tloc, sec->cert ? "client_key_pem" : "client_cert_pem"),
            "value_error.missing", "security_profile 3 needs client_cert_pem and client_key_pem");
    if (sec->profile != 3 && (sec->cert || sec->key))
        vc_err(v, AT_KEY(tloc, "security_profile"), "value_error.security",
            "client_cert_pem / client_key_pem are for security_profile 3");
    if (sec->profile == 0 && sec->password)
        vc_err(v, AT_KEY(tloc, "security_profile"), "value_error.security",
            "a password is sent with security_profile 1 or 2");
}

/* A template's connector_type, in any of the spellings people use, as the name a
 * charger row keeps (NULL when it names none: error added). A type the model does not
 * have is what the user asked for: the chargers get it, and a warning says so. */
static const char *check_connector(struct vctx *v, const char *given,
                                   const struct fleet_model *m, json_t *tloc)
{
    const char *kept = fleet_connector_name(given, strcmp(m->current, "DC") == 0);
    int listed = 0;
    char types[128] = "";

    if (!kept) {
        vc_err(v, AT_KEY(tloc, "connector_type"), "value_error.connector_type",
               "connector_type '%.40s' is not a connector type: %s", given,
               fleet_connector_examples());
        return NULL;
    }
    for (int i = 0; i < FLEET_MAX_CONNECTOR_TYPES && m->connector_types[i]; i++) {
        listed |= strcmp(m->connector_types[i], kept) == 0;
        snprintf(types + strlen(types), sizeof types - strlen(types), "%s%s", i ? ", " : "",
                 m->connector_types[i]);
    }
    if (!listed)
        vc_warn(v, "connector_type %s: model %s/%s has %s; its chargers here get %s "
                "connectors as asked", kept, m->brand_slug, m->model_slug, types, kept);
    return kept;
}

/* What a group's template says, as vc_group checked it. */
struct group_tmpl {
    const char *brand, *model_slug, *ctype, *ws, *ver, *prefix, *tname, *ca;
    struct security sec;
    json_t *behavior;                 /* a new reference, or NULL */
    const struct fleet_model *m;      /* NULL: no model known (an error was added) */
    struct fleet_model custom_model;  /* m points here for a tenant's own model */
    char ca_real[4096];               /* ca's canonical path */
};

/* Checks a group's template t (an object) at tloc into *gt (zeroed by the caller). */
static void check_template(struct vctx *v, json_t *t, json_t *tloc, const char *ws_fallback,
                           struct group_tmpl *gt)
{
    gt->brand = vc_req_str(v, t, "brand_slug", tloc);
    gt->model_slug = vc_req_str(v, t, "model_slug", tloc);
    gt->ctype = vc_opt_str(v, t, "connector_type", tloc);
    gt->ws = vc_opt_str(v, t, "ws_url", tloc);
    gt->ver = vc_opt_str(v, t, "ocpp_version", tloc);
    gt->prefix = vc_opt_str(v, t, "identity_prefix", tloc);
    gt->tname = vc_opt_str(v, t, "template_name", tloc);
    gt->ca = vc_opt_str(v, t, "ca_file", tloc);
    check_security(v, t, tloc, &gt->sec);
    gt->behavior = check_behavior(v, t, tloc);
    json_t *custom = NULL;
    if (gt->brand && gt->model_slug &&
        !(gt->m = fleet_catalog_model(gt->brand, gt->model_slug))) {
        char key[200];
        snprintf(key, sizeof(key), "%s/%s", gt->brand, gt->model_slug);
        custom = json_object_get(v->custom, key);
        if (custom && fleet_model_from_json(custom, &gt->custom_model) == 0)
            gt->m = &gt->custom_model;
    }
    if (gt->brand && gt->model_slug && !gt->m) {
        int known = fleet_catalog_has_brand(gt->brand);
        vc_err(v, AT_KEY(tloc, known ? "model_slug" : "brand_slug"), "value_error.unknown_model",
            "unknown charger model '%s/%s': see GET /ocpp/catalog/brands for the catalog",
            gt->brand, gt->model_slug);
    }
    char names[80];
    if (gt->ver && !ocpp_version_by_name(gt->ver))
        vc_err(v, AT_KEY(tloc, "ocpp_version"), "value_error.const",
            "ocpp_version must be %s", fleet_versions_text(names, sizeof names, "'", " or "));
    else if (custom && !(fleet_versions_mask(json_object_get(custom, "ocpp_versions")) &
                         fleet_version_bit(gt->ver ? gt->ver : FLEET_DEFAULT_VERSION->name)))
        vc_err(v, AT_KEY(tloc, "ocpp_version"), "value_error.const",
            "model %s/%s speaks %s only", gt->brand, gt->model_slug,
            json_string_value(json_object_get(custom, "ocpp_version")));
    if (gt->m && gt->ctype)
        gt->ctype = check_connector(v, gt->ctype, gt->m, tloc);
    gt->ws = vc_ws_url(v, gt->ws, ws_fallback, AT_KEY(tloc, "ws_url"));
    if (gt->ws && gt->sec.profile == 1 && strncmp(gt->ws, "ws://", 5) != 0)
        vc_err(v, AT_KEY(tloc, "security_profile"), "value_error.security",
            "security_profile 1 is basic auth over ws:// (use 2 for wss://)");
    if (gt->ws && gt->sec.profile >= 2 && strncmp(gt->ws, "wss://", 6) != 0)
        vc_err(v, AT_KEY(tloc, "security_profile"), "value_error.security",
            "security_profile %ld needs a wss:// ws_url", gt->sec.profile);
    if (gt->ws && gt->sec.ca_pem && strncmp(gt->ws, "wss://", 6) != 0)
        vc_err(v, AT_KEY(tloc, "ca_pem"), "value_error.security",
            "ca_pem verifies a wss:// CSMS: the ws_url is not wss://");
    if (gt->ca &&
        vc_ca_file(v, gt->ca, AT_KEY(tloc, "ca_file"), gt->ca_real, sizeof gt->ca_real) == 0)
        gt->ca = gt->ca_real;
    if (gt->ws && gt->ca && strncmp(gt->ws, "wss://", 6) != 0)
        vc_err(v, AT_KEY(tloc, "ca_file"), "value_error.security",
            "ca_file verifies a wss:// CSMS: the ws_url is not wss://");
    if (gt->prefix && (strlen(gt->prefix) > VC_PREFIX_MAX || !vc_identity_ok(gt->prefix)))
        vc_err(v, AT_KEY(tloc, "identity_prefix"), "value_error.identity",
            "identity_prefix: at most %d of " VC_IDENTITY_RULE, VC_PREFIX_MAX);
}

/* The group's charger_ids (borrowed from g; NULL when absent or not a list), each checked
 * (prefix + id, at most once in the location) and marked as taken in v->seen. */
static json_t *check_ids(struct vctx *v, json_t *g, json_t *loc, const char *full_prefix)
{
    json_t *ids, *idsloc;
    ids = json_object_get(g, "charger_ids");
    idsloc = AT_KEY(loc, "charger_ids");
    if (ids && !json_is_null(ids) && !json_is_array(ids)) {
        vc_err(v, json_incref(idsloc), "type_error.list", "value is not a valid list");
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
            vc_err(v, AT_IDX(idsloc, i), "type_error.string", "str type expected");
            continue;
        }
        snprintf(identity, sizeof(identity), "%s%s", full_prefix, s);
        if (!*s || strlen(identity) > FLEET_IDENTITY_MAX || !vc_identity_ok(identity)) {
            vc_err(v, AT_IDX(idsloc, i), "value_error.identity",
                "identity '%.60s' must be 1..%d of " VC_IDENTITY_RULE,
                identity, FLEET_IDENTITY_MAX);
            continue;
        }
        json_t *had = json_object_get(v->seen, identity);
        if (json_is_string(had)) {   /* "deleting" (see cf_taken_identities) */
            vc_err(v, AT_IDX(idsloc, i), "value_error.duplicate",
                "identity '%s' is still being deleted in this location (its charger is "
                "closing its connection): retry in a few seconds", identity);
            continue;
        }
        if (had) {
            vc_err(v, AT_IDX(idsloc, i), "value_error.duplicate",
                "duplicate identity '%s' (in this request or already in the location)", identity);
            continue;
        }
        json_object_set_new(v->seen, identity, json_true());
    }
    json_decref(idsloc);
    return ids;
}

/* Checks one group {template, charger_ids?, chargers_number?} at loc; when it is
 * valid, appends its charger rows. pre is put before the group's identity_prefix. */
void vc_group(struct vctx *v, json_t *g, json_t *loc, const char *pre,
                        const char *ws_fallback, json_t *rows)
{
    size_t errs = json_array_size(v->errors);
    struct group_tmpl gt = {0};
    json_t *t, *tloc, *ids;
    long number = -1;
    int has_number;
    char full_prefix[128];

    if (!json_is_object(g)) {
        vc_err(v, json_incref(loc), "type_error.object", "a charger group must be an object");
        return;
    }
    t = json_object_get(g, "template");
    tloc = AT_KEY(loc, "template");
    if (!t || json_is_null(t))
        vc_err(v, json_incref(tloc), "value_error.missing", "field required");
    else if (!json_is_object(t))
        vc_err(v, json_incref(tloc), "type_error.object", "template must be an object");
    else
        check_template(v, t, tloc, ws_fallback, &gt);
    snprintf(full_prefix, sizeof(full_prefix), "%s%s", pre, gt.prefix ? gt.prefix : "");
    ids = check_ids(v, g, loc, full_prefix);
    has_number = vc_opt_int(v, g, "chargers_number", loc, 0, FLEET_MAX_CHARGERS, &number);
    /* what is put before random suffixes (a location's L01_, a CPO's name_prefix, the
     * identity_prefix) leaves room for them */
    if (has_number == 1 && number > (long)json_array_size(ids) && strlen(full_prefix) > VC_PREFIX_MAX)
        vc_err(v, v->pre_field ? AT_KEY(loc, v->pre_field) : AT_KEY(tloc, "identity_prefix"),
            "value_error.identity",
            "identity prefix '%.60s' is %zu characters: with the %d-character random suffix "
            "an identity would pass %d", full_prefix, strlen(full_prefix), FLEET_SUFFIX_HEX,
            FLEET_IDENTITY_MAX);
    if (has_number == 0 && !ids)
        vc_err(v, AT_KEY(loc, "chargers_number"), "value_error.missing",
            "give charger_ids or chargers_number");
    else if (!v->template_groups && (has_number == 1 ? number : (long)json_array_size(ids)) == 0)
        vc_err(v, AT_KEY(loc, has_number == 1 ? "chargers_number" : "charger_ids"),
            "value_error.empty", "this group creates no charger: give charger_ids or a "
            "chargers_number above 0");
    if (json_array_size(v->errors) > errs) {
        json_decref(tloc);
        json_decref(gt.behavior);
        return;
    }
    if (has_number == 0)
        number = (long)json_array_size(ids);
    v->total += number;
    if (v->total > FLEET_MAX_CHARGERS) {
        vc_err(v, AT_KEY(loc, "chargers_number"), "value_error.number.not_le",
            "a request creates at most %d chargers", FLEET_MAX_CHARGERS);
        json_decref(tloc);
        json_decref(gt.behavior);
        return;
    }
    json_decref(tloc);

    /* the group as a plan writes it: what its chargers share (what a template does not
     * set is left out: NULL in the row), how to name them */
    struct cf_charger_spec shared = {
        .brand_slug = gt.m->brand_slug, .model_slug = gt.m->model_slug,
        .vendor = gt.m->vendor, .model = gt.m->model, .firmware = gt.m->firmware,
        .connectors = gt.m->connectors,
        .connector_type = gt.ctype ? gt.ctype : gt.m->connector_types[0],
        .max_power_kw = gt.m->max_power_kw,
        .ocpp_version = gt.ver ? gt.ver : FLEET_DEFAULT_VERSION->name, .ws_url = gt.ws,
        .ca_file = gt.ca,
        .security_profile = (int)gt.sec.profile, .basic_password = gt.sec.password,
        .ca_pem = gt.sec.ca_pem, .client_cert_pem = gt.sec.cert, .client_key_pem = gt.sec.key,
        .behavior = gt.behavior,
    };
    fleet_spec_given(t, &shared);
    json_t *row = fleet_spec_shared_json(&shared);
    json_decref(gt.behavior);
    json_t *spec = json_pack("{s:o,s:s,s:O*,s:I,s:s}", "row", row, "prefix", full_prefix,
                             "ids", ids, "number", (json_int_t)number,
                             "name", gt.tname ? gt.tname : gt.m->model_name);
    if (v->defer) {
        json_array_append_new(rows, spec);
        return;
    }
    if (fleet_expand_group(spec, v->seen, &v->rng, rows) != 0)
        vc_err(v, AT_KEY(loc, "chargers_number"), "value_error.identity",
            "no free identities left with prefix '%s'", full_prefix);
    json_decref(spec);
}



enum fleet_valid fleet_validate_chargers(json_t *body, json_t *taken, json_t *custom,
                                     const char *ws_url_fallback, json_t **plan, json_t **errors)
{
    struct vctx v;
    json_t *rows = json_array(), *loc = json_pack("[s]", "body"), *g;
    size_t i;

    vc_init(&v, json_is_object(taken) ? taken : NULL);
    v.custom = custom;
    v.defer = 1;
    vc_schema(&v, "CreateChargersRequest", body, loc);
    if (!json_is_array(body))
        vc_err(&v, json_incref(loc), "type_error.list", "expected an array of charger groups");
    else if (json_array_size(body) == 0)
        vc_err(&v, json_incref(loc), "value_error.list.min_items",
            "give at least one charger group");
    json_array_foreach(body, i, g) {
        json_t *gloc = AT_IDX(loc, i);
        vc_group(&v, g, gloc, "", ws_url_fallback, rows);
        json_decref(gloc);
    }
    json_decref(loc);
    return vc_finish(&v, json_pack("{s:o,s:I}", "groups", rows, "count", (json_int_t)v.total),
                     plan, errors);
}

/* ---- CPOs ---- */

#define NAME_PREFIX_MAX 20

/* The locations of CPO template t (n_locations of them, its location templates
 * cycled; per_location >= 0: that many chargers each, spread over the groups), appended
 * to locations. id_prefix starts every identity (with "L01_", "L02_", ... when a
 * location template is used more than once); prefix starts the locations' names. */
static void cpo_locations(struct vctx *v, const struct fleet_cpo_tmpl *t, long n_locations,
                          long per_location, const char *id_prefix, const char *prefix,
                          const char *ws, json_t *loc, json_t *locations)
{
    int cycle = 0, uses[FLEET_MAX_CYCLE] = {0}, nth[FLEET_MAX_CYCLE] = {0};
    while (cycle < FLEET_MAX_CYCLE && t->locations[cycle])
        cycle++;
    for (long k = 0; k < n_locations; k++)
        uses[k % cycle]++;
    for (long k = 0; k < n_locations && json_array_size(v->errors) == 0; k++) {
        const struct fleet_location_tmpl *lt = fleet_location_template(t->locations[k % cycle]);
        int counts[FLEET_MAX_GROUPS] = {0}, ng = 0;
        char pre[NAME_PREFIX_MAX + 16], name[256];
        json_t *rows = json_array();

        while (ng < FLEET_MAX_GROUPS && lt->groups[ng].brand_slug)
            ng++;
        for (int g = 0; g < ng; g++)
            counts[g] = lt->groups[g].chargers_number;
        if (per_location >= 0) {   /* spread the override over the groups, round robin */
            memset(counts, 0, sizeof(counts));
            for (long c = 0; c < per_location; c++)
                counts[c % ng]++;
        }
        nth[k % cycle]++;
        snprintf(pre, sizeof(pre), "%s", id_prefix);
        if (uses[k % cycle] > 1)
            snprintf(pre + strlen(pre), sizeof(pre) - strlen(pre), "L%02d_", nth[k % cycle]);
        snprintf(name, sizeof(name), "%s %s %02ld", prefix, lt->name, k + 1);
        json_decref(v->seen);
        v->seen = json_object();
        v->pre_field = "name_prefix";
        vc_template_rows(v, lt, counts, pre, ws, NULL, loc, rows);
        json_t *item = vc_template_item(lt, name), *l = vc_location_fields(v, item, loc, lt->slug);
        json_decref(item);
        if (l) {
            json_object_set_new(l, "chargers", rows);
            json_array_append_new(locations, l);
        } else {
            json_decref(rows);
        }
    }
}

enum fleet_valid fleet_validate_cpo(json_t *body, const char *default_ws_url, json_t **plan,
                                json_t **errors)
{
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *ov, *ovloc, *locations = json_array();
    const struct fleet_cpo_tmpl *t = NULL;
    const char *slug, *ws, *cc, *party, *prefix;
    long n_locations = -1, per_location = -1, seed = 0, ttl = 3600;
    int has_seed = 0, ttl_null = 0;

    vc_init(&v, NULL);
    if (!json_is_object(body)) {
        vc_err(&v, json_incref(loc), "type_error.object", "expected a JSON object");
        json_decref(loc);
        return vc_finish(&v, locations, plan, errors);
    }
    vc_schema(&v, "CreateCpoRequest", body, loc);
    slug = vc_req_str(&v, body, "template", loc);
    if (slug && !(t = fleet_cpo_template(slug))) {
        json_decref(loc);
        json_decref(locations);
        json_decref(v.errors);
        json_decref(v.warnings);
        json_decref(v.seen);
        *plan = NULL;
        *errors = json_sprintf("CPO template '%s' not found (see GET /ocpi/cpos/templates)",
                               slug);
        return FLEET_VALID_NOT_FOUND;
    }
    ov = json_object_get(body, "overrides");
    ovloc = AT_KEY(loc, "overrides");
    if (ov && !json_is_null(ov) && !json_is_object(ov))
        vc_err(&v, json_incref(ovloc), "type_error.object", "overrides must be an object");
    else if (ov) {
        vc_opt_int(&v, ov, "locations", ovloc, 1, 1000, &n_locations);
        vc_opt_int(&v, ov, "chargers_per_location", ovloc, 0, 10000, &per_location);
    }
    json_decref(ovloc);
    has_seed = vc_opt_int(&v, body, "seed", loc, -(1L << 53), 1L << 53, &seed) == 1;
    if (json_is_null(json_object_get(body, "ttl_seconds")) &&
        json_object_get(body, "ttl_seconds"))
        ttl_null = 1;
    else
        vc_opt_int(&v, body, "ttl_seconds", loc, 60, 604800, &ttl);
    ws = vc_ws_url(&v, vc_opt_str(&v, body, "ws_url", loc), default_ws_url, AT_KEY(loc, "ws_url"));
    cc = vc_opt_str(&v, body, "country_code", loc);
    party = vc_opt_str(&v, body, "party_id", loc);
    prefix = vc_opt_str(&v, body, "name_prefix", loc);
    const char *role = vc_opt_str(&v, body, "role", loc);
    /* an OCPI party's country_code is alpha-2: an alpha-3 code is taken as its twin */
    if (cc && !fleet_country_alpha2(cc))
        vc_err(&v, AT_KEY(loc, "country_code"), "value_error.country",
            "country_code '%.8s' is not an ISO 3166-1 country (alpha-2 FR, or alpha-3 FRA)", cc);
    else if (cc)
        cc = fleet_country_alpha2(cc);
    if (party && !vc_upper_alnum(party, 3, 3, 1))
        vc_err(&v, AT_KEY(loc, "party_id"), "value_error.str.regex",
            "party_id is 3 uppercase letters or digits");
    if (prefix && (!*prefix || strlen(prefix) > NAME_PREFIX_MAX || !vc_identity_ok(prefix)))
        vc_err(&v, AT_KEY(loc, "name_prefix"), "value_error.identity",
            "name_prefix is prepended to every OCPP identity of this CPO: 1..%d of "
            VC_IDENTITY_RULE, NAME_PREFIX_MAX);
    if (role && strcmp(role, "cpo") != 0)
        vc_err(&v, AT_KEY(loc, "role"), "value_error.const", strcmp(role, "emsp") == 0
            ? "role 'emsp' is not simulated: chargefleet creates charge point operators "
              "(role 'cpo'); an eMSP connects to their OCPI endpoints (ocpi_peer_url)"
            : "role is 'cpo' (an 'emsp' is not simulated)");
    const char *ocpi_version = vc_opt_str(&v, body, "ocpi_version", loc);
    if (ocpi_version && strcmp(ocpi_version, "2.2.1") != 0 && strcmp(ocpi_version, "2.1.1") != 0)
        vc_err(&v, AT_KEY(loc, "ocpi_version"), "value_error.const",
            "ocpi_version is '2.2.1' (default) or '2.1.1'");
    if (!t || json_array_size(v.errors) > 0) {
        json_decref(loc);
        return vc_finish(&v, locations, plan, errors);
    }
    cc = cc ? cc : t->country_code;
    party = party ? party : t->party_id;
    /* a given name_prefix starts every identity ("alice" + "_" + "L01_UAH_1a2b3c") */
    char id_prefix[NAME_PREFIX_MAX + 2] = "";
    if (prefix)
        snprintf(id_prefix, sizeof id_prefix, "%s%s", prefix,
                 strchr("_-.~", prefix[strlen(prefix) - 1]) ? "" : "_");
    prefix = prefix ? prefix : t->name_prefix;
    if (n_locations < 0)
        n_locations = t->default_locations;
    if (has_seed) {
        char s[128];
        snprintf(s, sizeof(s), "%ld:%s", seed, t->slug);
        fleet_rng_init_seeded(&v.rng, s);
    }

    cpo_locations(&v, t, n_locations, per_location, id_prefix, prefix, ws, loc, locations);
    json_decref(loc);
    json_t *result = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o,s:o,s:s,s:o}", "country_code", cc,
                               "party_id", party, "name_prefix", prefix, "template", t->slug,
                               "ocpi_version", ocpi_version ? ocpi_version : "2.2.1",
                               "template_version", t->version,
                               "seed", has_seed ? json_integer(seed) : json_null(),
                               "ttl_seconds", ttl_null ? json_null() : json_integer(ttl),
                               "ws_url", ws, "locations", locations);
    return vc_finish(&v, result, plan, errors);
}


/* Request validation of locations (fleet_validate.h: fleet_validate_locations): raw OCPI
 * locations in the seed's and eMabler's spellings, templated ones with their overrides;
 * and the location fields a CPO's template locations share (fleet_vctx.h). */
#include "fleet_validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet_country.h"
#include "fleet_ocpi_schema.h"
#include "fleet_vctx.h"
#include "fleet_catalog.h"
#include "fleet_version.h"

/* The rows of a location template's groups; counts[g] overrides group g's size when
 * counts is not NULL, version (when not NULL) every group's ocpp_version. */
void vc_template_rows(struct vctx *v, const struct fleet_location_tmpl *t, const int *counts,
                          const char *pre, const char *ws, const char *version, json_t *loc,
                          json_t *rows)
{
    for (int g = 0; g < FLEET_MAX_GROUPS && t->groups[g].brand_slug; g++) {
        const struct fleet_group_tmpl *gt = &t->groups[g];
        json_t *group = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:i}", "template",
                                  "brand_slug", gt->brand_slug, "model_slug", gt->model_slug,
                                  "ocpp_version", version ? version : gt->ocpp_version,
                                  "identity_prefix", gt->identity_prefix, "template_name",
                                  gt->template_name, "ws_url", ws, "chargers_number",
                                  counts ? counts[g] : gt->chargers_number);
        v->template_groups = 1;
        vc_group(v, group, loc, pre, NULL, rows);
        v->template_groups = 0;
        json_decref(group);
    }
}

/* A template's location as a raw location body (what its overrides are merged into). */
json_t *vc_template_item(const struct fleet_location_tmpl *t, const char *name)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s}", "name", name, "address",
                     t->address, "city", t->city, "postal_code", t->postal_code, "country",
                     t->country, "coordinates", "latitude", t->latitude, "longitude",
                     t->longitude, "parking_type", t->parking_type);
}

/* The OCPI spelling of the eMabler page's camelCase keys (publishAllowedTo,
 * openingTimes, ...): camelCase -> snake_case, at every depth; locationEnergyMix is
 * OCPI's energy_mix. Returns a new object; a key given in both spellings is an error. */
static json_t *snake_keys(struct vctx *v, json_t *j, json_t *loc)
{
    const char *key;
    json_t *val, *out;
    size_t i;

    if (json_is_array(j)) {
        out = json_array();
        json_array_foreach(j, i, val) {
            json_t *at = AT_IDX(loc, i);
            json_array_append_new(out, snake_keys(v, val, at));
            json_decref(at);
        }
        return out;
    }
    if (!json_is_object(j))
        return json_incref(j);
    out = json_object();
    json_object_foreach(j, key, val) {      /* key drives the iteration: not reassigned */
        const char *name = strcmp(key, "locationEnergyMix") == 0 ? "energy_mix" : key;
        char snake[128];
        size_t k = 0;
        for (const char *c = name; *c && k + 2 < sizeof snake; c++) {
            if (*c >= 'A' && *c <= 'Z' && c != name)
                snake[k++] = '_';
            snake[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        }
        snake[k] = '\0';
        if (strcmp(snake, key) != 0 && json_object_get(j, snake)) {
            vc_err(v, AT_KEY(loc, key), "value_error.duplicate", "%s and %s are the same "
                   "field: give one", key, snake);
            continue;
        }
        json_t *at = AT_KEY(loc, key);
        /* "charges" are ours, not OCPI: their keys are left as they are */
        int ours = strcmp(key, "charges") == 0;
        json_object_set_new(out, ours ? key : snake, ours ? json_incref(val)
                                                         : snake_keys(v, val, at));
        json_decref(at);
    }
    return out;
}

/* A time zone from the IANA database ("Europe/Paris"), checked against tzdata when
 * the machine has it. */
static int time_zone_ok(const char *tz)
{
    char path[320];

    if (!*tz || strlen(tz) > 255 || strstr(tz, "..") || tz[0] == '/')
        return 0;
    for (const char *c = tz; *c; c++)
        if (!(isalnum((unsigned char)*c) || strchr("/_+-", *c)))
            return 0;
    if (access("/usr/share/zoneinfo", F_OK) != 0)
        return 1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    return access(path, R_OK) == 0;
}

/* The seed's location fields under their OCPI names in ocpi (both are the body's
 * names: a seed field and its OCPI twin together is an error): timezone ->
 * time_zone, owner_name -> owner {name}, public -> publish. */
static void seed_fields(struct vctx *v, json_t *ocpi, json_t *loc)
{
    static const char *const twins[][2] = {{"timezone", "time_zone"}, {"owner_name", "owner"},
                                           {"public", "publish"}};

    for (size_t i = 0; i < sizeof twins / sizeof twins[0]; i++) {
        json_t *val = json_object_get(ocpi, twins[i][0]);
        if (!val)
            continue;
        if (json_object_get(ocpi, twins[i][1]))
            vc_err(v, AT_KEY(loc, twins[i][0]), "value_error.duplicate", "%s and %s say the "
                   "same thing: give one", twins[i][0], twins[i][1]);
        else if (i == 0 && !json_is_null(val) && !(json_is_string(val) &&
                                                    time_zone_ok(json_string_value(val))))
            vc_err(v, AT_KEY(loc, "timezone"), "value_error.time_zone", "timezone is an IANA "
                   "time zone such as Europe/Paris");
        else if (i == 1 && !json_is_null(val) && !(json_is_string(val) &&
                 json_string_length(val) >= 1 && json_string_length(val) <= 100))
            vc_err(v, AT_KEY(loc, "owner_name"), "type_error.string", "owner_name: 1..100 "
                   "characters, or null");
        else if (i == 2 && !json_is_boolean(val))
            vc_err(v, AT_KEY(loc, "public"), "type_error.bool", "public is true or false");
        else if (!json_is_null(val))
            json_object_set_new(ocpi, twins[i][1], i == 1 ? json_pack("{s:O}", "name", val)
                                                          : json_incref(val));
        json_object_del(ocpi, twins[i][0]);
    }
}

/* The location of a plan from item (a raw location body, or a template's location
 * with its overrides): its columns, and its OCPI fields (checked) in "ocpi". The
 * caller adds "chargers". NULL when anything is wrong (errors added). */
json_t *vc_location_fields(struct vctx *v, json_t *item, json_t *loc, const char *slug)
{
    size_t errs = json_array_size(v->errors);
    const char *name = vc_req_str(v, item, "name", loc);
    const char *address = vc_opt_str(v, item, "address", loc);
    const char *city = vc_opt_str(v, item, "city", loc);
    const char *postal = vc_opt_str(v, item, "postal_code", loc);
    const char *country = vc_opt_str(v, item, "country", loc), *alpha3 = NULL;
    json_t *coords = json_object_get(item, "coordinates");
    json_t *cloc = AT_KEY(loc, "coordinates");
    const char *lat = NULL, *lon = NULL;
    char latb[32], lonb[32];

    if (!json_is_object(coords))
        vc_err(v, json_incref(cloc), coords ? "type_error.object" : "value_error.missing",
            coords ? "coordinates must be {latitude, longitude}"
                   : "coordinates required: {\"latitude\": 52.37, \"longitude\": 4.89}");
    else {
        lat = vc_coordinate(v, coords, "latitude", 90, cloc, latb, sizeof latb);
        lon = vc_coordinate(v, coords, "longitude", 180, cloc, lonb, sizeof lonb);
    }
    json_decref(cloc);
    if (country && !(alpha3 = fleet_country_alpha3(country)))
        vc_err(v, AT_KEY(loc, "country"), "value_error.country",
            "country '%.8s' is not an ISO 3166-1 alpha-2 or alpha-3 code (BE or BEL)", country);
    json_t *ocpi = json_deep_copy(item);
    static const char *const columns[] = {"name", "address", "city", "postal_code", "country",
                                          "coordinates", "charges", NULL};
    for (const char *const *c = columns; *c; c++)
        json_object_del(ocpi, *c);
    seed_fields(v, ocpi, loc);
    fleet_ocpi_check_location(ocpi, loc, v->errors);
    if (json_array_size(v->errors) > errs) {
        json_decref(ocpi);
        return NULL;
    }
    return json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s,s:s?,s:o}", "name", name,
                     "address", address, "city", city, "postal_code", postal,
                     "country", alpha3, "latitude", lat, "longitude", lon, "template", slug,
                     "ocpi", ocpi);
}

/* A plan's location l (taken, may be NULL) with its charger rows (taken), or NULL
 * when the validation found problems since errs of them were known. */
static json_t *with_chargers(struct vctx *v, json_t *l, json_t *rows, size_t errs)
{
    if (!l || json_array_size(v->errors) > errs) {
        json_decref(l);
        json_decref(rows);
        return NULL;
    }
    json_object_set_new(l, "chargers", rows);
    return l;
}

static json_t *raw_location(struct vctx *v, json_t *item, json_t *loc, const char *ws_fallback,
                            int empty)
{
    size_t errs = json_array_size(v->errors);
    json_t *charges = json_object_get(item, "charges"), *rows = json_array();
    json_t *chloc = AT_KEY(loc, "charges");

    if (charges && !json_is_null(charges) && !json_is_array(charges))
        vc_err(v, json_incref(chloc), "type_error.list", "charges must be an array of charger groups");
    else if (empty && json_array_size(charges) > 0)
        vc_err(v, json_incref(chloc), "value_error.empty_location", "empty_location=true "
               "creates locations without chargers: leave charges out, or the flag");
    else {
        size_t i;
        json_t *g;
        json_array_foreach(charges, i, g) {
            json_t *gloc = AT_IDX(chloc, i);
            vc_group(v, g, gloc, "", ws_fallback, rows);
            json_decref(gloc);
        }
    }
    json_decref(chloc);
    return with_chargers(v, vc_location_fields(v, item, loc, NULL), rows, errs);
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

/* {"template", "overrides"}: the template's location, its top-level fields
 * shallow-merged with the overrides; ocpp_version, identity_prefix and ws_url apply
 * to every group. */
static json_t *templated_location(struct vctx *v, json_t *items, size_t idx, json_t *loc,
                                  const char *ws_fallback, int empty, int *nth)
{
    /* what the template's groups take; the rest is merged over its location */
    static const char *const protocol[] = {"ocpp_version", "identity_prefix", "ws_url", NULL};
    json_t *item = json_array_get(items, idx), *ov = json_object_get(item, "overrides");
    json_t *tl = AT_KEY(loc, "template"), *ovloc = AT_KEY(loc, "overrides");
    const char *slug = json_string_value(json_object_get(item, "template"));
    const struct fleet_location_tmpl *t = fleet_location_template(slug);
    const char *name = NULL, *prefix = NULL, *ws = NULL, *ver = NULL;
    size_t errs = json_array_size(v->errors);
    char pre[64] = "", namebuf[200];

    if (!t)
        vc_err(v, json_incref(tl), "value_error.unknown_template",
            "unknown location template '%s': see GET /ocpi/templates/locations", slug);
    if (ov && !json_is_null(ov) && !json_is_object(ov)) {
        vc_err(v, json_incref(ovloc), "type_error.object", "overrides must be an object");
        ov = NULL;
    }
    if (json_is_object(ov)) {
        name = vc_opt_str(v, ov, "name", ovloc);
        prefix = vc_opt_str(v, ov, "identity_prefix", ovloc);
        ws = vc_opt_str(v, ov, "ws_url", ovloc);
        ver = vc_opt_str(v, ov, "ocpp_version", ovloc);
        if (prefix && (strlen(prefix) > VC_PREFIX_MAX || !vc_identity_ok(prefix)))
            vc_err(v, AT_KEY(ovloc, "identity_prefix"), "value_error.identity",
                "identity_prefix: at most %d of " VC_IDENTITY_RULE, VC_PREFIX_MAX);
        char names[80];
        if (ver && !ocpp_version_by_name(ver))
            vc_err(v, AT_KEY(ovloc, "ocpp_version"), "value_error.const",
                "ocpp_version must be %s", fleet_versions_text(names, sizeof names, "'", " or "));
    }
    ws = vc_ws_url(v, ws, ws_fallback, AT_KEY(ovloc, "ws_url"));
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
    }
    json_t *merged = vc_template_item(t, name ? name : namebuf);
    if (json_is_object(ov)) {
        json_object_update(merged, ov);
        for (const char *const *k = protocol; *k; k++)
            json_object_del(merged, *k);
    }
    json_t *l = vc_location_fields(v, merged, ovloc, t->slug), *rows = json_array();
    json_decref(merged);
    v->pre_field = "identity_prefix";   /* the override's (or the automatic L01_) */
    if (!empty)
        vc_template_rows(v, t, NULL, pre, ws, ver, ovloc, rows);
    v->pre_field = NULL;
    json_decref(ovloc);
    return with_chargers(v, l, rows, errs);
}

/* body with its raw locations' keys in their OCPI spelling (snake_keys): a new
 * reference; *items (borrowed from it) its list of locations, NULL when there is none. */
static json_t *normal_body(struct vctx *v, json_t *body, json_t *loc, json_t **items)
{
    json_t *copy = json_is_object(body) ? json_copy(body) : json_incref(body);
    json_t *list = json_is_object(copy) ? json_object_get(copy, "locations") : copy, *it;
    json_t *out = json_array();
    size_t i;

    json_array_foreach(json_is_array(list) ? list : NULL, i, it) {
        json_t *iloc = AT_IDX(loc, i);
        json_array_append_new(out, json_is_object(it) && !json_object_get(it, "template")
                                       ? snake_keys(v, it, iloc) : json_incref(it));
        json_decref(iloc);
    }
    if (json_is_array(list)) {
        if (json_is_object(copy))
            json_object_set(copy, "locations", out);
        else {
            json_decref(copy);
            copy = json_incref(out);
        }
        *items = out;
    } else {
        *items = NULL;
    }
    json_decref(out);
    return copy;
}

enum fleet_valid fleet_validate_locations(json_t *body, json_t *custom, const char *ws_url_fallback,
                                      unsigned flags, json_t **plan, json_t **errors)
{
    struct vctx v;
    json_t *out = json_array(), *root = json_pack("[s]", "body"), *loc = json_copy(root);
    json_t *nth = json_object(), *items, *item;   /* nth: template slug -> uses so far */
    int empty = (flags & FLEET_VALID_EMPTY_LOCATIONS) != 0;
    size_t i;

    vc_init(&v, NULL);
    v.custom = custom;
    if (json_is_object(body))
        json_array_append_new(loc, json_string("locations"));
    /* the document describes the OCPI spelling: the eMabler page's camelCase first */
    json_t *normal = normal_body(&v, body, loc, &items);
    vc_schema(&v, "LocationsBody", normal, root);
    if (!json_is_array(items))
        vc_err(&v, json_incref(loc), "type_error.list",
            "expected an array of locations (or {\"locations\": [...]})");
    else if (json_array_size(items) == 0)
        vc_err(&v, json_incref(loc), "value_error.list.min_items", "give at least one location");
    json_array_foreach(items, i, item) {
        json_t *iloc = AT_IDX(loc, i), *l = NULL, *tj = json_object_get(item, "template");
        json_decref(v.seen);
        v.seen = json_object();    /* identities are unique per location */
        if (!json_is_object(item))
            vc_err(&v, json_incref(iloc), "type_error.object", "a location must be an object");
        else if (tj && !json_is_null(tj) && !json_is_string(tj))
            vc_err(&v, AT_KEY(iloc, "template"), "type_error.string", "str type expected");
        else if (json_is_string(tj)) {
            const char *slug = json_string_value(tj);
            int n = (int)json_integer_value(json_object_get(nth, slug));
            l = templated_location(&v, items, i, iloc, ws_url_fallback, empty, &n);
            json_object_set_new(nth, slug, json_integer(n));
        } else {
            l = raw_location(&v, item, iloc, ws_url_fallback, empty);
        }
        if (l)
            json_array_append_new(out, l);
        json_decref(iloc);
    }
    json_decref(normal);
    json_decref(nth);
    json_decref(loc);
    json_decref(root);
    return vc_finish(&v, json_pack("{s:o}", "locations", out), plan, errors);
}


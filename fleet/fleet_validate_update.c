/* Validation of updates (PUT chargers, PATCH location) and of custom catalog models.
 * Each body is first checked against its component schema in api/openapi.json
 * (fleet_schema.h: types, lengths, enums, ranges, required and unknown fields); only a
 * body the document accepts goes on to the checks the document cannot express (URL
 * schemes, absolute paths, ISO codes, the OCPI fields, what may be combined). */
#include "fleet_validate_update.h"

#include <stdio.h>
#include <string.h>

#include "fleet_country.h"
#include "fleet_ocpi_schema.h"
#include "fleet_policy.h"
#include "fleet_schema.h"
#include "fleet_vctx.h"
#include "fleet_catalog.h"
#include "fleet_version.h"

/* The document's schema of the body (ChargerUpdate, ...) first: 1 when it found
 * problems (added to v's list), so that the semantic checks are skipped. The code
 * after it relies on the shape the schema guarantees, so a component the document
 * lacks (a bug the unit tests catch, logged) refuses the body rather than let it by. */

enum fleet_valid fleet_validate_charger_update(json_t *body, int allow_ids, json_t **changes,
                                           json_t **ids, json_t **errors)
{
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();

    vc_init(&v, NULL);
    *ids = NULL;
    if (vc_schema(&v, allow_ids ? "UpdateChargersRequest" : "UpdateChargerRequest", body, loc)) {
        json_decref(loc);
        return vc_finish(&v, out, changes, errors);
    }
    if (!allow_ids && json_object_get(body, "charger_ids"))
        vc_err(&v, AT_KEY(loc, "charger_ids"), "value_error.extra",
            "charger_ids selects chargers of a location: use PUT "
            "/ocpp/locations/{location_id}/chargers");
    vc_copy_str(&v, body, "ws_url", 399, 0, loc, out);
    const char *ws = json_string_value(json_object_get(out, "ws_url"));
    if (ws && !vc_ws_url_ok(ws))
        vc_err(&v, AT_KEY(loc, "ws_url"), "value_error.url.scheme",
            "ws_url must be a ws:// or wss:// URL with a host");
    else if (ws && !fleet_policy_ws_host_ok(ws))
        vc_err(&v, AT_KEY(loc, "ws_url"), "value_error.url.host", VC_WS_HOST_MSG,
               fleet_policy_ws_hosts());
    vc_copy_str(&v, body, "ocpp_version", 16, 0, loc, out);   /* one of the enum's */
    vc_copy_str(&v, body, "ca_file", 400, 1, loc, out);
    const char *ca = json_string_value(json_object_get(out, "ca_file"));
    char ca_real[4096];
    if (ca && vc_ca_file(&v, ca, AT_KEY(loc, "ca_file"), ca_real, sizeof ca_real) == 0)
        json_object_set_new(out, "ca_file", json_string(ca_real));   /* the canonical path */
    vc_copy_str(&v, body, "template_name", 100, 0, loc, out);
    if (json_object_size(out) == 0 && json_array_size(v.errors) == 0)
        vc_err(&v, json_incref(loc), "value_error.missing",
            "nothing to change: give ws_url, ocpp_version, ca_file or template_name");

    /* charger_ids: a non-empty list of strings (the schema); none of them empty */
    json_t *given = allow_ids ? json_object_get(body, "charger_ids") : NULL, *id;
    json_t *idsloc = AT_KEY(loc, "charger_ids");
    size_t i;
    json_array_foreach(given, i, id) {
        if (json_string_length(id) == 0)
            vc_err(&v, AT_IDX(idsloc, i), "value_error.any_str.min_length",
                   "a charger id or identity, not empty");
    }
    if (given && json_array_size(v.errors) == 0)
        *ids = json_incref(given);
    json_decref(idsloc);
    json_decref(loc);
    enum fleet_valid r = vc_finish(&v, out, changes, errors);
    if (r != FLEET_VALID_OK && *ids) {
        json_decref(*ids);
        *ids = NULL;
    }
    return r;
}

enum fleet_valid fleet_validate_location_patch(json_t *body, json_t **patch, json_t **errors)
{
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();

    vc_init(&v, NULL);
    if (vc_schema(&v, "UpdateLocationRequest", body, loc)) {
        json_decref(loc);
        return vc_finish(&v, out, patch, errors);
    }
    vc_copy_str(&v, body, "name", 255, 0, loc, out);
    vc_copy_str(&v, body, "address", 255, 1, loc, out);
    vc_copy_str(&v, body, "city", 100, 1, loc, out);
    vc_copy_str(&v, body, "postal_code", 16, 1, loc, out);
    vc_copy_str(&v, body, "country", 3, 1, loc, out);
    json_t *coords = json_object_get(body, "coordinates");   /* {latitude, longitude} */
    if (coords) {
        json_t *cloc = AT_KEY(loc, "coordinates");
        char latb[32], lonb[32];
        const char *lat = vc_coordinate(&v, coords, "latitude", 90, cloc, latb, sizeof(latb));
        const char *lon = vc_coordinate(&v, coords, "longitude", 180, cloc, lonb, sizeof(lonb));
        if (lat && lon) {
            json_object_set_new(out, "latitude", json_string(lat));
            json_object_set_new(out, "longitude", json_string(lon));
        }
        json_decref(cloc);
    }
    json_t *ocpi = json_object_get(body, "ocpi");   /* an object */
    if (ocpi) {
        json_t *oloc = AT_KEY(loc, "ocpi");
        fleet_ocpi_check_location(ocpi, oloc, v.errors);
        json_decref(oloc);
        json_object_set(out, "ocpi", ocpi);
    }
    const char *country = json_string_value(json_object_get(out, "country"));
    if (country && !fleet_country_alpha3(country))
        vc_err(&v, AT_KEY(loc, "country"), "value_error.country",
            "country '%.8s' is not an ISO 3166-1 alpha-2 or alpha-3 code (BE or BEL)", country);
    else if (country)   /* kept alpha-3, as OCPI serves it */
        json_object_set_new(out, "country", json_string(fleet_country_alpha3(country)));
    if (json_object_size(out) == 0 && json_array_size(v.errors) == 0)
        vc_err(&v, json_incref(loc), "value_error.missing", "nothing to change");
    json_decref(loc);
    return vc_finish(&v, out, patch, errors);
}

/* ---- custom catalog models ---- */

static int slug_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

enum fleet_valid fleet_validate_model(json_t *body, const char *brand, json_t **doc, json_t **errors)
{
    struct vctx v;
    json_t *loc = json_pack("[s]", "body"), *out = json_object();

    vc_init(&v, NULL);
    if (!slug_ok(brand))
        vc_err(&v, json_pack("[s,s]", "path", "brand"), "value_error.str.regex",
            "a brand slug is 1..64 of a-z 0-9 -");
    if (vc_schema(&v, "CreateModelRequest", body, loc)) {
        json_decref(loc);
        return vc_finish(&v, out, doc, errors);
    }
    /* The schema has checked what is required, the types, the slug's pattern, the
     * enums (current_type, connector_types, ocpp_versions) and the ranges; left: no
     * empty strings, and no more connector types than a catalog model holds. */
    vc_copy_str(&v, body, "name", 100, 0, loc, out);
    vc_copy_str(&v, body, "brand_name", 100, 0, loc, out);
    vc_copy_str(&v, body, "vendor", 20, 0, loc, out);     /* OCPP CiString20 */
    vc_copy_str(&v, body, "model", 20, 0, loc, out);      /* OCPP CiString20 */
    vc_copy_str(&v, body, "firmware", 50, 0, loc, out);   /* OCPP CiString50 */
    json_t *types = json_object_get(body, "connector_types");
    if (json_array_size(types) > FLEET_MAX_CONNECTOR_TYPES)
        vc_err(&v, AT_KEY(loc, "connector_types"), "value_error.list.max_items",
            "ensure this value has at most %d items", FLEET_MAX_CONNECTOR_TYPES);
    json_decref(loc);
    if (json_array_size(v.errors) > 0)
        return vc_finish(&v, out, doc, errors);

    const char *slug = json_string_value(json_object_get(body, "model_slug"));
    const char *cur = json_string_value(json_object_get(body, "current_type"));
    json_t *pw = json_object_get(body, "max_power_kw");
    json_t *vers = json_object_get(body, "ocpp_versions");
    json_int_t count = json_integer_value(json_object_get(body, "connector_count"));

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
    json_t *versions = vers ? json_deep_copy(vers) : fleet_versions_json(FLEET_VERSIONS_ALL);
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:I,s:I,s:O,s:s,s:O,s:o,s:b}",
        "brand_slug", brand, "brand_name", bname ? bname : brand, "model_slug", slug,
        "name", name, "vendor", vendor, "model", model, "current_type", cur,
        "max_power_kw", pw, "connectors", count, "connector_count", count,
        "connector_types", types,
        "firmware", json_string_value(json_object_get(out, "firmware"))
                        ? json_string_value(json_object_get(out, "firmware")) : "1.0.0",
        "ocpp_version", json_array_get(versions, 0), "ocpp_versions", versions, "custom", 1);
    if (!d)   /* only if the document stopped requiring a field read above */
        vc_err(&v, json_pack("[s]", "body"), "value_error.missing",
            "model_slug, name, current_type, max_power_kw, connector_count and "
            "connector_types are required");
    json_decref(out);
    return vc_finish(&v, d, doc, errors);
}

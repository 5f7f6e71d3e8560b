/* Request validation: checks a whole body and turns it into a plan (JSON) that the
 * orchestrator writes in one statement. Nothing here writes anything; every problem is
 * reported (not only the first) as the seed's HTTPValidationError detail list:
 * [{"loc": ["body", ...path], "msg": "...", "type": "..."}].
 *
 * Identity rules: 1..48 characters (OCPP CiString48), printable ASCII without '/' or
 * spaces (the identity is the last segment of the websocket URL, percent-encoded).
 *
 * A charger row of a plan: {"identity", "charge_point_name", "brand_slug",
 * "model_slug", "ocpp_version", "ws_url", "connector_type", "connectors", "vendor",
 * "model", "serial", "firmware", "max_power_kw", "ca_file"} (orch_jobs.c reads it).
 * A location of a plan: {"name", "address", "city", "postal_code", "country",
 * "latitude", "longitude", "template", "ocpi", "chargers": [rows]}. */
#ifndef API_VALIDATE_H
#define API_VALIDATE_H

#include <jansson.h>

#define API_MAX_CHARGERS 100000   /* per request */

enum api_valid { API_VALID_OK = 0, API_VALID_INVALID = -1, API_VALID_NOT_FOUND = -2 };

/* Body borrowed. OK: *plan is a new reference. INVALID: *errors is a new reference to
 * the detail array. NOT_FOUND: *errors is a new JSON string (the 404 detail). */

/* custom (borrowed, may be NULL): the tenant's custom models {"brand/model": doc}
 * (orch_models.h), usable in groups besides the built-in catalog. */

/* A chargers body (array of groups) for one location. taken: JSON object whose keys
 * are the identities the location already has (borrowed, not modified).
 * ws_url_fallback: the CPO's ws_url or --default-ws-url (NULL: groups must give one). */
enum api_valid api_validate_chargers(json_t *body, json_t *taken, json_t *custom,
                                     const char *ws_url_fallback, json_t **plan, json_t **errors);

/* A locations body: an array (or {"locations": [...]}) of raw locations or
 * {"template", "overrides"}. A template used several times without an
 * identity_prefix override gets "L01_", "L02_", ... (its nth use) before its prefixes. */
enum api_valid api_validate_locations(json_t *body, json_t *custom, const char *ws_url_fallback,
                                      json_t **plan, json_t **errors);

/* A CPO body: {"template", "overrides": {"locations", "chargers_per_location"}, "seed",
 * "ttl_seconds", "ws_url", "country_code", "party_id", "name_prefix"}. An unknown
 * template is NOT_FOUND. The plan: {"country_code", "party_id", "name_prefix",
 * "template", "template_version", "seed", "ttl_seconds", "ws_url", "locations": [...]};
 * with a seed, the same body gives the same plan. */
enum api_valid api_validate_cpo(json_t *body, const char *default_ws_url, json_t **plan,
                                json_t **errors);

/* A charger update (PUT): {"ws_url", "ocpp_version", "ca_file" (null clears),
 * "template_name", "charger_ids" (only when allow_ids)}; unknown fields are errors, and
 * at least one change is needed. OK: *changes is a new object of the given changes,
 * *ids a new reference to the charger_ids array or NULL (= every charger). */
enum api_valid api_validate_charger_update(json_t *body, int allow_ids, json_t **changes,
                                           json_t **ids, json_t **errors);

/* A location PATCH: {"name", "address", "city", "postal_code", "country",
 * "coordinates": {"latitude", "longitude"}, "ocpi": {...merged}}. OK: *patch is a new
 * object with "latitude"/"longitude" flattened. */
enum api_valid api_validate_location_patch(json_t *body, json_t **patch, json_t **errors);

/* A custom model for the catalog, POSTed under brand: {"model_slug", "name",
 * "current_type" AC|DC, "max_power_kw", "connector_count", "connector_types", and
 * optionally "brand_name", "vendor", "model" (OCPP's 20 characters), "firmware",
 * "ocpp_versions"}. OK: *doc is the model document the catalog serves. */
enum api_valid api_validate_model(json_t *body, const char *brand, json_t **doc, json_t **errors);

#endif

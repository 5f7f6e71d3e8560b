/* Request validation: checks a whole body and turns it into a plan (JSON) that the
 * orchestrator writes in one statement. Nothing here writes anything; every problem is
 * reported (not only the first) as the seed's HTTPValidationError detail list:
 * [{"loc": ["body", ...path], "msg": "...", "type": "..."}].
 *
 * Identity rules: 1..48 characters (OCPP identifierString of 48), RFC 3986 unreserved
 * characters only (the identity is the last segment of the websocket URL, sent as is);
 * see vc_identity_ok. A ca_file and a ws_url host obey serve's policy (fleet_policy.h).
 *
 * A charger row of a plan: {"identity", and every column of the charger spec
 * (CF_CHARGER_COLUMNS, fleet_spec.h) it sets} (orch_jobs.c reads it).
 * A location of a plan: {"name", "address", "city", "postal_code", "country",
 * "latitude", "longitude", "template", "ocpi", "chargers": [rows]}. */
#ifndef FLEET_VALIDATE_H
#define FLEET_VALIDATE_H

#include <jansson.h>

#include "fleet_valid.h"

#define FLEET_MAX_CHARGERS 100000   /* per request */

/* Body borrowed. OK: *plan is a new reference; its "warnings" (an array of strings,
 * when there are any) say what was done as asked but may surprise (a connector type
 * the model does not list). INVALID: *errors is a new reference to
 * the detail array. NOT_FOUND: *errors is a new JSON string (the 404 detail). */

/* custom (borrowed, may be NULL): the tenant's custom models {"brand/model": doc}
 * (orch_models.h), usable in groups besides the built-in catalog. */

/* A chargers body (array of groups) for one location. taken: JSON object whose keys
 * are the identities the location already has (borrowed, not modified). The plan is
 * {"groups": [group as fleet_expand_group reads it], "count": chargers}: its rows are
 * drawn after the 202 (orch_plans.h), or at once with fleet_expand_plan.
 * ws_url_fallback: the CPO's ws_url or --default-ws-url (NULL: groups must give one). */
enum fleet_valid fleet_validate_chargers(json_t *body, json_t *taken, json_t *custom,
                                     const char *ws_url_fallback, json_t **plan, json_t **errors);

/* A locations body: an array (or {"locations": [...]}) of raw locations or
 * {"template", "overrides"}. A template used several times without an
 * identity_prefix override gets "L01_", "L02_", ... (its nth use) before its prefixes.
 * A raw location's camelCase keys (publishAllowedTo, ...) are its OCPI snake_case
 * fields; country is alpha-2 or alpha-3 (kept alpha-3); timezone, owner_name and
 * public are kept as OCPI time_zone, owner {name} and publish. The overrides of a
 * template (name, address, city, postal_code, country, coordinates, timezone,
 * owner_name, public, parking_type; ocpp_version, identity_prefix, ws_url for every
 * group) are applied. With FLEET_VALID_EMPTY_LOCATIONS no charger is created (a raw
 * location's charges are an error). The plan: {"locations": [...], "warnings"?}. */
#define FLEET_VALID_EMPTY_LOCATIONS 1u
enum fleet_valid fleet_validate_locations(json_t *body, json_t *custom, const char *ws_url_fallback,
                                      unsigned flags, json_t **plan, json_t **errors);

/* A CPO body: {"template", "overrides": {"locations", "chargers_per_location"}, "seed",
 * "ttl_seconds", "ws_url", "country_code" (alpha-2 or alpha-3, kept alpha-2),
 * "party_id", "name_prefix" (given: it starts every identity, "alice_..."), "role"
 * ("cpo")}. An unknown template is NOT_FOUND. The plan: {"country_code", "party_id",
 * "name_prefix", "template", "template_version", "seed", "ttl_seconds", "ws_url",
 * "locations": [...], "warnings"?}; with a seed, the same body gives the same plan. */
enum fleet_valid fleet_validate_cpo(json_t *body, const char *default_ws_url, json_t **plan,
                                json_t **errors);

/* A charger command's arguments, as in POST /ocpp/commands/{command} without its target
 * (also what `chargefleet run` steps give). OK: *args is a new object of the checked
 * arguments; INVALID: *errors is the detail list (loc ["body", field]); NOT_FOUND: no
 * such command. */
enum fleet_valid fleet_validate_command(const char *command, json_t *args, json_t **out,
                                    json_t **errors);

#endif

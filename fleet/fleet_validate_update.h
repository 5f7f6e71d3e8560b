/* Validation of updates and custom models: like fleet_validate.h, the whole body is
 * checked, every problem reported, nothing written. */
#ifndef FLEET_VALIDATE_UPDATE_H
#define FLEET_VALIDATE_UPDATE_H

#include "fleet_validate.h"

/* A charger update (PUT): {"ws_url", "ocpp_version", "ca_file" (null clears),
 * "template_name", "charger_ids" (only when allow_ids)}; unknown fields are errors, and
 * at least one change is needed. OK: *changes is a new object of the given changes,
 * *ids a new reference to the charger_ids array or NULL (= every charger). */
enum fleet_valid fleet_validate_charger_update(json_t *body, int allow_ids, json_t **changes,
                                           json_t **ids, json_t **errors);

/* A location PATCH: {"name", "address", "city", "postal_code", "country",
 * "coordinates": {"latitude", "longitude"}, "ocpi": {...merged}}. OK: *patch is a new
 * object with "latitude"/"longitude" flattened. */
enum fleet_valid fleet_validate_location_patch(json_t *body, json_t **patch, json_t **errors);

/* A custom model for the catalog, POSTed under brand: {"model_slug", "name",
 * "current_type" AC|DC, "max_power_kw", "connector_count", "connector_types", and
 * optionally "brand_name", "vendor", "model" (OCPP's 20 characters), "firmware",
 * "ocpp_versions"}. OK: *doc is the model document the catalog serves. */
enum fleet_valid fleet_validate_model(json_t *body, const char *brand, json_t **doc, json_t **errors);

#endif

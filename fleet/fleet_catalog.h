/* The catalog of real charger models and the CPO / location templates: static data,
 * lookups, and the JSON the galleries serve. Pure (jansson only). */
#ifndef FLEET_CATALOG_H
#define FLEET_CATALOG_H

#include <jansson.h>

#define FLEET_MAX_CONNECTOR_TYPES 3
#define FLEET_MAX_GROUPS 4
#define FLEET_MAX_CYCLE 4

struct fleet_model {
    const char *brand_slug, *brand_name;
    const char *model_slug, *model_name;
    const char *vendor;           /* OCPP chargePointVendor / vendorName (<= 20 chars) */
    const char *model;            /* OCPP chargePointModel / model (<= 20 chars) */
    const char *current;          /* "AC" or "DC" */
    double max_power_kw;
    int connectors;
    const char *connector_types[FLEET_MAX_CONNECTOR_TYPES];   /* NULL-terminated */
    const char *firmware;
    const char *ocpp_version;     /* the version it ships with: the default */
};

struct fleet_group_tmpl {
    const char *brand_slug, *model_slug, *ocpp_version;
    int chargers_number;
    const char *identity_prefix, *template_name;
};

struct fleet_location_tmpl {
    const char *slug, *description, *name, *address, *city, *postal_code, *country;
    const char *parking_type, *latitude, *longitude;
    struct fleet_group_tmpl groups[FLEET_MAX_GROUPS];   /* ended by brand_slug NULL */
};

struct fleet_cpo_tmpl {
    const char *slug, *description;
    int version;
    const char *country_code, *party_id, *name_prefix;
    const char *locations[FLEET_MAX_CYCLE];   /* location templates, cycled; NULL-ended */
    int default_locations;
};

/* Lookups: NULL when unknown. */
const struct fleet_model *fleet_catalog_model(const char *brand, const char *model);
int fleet_catalog_has_brand(const char *brand);
/* 1 when a connector type is a DC one (CCS1, CCS2, CHADEMO, GBT_DC): its cars report
 * their state of charge; the simulator's configuration reads it (sim_spec.c). */
int fleet_connector_dc(const char *type);
const struct fleet_location_tmpl *fleet_location_template(const char *slug);
const struct fleet_cpo_tmpl *fleet_cpo_template(const char *slug);
int fleet_catalog_model_count(void);

/* Charger count of a location template with its own group sizes. */
int fleet_location_template_chargers(const struct fleet_location_tmpl *t);

/* A custom model document (see orch_models.h) as a struct fleet_model whose strings
 * are borrowed from doc. Returns 0, or -1 when doc lacks a field. */
int fleet_model_from_json(json_t *doc, struct fleet_model *m);

/* Gallery / catalog documents (new references; NULL when brand/model unknown).
 * custom: the tenant's custom models, {"brand/model": doc} (borrowed; NULL = none). */
json_t *fleet_catalog_brands_json(json_t *custom);
json_t *fleet_catalog_models_json(const char *brand, json_t *custom);
json_t *fleet_catalog_model_json(const char *brand, const char *model, json_t *custom);
/* Template galleries, filtered by current type ("AC", "DC", "AC-DC": what the
 * template's chargers are) and OCPP version (one its groups use); NULL = any. Each item
 * says its current_type and ocpp_versions. */
json_t *fleet_templates_cpo_json(const char *type, const char *version);
json_t *fleet_templates_location_json(const char *type, const char *version);
/* 1 when both filters are NULL or valid values. */
int fleet_gallery_filter_ok(const char *type, const char *version);

#endif

/* The catalog of real charger models and the CPO / location templates: static data,
 * lookups, and the JSON the galleries serve. Pure (jansson only). */
#ifndef ORCH_CATALOG_H
#define ORCH_CATALOG_H

#include <jansson.h>

#define ORCH_MAX_CONNECTOR_TYPES 3
#define ORCH_MAX_GROUPS 4
#define ORCH_MAX_CYCLE 4

struct orch_model {
    const char *brand_slug, *brand_name;
    const char *model_slug, *model_name;
    const char *vendor;           /* OCPP chargePointVendor / vendorName (<= 20 chars) */
    const char *model;            /* OCPP chargePointModel / model (<= 20 chars) */
    const char *current;          /* "AC" or "DC" */
    double max_power_kw;
    int connectors;
    const char *connector_types[ORCH_MAX_CONNECTOR_TYPES];   /* NULL-terminated */
    const char *firmware;
    const char *ocpp_version;     /* the version it ships with: the default */
};

struct orch_group_tmpl {
    const char *brand_slug, *model_slug, *ocpp_version;
    int chargers_number;
    const char *identity_prefix, *template_name;
};

struct orch_location_tmpl {
    const char *slug, *description, *name, *address, *city, *postal_code, *country;
    const char *parking_type, *latitude, *longitude;
    struct orch_group_tmpl groups[ORCH_MAX_GROUPS];   /* ended by brand_slug NULL */
};

struct orch_cpo_tmpl {
    const char *slug, *description;
    int version;
    const char *country_code, *party_id, *name_prefix;
    const char *locations[ORCH_MAX_CYCLE];   /* location templates, cycled; NULL-ended */
    int default_locations;
};

/* Lookups: NULL when unknown. */
const struct orch_model *orch_catalog_model(const char *brand, const char *model);
int orch_catalog_has_brand(const char *brand);
/* 1 when a connector type is a DC one (CCS1, CCS2, CHADEMO, GBT_DC): its cars report
 * their state of charge. The runtime's claim query says the same in SQL. */
int orch_connector_dc(const char *type);
const struct orch_location_tmpl *orch_location_template(const char *slug);
const struct orch_cpo_tmpl *orch_cpo_template(const char *slug);
int orch_catalog_model_count(void);

/* Charger count of a location template with its own group sizes. */
int orch_location_template_chargers(const struct orch_location_tmpl *t);

/* A custom model document (see orch_models.h) as a struct orch_model whose strings
 * are borrowed from doc. Returns 0, or -1 when doc lacks a field. */
int orch_model_from_json(json_t *doc, struct orch_model *m);

/* Gallery / catalog documents (new references; NULL when brand/model unknown).
 * custom: the tenant's custom models, {"brand/model": doc} (borrowed; NULL = none). */
json_t *orch_catalog_brands_json(json_t *custom);
json_t *orch_catalog_models_json(const char *brand, json_t *custom);
json_t *orch_catalog_model_json(const char *brand, const char *model, json_t *custom);
/* Template galleries, filtered by current type ("AC", "DC", "AC-DC": what the
 * template's chargers are) and OCPP version (one its groups use); NULL = any. Each item
 * says its current_type and ocpp_versions. */
json_t *orch_templates_cpo_json(const char *type, const char *version);
json_t *orch_templates_location_json(const char *type, const char *version);
/* 1 when both filters are NULL or valid values. */
int orch_gallery_filter_ok(const char *type, const char *version);

#endif

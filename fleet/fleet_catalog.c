#include "fleet_catalog.h"
#include "fleet_version.h"

#include <stdio.h>
#include <string.h>

/* Real models, public spec-sheet figures (max power, connectors). */
static const struct fleet_model models[] = {
    {"schneider", "Schneider Electric", "evlink-pro-ac-22kw", "EVlink Pro AC 22 kW",
     "Schneider Electric", "EVlink Pro AC", "AC", 22, 1, {"TYPE2"}, "3.4.0.12", "OCPP1.6"},
    {"wallbox", "Wallbox", "wallbox-pulsar-plus", "Pulsar Plus", "Wallbox", "Pulsar Plus",
     "AC", 11, 1, {"TYPE2"}, "5.17.25", "OCPP1.6"},
    {"abb", "ABB", "terra-ac-w22", "Terra AC W22-T", "ABB", "Terra AC W22-T-0", "AC", 22, 1,
     {"TYPE2"}, "1.6.8", "OCPP1.6"},
    {"abb", "ABB", "terra-184", "Terra 184", "ABB", "Terra 184", "DC", 180, 2,
     {"CCS2", "CHADEMO"}, "1.8.31", "OCPP2.0.1"},
    {"alpitronic", "Alpitronic", "hypercharger-hyc300", "Hypercharger HYC300", "alpitronic",
     "HYC300", "DC", 300, 2, {"CCS2"}, "2.4.1", "OCPP2.0.1"},
    {"kempower", "Kempower", "c-series-40", "C-Series 40 kW", "Kempower", "C40", "DC", 40, 1,
     {"CCS2"}, "1.31.2", "OCPP1.6"},
    {"easee", "Easee", "easee-home", "Easee Home", "Easee", "Home", "AC", 22, 1, {"TYPE2"},
     "302", "OCPP1.6"},
    {"alfen", "Alfen", "eve-double-pro-line", "Eve Double Pro-line", "Alfen BV",
     "NG920-61023", "AC", 22, 2, {"TYPE2"}, "6.4.0-4210", "OCPP1.6"},
    {"zaptec", "Zaptec", "zaptec-go", "Zaptec Go", "Zaptec", "Go", "AC", 22, 1, {"TYPE2"},
     "2.2.2.4", "OCPP1.6"},
    {"tritium", "Tritium", "pkm150", "PKM150", "Tritium", "PKM150", "DC", 150, 1,
     {"CCS2"}, "1.4.1", "OCPP2.0.1"},
};
#define N_MODELS (int)(sizeof(models) / sizeof(models[0]))

static const struct fleet_location_tmpl locations[] = {
    {"urban-ac-hub", "City-centre AC hub: curbside 22 kW posts", "Urban AC hub",
     "Keizersgracht 100", "Amsterdam", "1015 CV", "NLD", "ON_STREET", "52.370216", "4.885232",
     {{"schneider", "evlink-pro-ac-22kw", "OCPP1.6", 4, "UAH_", "EVlink"},
      {"alfen", "eve-double-pro-line", "OCPP1.6", 2, "UAH_ALF_", "Eve"}}},
    {"highway-dc-station", "Motorway DC fast-charging station", "Highway DC station",
     "Raststaette Garbsen Nord, A2", "Garbsen", "30823", "DEU", "ALONG_MOTORWAY", "52.428421",
     "9.597778",
     {{"alpitronic", "hypercharger-hyc300", "OCPP2.0.1", 4, "HDC_", "HYC300"},
      {"abb", "terra-184", "OCPP2.0.1", 2, "HDC_ABB_", "Terra"}}},
    {"residential-ac-single", "One home wallbox in a private driveway", "Residential wallbox",
     "Oudegracht 12", "Utrecht", "3511 AL", "NLD", "ON_DRIVEWAY", "52.090737", "5.121420",
     {{"wallbox", "wallbox-pulsar-plus", "OCPP1.6", 1, "RES_", "Pulsar"}}},
};
#define N_LOCATIONS (int)(sizeof(locations) / sizeof(locations[0]))

static const struct fleet_cpo_tmpl cpos[] = {
    {"small-urban-ac", "Small urban AC network: a few city hubs", 1, "NL", "SUA",
     "Small Urban", {"urban-ac-hub"}, 3},
    {"highway-corridor-dc", "Motorway corridor of DC fast-charging stations", 1, "DE", "HWC",
     "Highway Corridor", {"highway-dc-station"}, 2},
    {"mixed-city", "A city network: AC hubs, home wallboxes and a DC station", 1, "NL", "MXC",
     "Mixed City", {"urban-ac-hub", "residential-ac-single", "highway-dc-station"}, 3},
    {"residential-estate", "Home wallboxes of a residential estate", 1, "NL", "RES",
     "Residential", {"residential-ac-single"}, 5},
};
#define N_CPOS (int)(sizeof(cpos) / sizeof(cpos[0]))

const struct fleet_model *fleet_catalog_model(const char *brand, const char *model)
{
    for (int i = 0; brand && model && i < N_MODELS; i++) {
        if (strcmp(models[i].brand_slug, brand) == 0 && strcmp(models[i].model_slug, model) == 0)
            return &models[i];
    }
    return NULL;
}

int fleet_catalog_has_brand(const char *brand)
{
    for (int i = 0; brand && i < N_MODELS; i++) {
        if (strcmp(models[i].brand_slug, brand) == 0)
            return 1;
    }
    return 0;
}

int fleet_catalog_model_count(void)
{
    return N_MODELS;
}

const struct fleet_location_tmpl *fleet_location_template(const char *slug)
{
    for (int i = 0; slug && i < N_LOCATIONS; i++) {
        if (strcmp(locations[i].slug, slug) == 0)
            return &locations[i];
    }
    return NULL;
}

const struct fleet_cpo_tmpl *fleet_cpo_template(const char *slug)
{
    for (int i = 0; slug && i < N_CPOS; i++) {
        if (strcmp(cpos[i].slug, slug) == 0)
            return &cpos[i];
    }
    return NULL;
}

int fleet_location_template_chargers(const struct fleet_location_tmpl *t)
{
    int n = 0;

    for (int g = 0; g < FLEET_MAX_GROUPS && t->groups[g].brand_slug; g++)
        n += t->groups[g].chargers_number;
    return n;
}

static json_t *model_json(const struct fleet_model *m)
{
    json_t *types = json_array();

    for (int i = 0; i < FLEET_MAX_CONNECTOR_TYPES && m->connector_types[i]; i++)
        json_array_append_new(types, json_string(m->connector_types[i]));
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:i,s:i,s:o,s:s,s:s,s:o,s:b}",
                     "brand_slug", m->brand_slug, "brand_name", m->brand_name,
                     "model_slug", m->model_slug, "name", m->model_name, "vendor", m->vendor,
                     "model", m->model, "current_type", m->current,
                     "max_power_kw", m->max_power_kw, "connectors", m->connectors,
                     "connector_count", m->connectors, "connector_types", types,
                     "firmware", m->firmware, "ocpp_version", m->ocpp_version,
                     "ocpp_versions", fleet_versions_json(FLEET_VERSIONS_ALL), "custom", 0);
}

int fleet_model_from_json(json_t *doc, struct fleet_model *m)
{
    json_t *types = json_object_get(doc, "connector_types"), *t;
    size_t i;

    memset(m, 0, sizeof *m);
    m->brand_slug = json_string_value(json_object_get(doc, "brand_slug"));
    m->brand_name = json_string_value(json_object_get(doc, "brand_name"));
    m->model_slug = json_string_value(json_object_get(doc, "model_slug"));
    m->model_name = json_string_value(json_object_get(doc, "name"));
    m->vendor = json_string_value(json_object_get(doc, "vendor"));
    m->model = json_string_value(json_object_get(doc, "model"));
    m->current = json_string_value(json_object_get(doc, "current_type"));
    m->max_power_kw = json_number_value(json_object_get(doc, "max_power_kw"));
    m->connectors = (int)json_integer_value(json_object_get(doc, "connectors"));
    m->firmware = json_string_value(json_object_get(doc, "firmware"));
    m->ocpp_version = json_string_value(json_object_get(doc, "ocpp_version"));
    json_array_foreach(types, i, t) {
        if (i < FLEET_MAX_CONNECTOR_TYPES)
            m->connector_types[i] = json_string_value(t);
    }
    return m->brand_slug && m->model_slug && m->model_name && m->vendor && m->model &&
           m->current && m->connectors > 0 && m->connector_types[0] && m->firmware &&
           m->ocpp_version ? 0 : -1;
}

/* The tenant's custom models of brand (all brands when NULL), in slug order. */
static json_t *custom_of(json_t *custom, const char *brand)
{
    json_t *out = json_array(), *doc;
    const char *key;

    json_object_foreach(custom, key, doc) {
        if (!brand || strcmp(json_string_value(json_object_get(doc, "brand_slug")), brand) == 0)
            json_array_append(out, doc);
    }
    return out;
}

json_t *fleet_catalog_brands_json(json_t *custom)
{
    json_t *data = json_array(), *extra = custom_of(custom, NULL), *doc, *b;
    size_t k, n;

    for (int i = 0; i < N_MODELS; i++) {
        if (i > 0 && strcmp(models[i - 1].brand_slug, models[i].brand_slug) == 0)
            continue;
        json_t *names = json_array();
        for (int j = i; j < N_MODELS && strcmp(models[j].brand_slug, models[i].brand_slug) == 0; j++)
            json_array_append_new(names, json_string(models[j].model_slug));
        json_array_append_new(data, json_pack("{s:s,s:s,s:o}", "slug", models[i].brand_slug,
                                              "name", models[i].brand_name, "models", names));
    }
    /* custom models join their brand, or make a new one */
    json_array_foreach(extra, k, doc) {
        const char *slug = json_string_value(json_object_get(doc, "brand_slug"));
        json_t *brand = NULL;
        json_array_foreach(data, n, b) {
            if (strcmp(json_string_value(json_object_get(b, "slug")), slug) == 0)
                brand = b;
        }
        if (!brand) {
            brand = json_pack("{s:s,s:O,s:[]}", "slug", slug, "name",
                              json_object_get(doc, "brand_name"), "models");
            json_array_append_new(data, brand);
        }
        json_array_append(json_object_get(brand, "models"), json_object_get(doc, "model_slug"));
    }
    json_t *r = json_pack("{s:I,s:o,s:I}", "total", (json_int_t)json_array_size(data), "data",
                          data, "models", (json_int_t)(N_MODELS + json_array_size(extra)));
    json_decref(extra);
    return r;
}

json_t *fleet_catalog_models_json(const char *brand, json_t *custom)
{
    json_t *data = json_array(), *extra = custom_of(custom, brand);

    for (int i = 0; i < N_MODELS; i++) {
        if (strcmp(models[i].brand_slug, brand) == 0)
            json_array_append_new(data, model_json(&models[i]));
    }
    json_array_extend(data, extra);
    json_decref(extra);
    if (json_array_size(data) == 0) {
        json_decref(data);
        return NULL;
    }
    return json_pack("{s:s,s:o,s:I}", "brand", brand, "data", data,
                     "total", (json_int_t)json_array_size(data));
}

json_t *fleet_catalog_model_json(const char *brand, const char *model, json_t *custom)
{
    const struct fleet_model *m = fleet_catalog_model(brand, model);
    char key[200];

    if (m)
        return model_json(m);
    snprintf(key, sizeof key, "%s/%s", brand, model);
    json_t *doc = json_object_get(custom, key);
    return doc ? json_incref(doc) : NULL;
}

static json_t *groups_json(const struct fleet_location_tmpl *t)
{
    json_t *groups = json_array();

    for (int g = 0; g < FLEET_MAX_GROUPS && t->groups[g].brand_slug; g++) {
        const struct fleet_group_tmpl *gt = &t->groups[g];
        json_array_append_new(groups, json_pack(
            "{s:{s:s,s:s,s:s,s:s,s:s},s:i}", "template", "brand_slug", gt->brand_slug,
            "model_slug", gt->model_slug, "ocpp_version", gt->ocpp_version,
            "identity_prefix", gt->identity_prefix, "template_name", gt->template_name,
            "chargers_number", gt->chargers_number));
    }
    return groups;
}

/* What a template's chargers are: current bits (1 AC, 2 DC) and the versions of its
 * groups (fleet_version.h's bits). */
static void location_kinds(const struct fleet_location_tmpl *t, int *cur, int *ver)
{
    for (int g = 0; g < FLEET_MAX_GROUPS && t->groups[g].brand_slug; g++) {
        const struct fleet_model *m = fleet_catalog_model(t->groups[g].brand_slug,
                                                        t->groups[g].model_slug);
        *cur |= m && strcmp(m->current, "DC") == 0 ? 2 : 1;
        *ver |= fleet_version_bit(t->groups[g].ocpp_version);
    }
}

static const char *const CURRENT_NAMES[] = {"", "AC", "DC", "AC-DC"};

/* Adds current_type and ocpp_versions to a gallery item; 1 when it passes the filters. */
static int describe(json_t *item, int cur, int ver, const char *type, const char *version)
{
    json_t *vers = fleet_versions_json((unsigned)ver);

    json_object_set_new(item, "current_type", json_string(CURRENT_NAMES[cur & 3]));
    json_object_set_new(item, "ocpp_versions", vers);
    if (type && strcmp(type, CURRENT_NAMES[cur & 3]) != 0)
        return 0;
    if (version && !((unsigned)ver & fleet_version_bit(version)))
        return 0;
    return 1;
}

int fleet_gallery_filter_ok(const char *type, const char *version)
{
    int ok = 1;
    if (type)
        ok &= strcmp(type, "AC") == 0 || strcmp(type, "DC") == 0 || strcmp(type, "AC-DC") == 0;
    if (version)
        ok &= fleet_version_bit(version) != 0;
    return ok;
}

json_t *fleet_templates_location_json(const char *type, const char *version)
{
    json_t *data = json_array();

    for (int i = 0; i < N_LOCATIONS; i++) {
        const struct fleet_location_tmpl *t = &locations[i];
        int cur = 0, ver = 0;
        json_t *item = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:i,s:o,s:s}", "slug", t->slug,
            "description", t->description, "type", "location", "name", t->name,
            "address", t->address, "city", t->city, "postal_code", t->postal_code,
            "country", t->country, "coordinates", "latitude", t->latitude,
            "longitude", t->longitude, "chargers", fleet_location_template_chargers(t),
            "groups", groups_json(t), "parking_type", t->parking_type);
        location_kinds(t, &cur, &ver);
        if (describe(item, cur, ver, type, version))
            json_array_append_new(data, item);
        else
            json_decref(item);
    }
    return json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(data), "data", data);
}

json_t *fleet_templates_cpo_json(const char *type, const char *version)
{
    json_t *data = json_array();

    for (int i = 0; i < N_CPOS; i++) {
        const struct fleet_cpo_tmpl *t = &cpos[i];
        json_t *locs = json_array();
        int chargers = 0, cycle = 0, cur = 0, ver = 0;
        while (cycle < FLEET_MAX_CYCLE && t->locations[cycle])
            cycle++;
        for (int k = 0; k < t->default_locations; k++)
            chargers += fleet_location_template_chargers(
                fleet_location_template(t->locations[k % cycle]));
        for (int k = 0; k < cycle; k++) {
            json_array_append_new(locs, json_string(t->locations[k]));
            location_kinds(fleet_location_template(t->locations[k]), &cur, &ver);
        }
        json_t *item = json_pack(
            "{s:s,s:i,s:s,s:s,s:i,s:n,s:i,s:o,s:s,s:s,s:s}", "slug", t->slug,
            "version", t->version, "description", t->description, "type", "cpo",
            "locations", t->default_locations, "chargers_per_location", "chargers", chargers,
            "location_templates", locs, "country_code", t->country_code,
            "party_id", t->party_id, "name_prefix", t->name_prefix);
        if (describe(item, cur, ver, type, version))
            json_array_append_new(data, item);
        else
            json_decref(item);
    }
    return json_pack("{s:I,s:o}", "total", (json_int_t)json_array_size(data), "data", data);
}

int fleet_connector_dc(const char *type)
{
    static const char *const dc[] = {"CCS1", "CCS2", "CHADEMO", "GBT_DC"};
    for (size_t i = 0; i < sizeof dc / sizeof dc[0]; i++)
        if (!strcmp(type, dc[i]))
            return 1;
    return 0;
}

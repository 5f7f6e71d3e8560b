/* The catalog (built-in models plus the tenant's custom ones) and the template
 * galleries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_handlers.h"
#include "fleet_catalog.h"
#include "orch_models.h"
#include "fleet_version.h"

/* The catalog document the path names (brands, a brand's models, one model), once the
 * tenant's custom models are known. */
static void catalog_with(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (answer_failure(op, st, detail, "catalog")) {
        op_free(op);
        return;
    }
    json_t *custom = parse_doc(json), *models = json_object_get(custom, "models");
    json_t *doc = op->p[1][0] ? fleet_catalog_model_json(op->p[0], op->p[1], models)
                  : op->p[0][0] ? fleet_catalog_models_json(op->p[0], models)
                                : fleet_catalog_brands_json(models);
    if (doc)
        api_req_respond_json(op->req, 200, doc);
    else
        api_req_error(op->req, 404, "%s not found (see GET /ocpp/catalog/brands)",
                      op->p[1][0] ? "model" : "brand");
    json_decref(custom);
    op_free(op);
}

void get_catalog(struct op *op)
{
    orch_custom_models(op->api->db, op->tenant, catalog_with, op);
}

static void model_added(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (st == ORCH_CONFLICT)
        api_req_error(op->req, 409, "this tenant has model %s/%s already", op->p[0],
                      json_string_value(json_object_get(op->body, "model_slug")));
    else if (!answer_failure(op, st, detail, "catalog"))
        api_req_respond_text(op->req, 201, json);
    op_free(op);
}

void post_model(struct op *op)
{
    json_t *doc = NULL, *errors = NULL;
    enum fleet_valid v = fleet_validate_model(op->body, op->p[0], &doc, &errors);

    if (answer_invalid(op, v, errors)) {
        op_free(op);
        return;
    }
    const char *slug = json_string_value(json_object_get(doc, "model_slug"));
    if (fleet_catalog_model(op->p[0], slug)) {
        api_req_error(op->req, 409, "%s/%s is a built-in model", op->p[0], slug);
        json_decref(doc);
        op_free(op);
        return;
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    orch_add_model(op->api->db, op->tenant, op->p[0], slug, text, model_added, op);
    free(text);
    json_decref(doc);
}

/* ---- galleries: ?type=AC|DC|AC-DC&ocpp_version=OCPP1.6|OCPP2.0.1 ---- */

static void gallery(struct op *op, json_t *(*make)(const char *type, const char *version))
{
    const char *type = api_req_arg(op->req, "type");
    const char *version = api_req_arg(op->req, "ocpp_version");
    char names[80];

    if (!fleet_gallery_filter_ok(type, NULL))
        api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s,s],s:s,s:s}]}", "detail",
            "loc", "query", "type", "msg", "type must be one of: AC, DC, AC-DC", "type",
            "value_error.const"));
    else if (!fleet_gallery_filter_ok(NULL, version))
        api_req_respond_json(op->req, 422, json_pack("{s:[{s:[s,s],s:s+,s:s}]}", "detail",
            "loc", "query", "ocpp_version", "msg", "ocpp_version must be one of: ",
            fleet_versions_text(names, sizeof names, "", ", "), "type", "value_error.const"));
    else
        api_req_respond_json(op->req, 200, make(type, version));
    op_free(op);
}

void get_cpo_templates(struct op *op) { gallery(op, fleet_templates_cpo_json); }
void get_location_templates(struct op *op) { gallery(op, fleet_templates_location_json); }

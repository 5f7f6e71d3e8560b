/* Charger models a tenant adds to the catalog, stored in catalog_models. The
 * built-in models are static (fleet_catalog); these join them for that tenant only. */
#ifndef ORCH_MODELS_H
#define ORCH_MODELS_H

#include "orch_query.h"

/* The SQL expression of the tenant's ($2) custom models as {"brand/model": doc},
 * for the create contexts (orch_jobs.c). */
#define ORCH_SQL_CUSTOM_MODELS(tenant)                                                  \
    "COALESCE((SELECT json_object_agg(m.brand_slug || '/' || m.model_slug, m.doc "      \
    "  ORDER BY m.brand_slug, m.model_slug) FROM catalog_models m "                     \
    "  WHERE m.tenant = " tenant "), '{}'::json)"

/* {"models": {"brand/model": doc, ...}} */
void orch_custom_models(struct db *db, const char *tenant, orch_json_cb cb, void *arg);

/* Stores doc (a checked model document, JSON text) for the tenant. ORCH_CONFLICT when
 * the tenant has that brand/model already. Answers the stored doc. */
void orch_add_model(struct db *db, const char *tenant, const char *brand, const char *model,
                    const char *doc, orch_json_cb cb, void *arg);

#endif

#include "orch_models.h"

void orch_custom_models(struct db *db, const char *tenant, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant};
    orch_query_json(db, "SELECT json_build_object('models', " ORCH_SQL_CUSTOM_MODELS("$1") ")",
                    1, p, cb, arg);
}

void orch_add_model(struct db *db, const char *tenant, const char *brand, const char *model,
                    const char *doc, orch_json_cb cb, void *arg)
{
    const char *p[] = {tenant, brand, model, doc};
    orch_query_json(db, "INSERT INTO catalog_models (tenant, brand_slug, model_slug, doc) "
                        "VALUES ($1, $2, $3, $4::jsonb) RETURNING doc::json", 4, p, cb, arg);
}

-- chargefleet schema, version 4: charger models a tenant adds to the catalog
-- (POST /ocpp/catalog/brands/{brand}/models). `doc` is the model as the catalog
-- serves it; groups of that tenant may then use brand_slug/model_slug.
CREATE TABLE catalog_models (
    tenant      text NOT NULL,
    brand_slug  text NOT NULL,
    model_slug  text NOT NULL,
    doc         jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, brand_slug, model_slug)
);

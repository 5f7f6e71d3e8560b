#include "sim_spec.h"

#include "fleet_catalog.h"

void sim_cfg_from_spec(struct sim_charger_cfg *cfg, const struct cf_charger_spec *s)
{
    cfg->identity = s->identity;
    cfg->ws_url = s->ws_url;
    cfg->ca_file = s->ca_file;
    cfg->version = ocpp_version_by_name(s->ocpp_version);
    cfg->info.vendor = s->vendor;
    cfg->info.model = s->model;
    cfg->info.serial = s->serial;
    cfg->info.firmware = s->firmware;
    cfg->info.connectors = s->connectors;
    cfg->max_power_w = s->max_power_kw * 1000;
    cfg->dc = s->connector_type && fleet_connector_dc(s->connector_type);
    cfg->security_profile = s->security_profile;
    cfg->password = s->basic_password;
    cfg->ca_pem = s->ca_pem;
    cfg->client_cert_pem = s->client_cert_pem;
    cfg->client_key_pem = s->client_key_pem;
    cfg->behavior = s->behavior;
}

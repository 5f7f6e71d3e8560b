/* A charger's simulator configuration from its spec (fleet_spec.h): the one mapping both
 * runtimes that start chargers use, serve's and a worker's (orch_runtime.c, from the
 * database) and a run's (run_engine.c, from a plan). */
#ifndef SIM_SPEC_H
#define SIM_SPEC_H

#include "fleet_spec.h"
#include "sim_runtime.h"

/* Sets the members of cfg a spec says (identity, ws_url, ca_file, version, station info,
 * power, DC, security, behavior); leaves the others (provisioned, step_failed,
 * start_delay_ms) as they are. Strings and behavior are borrowed from s. version is
 * s->ocpp_version's (NULL when there is no such version). */
void sim_cfg_from_spec(struct sim_charger_cfg *cfg, const struct cf_charger_spec *s);

#endif

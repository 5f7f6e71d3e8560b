/* Private to simulator/: smart charging (sim_profile.c): installed charging profiles,
 * the composite limit on a session, the CSMS's profile calls. */
#ifndef SIM_PROFILE_H
#define SIM_PROFILE_H

#include "sim_handler.h"
#include "sim_station.h"

/* The 1.6 connectorId / 2.0.1 evseId of status target t. */
int sim__unit_id(const struct sim_charger *ch, int t);
/* The composite limit on connector t's session now, W; -1 when none. */
double sim__profile_limit_w(const struct sim_charger *ch, int t, const struct sim_tx *tx);
/* Installs a copy of p (raw: as sent, borrowed) unless the charger refuses it (returns
 * why). */
const char *sim__profile_install(struct sim_charger *ch, const struct ocpp_profile *p,
                                json_t *raw);
/* Connector t's session ended: its TxProfiles go. */
void sim__profile_session_ended(struct sim_charger *ch, int t);
/* Handlers: SetChargingProfile, ClearChargingProfile, GetCompositeSchedule,
 * GetChargingProfiles. */
sim__handler_fn sim__profile_csms_set;
sim__handler_fn sim__profile_csms_clear;
sim__handler_fn sim__profile_csms_composite;
sim__handler_fn sim__profile_csms_get;
void sim__profile_free(struct sim_charger *ch);

#endif

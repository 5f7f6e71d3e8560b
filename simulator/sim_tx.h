/* Private to simulator/: charging sessions and the meter (sim_tx.c). */
#ifndef SIM_TX_H
#define SIM_TX_H

#include "sim_handler.h"
#include "sim_station.h"

/* The connector (1.6 connectorId / 2.0.1 evseId; 0 = the first free) that can start a
 * session for id_tag now (available, or reserved for id_tag), as a status target index,
 * or -1. */
int sim__tx_free_target(struct sim_charger *ch, int evse_id, const char *id_tag);
/* A session started at the charger (REST): Authorize, then the session on Accepted;
 * or at once from the local list (offline with LocalAuthorizeOffline, or with
 * LocalPreAuthorize). Returns 0 authorizing, 1 started, -1 refused (offline and the
 * local list does not accept the id). */
int sim__tx_start_local(struct sim_charger *ch, int t, const char *id_tag, const char *id_type);
/* Handlers: RemoteStart / RequestStartTransaction, RemoteStop / RequestStopTransaction. */
sim__handler_fn sim__tx_csms_remote_start;
sim__handler_fn sim__tx_csms_remote_stop;
/* Ends connector t's session (if any) / every session. */
void sim__tx_end(struct sim_charger *ch, int t, enum ocpp_tx_cause cause);
void sim__tx_end_all(struct sim_charger *ch, enum ocpp_tx_cause cause);
/* The car side: plug / unplug a cable on t (unplugging ends its session), the car
 * suspending / resuming energy. NULL, or why not. */
const char *sim__tx_cable(struct sim_charger *ch, int t, int plug);
const char *sim__tx_ev_pause(struct sim_charger *ch, int t, int pause);
/* Sessions running on target t (every target when t < 0). */
int sim__tx_count(const struct sim_charger *ch, int t);
/* TriggerMessage MeterValues / (tx_event) TransactionEvent for target t (< 0: all). */
void sim__tx_triggered(struct sim_charger *ch, int t, int tx_event);
/* MeterValueSampleInterval changed (or a session started / ended): the sample timer
 * follows. */
void sim__tx_rearm(struct sim_charger *ch);
/* The charging profiles changed: every session takes its new power now. */
void sim__tx_limits_changed(struct sim_charger *ch);
/* Connector t's register now (the energy since the last sample included). */
double sim__tx_energy_now(const struct sim_charger *ch, int t);
/* Frees the sessions and the meter (its timers are closed). */
void sim__tx_free(struct sim_charger *ch);

#endif

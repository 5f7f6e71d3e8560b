/* Private to simulator/: one charge point's lifecycle (sim_charger.c): start, connect
 * (paced by the runtime), the websocket's events, boot (sim_boot.c) once it is up,
 * connection lost: reconnect with exponential backoff and jitter; switched off / on,
 * reboot, stop, freed late. The top of a charger: it owns the websocket's and the CALL
 * queue's events, passes the CSMS's frames to the dispatch and does what the handler
 * says should follow. */
#ifndef SIM_CHARGER_H
#define SIM_CHARGER_H

#include "sim_station.h"

/* Closes the websocket once every queued frame and CALL is through, then reconnects and
 * boots again with `why` (a Reset, a REST restart). */
void sim__reboot(struct sim_charger *ch, enum ocpp_boot_reason why);
/* Switches the charger off (the websocket closes once its queue is through; no
 * reconnect) or on again (it connects and boots). */
void sim__power(struct sim_charger *ch, int on);

#endif

/* Private to simulator/: a connected charger's boot state machine (sim_boot.c):
 * BootNotification and its outcomes (Accepted: StatusNotification of every connector,
 * then Heartbeat at the CSMS's interval; Pending / Rejected / a CallError: boot again
 * after the interval or a backoff; no answer: the connection goes), the provision
 * deadline (the step FAILED, said once; the charger goes on trying) and the waits
 * between tries, on the charger's one timer. Below the lifecycle (sim_charger.c). */
#ifndef SIM_BOOT_H
#define SIM_BOOT_H

#include "sim_station.h"

/* Queues a BootNotification (reason ch->boot_reason); its answer is handled here. */
void sim__boot_send(struct sim_charger *ch);
/* Exponential backoff with jitter for the next reconnect / boot after an error. */
uint64_t sim__boot_backoff_ms(const struct sim_charger *ch);
/* The charger connects again in delay_ms (the owner hears why it waits). */
void sim__boot_reconnect_later(struct sim_charger *ch, uint64_t delay_ms);
/* Its first connect comes in delay_ms (a job's connect_rate), clamped to the deadline. */
void sim__boot_first_connect_in(struct sim_charger *ch, uint64_t delay_ms);
/* The heartbeat timer starts again at ch->heartbeat_s. */
void sim__boot_heartbeat_restart(struct sim_charger *ch);

#endif

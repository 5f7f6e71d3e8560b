/* Private to simulator/: reservations (sim_reserve.c). */
#ifndef SIM_RESERVE_H
#define SIM_RESERVE_H

#include "sim_handler.h"
#include "sim_station.h"

/* Handlers: ReserveNow, CancelReservation. */
sim__handler_fn sim__reserve_csms_reserve;
sim__handler_fn sim__reserve_csms_cancel;
/* A session for id_tag starts on t: its reservation is used (returns its id) or -1. */
int sim__reservation_use(struct sim_charger *ch, int t, const char *id_tag);

#endif

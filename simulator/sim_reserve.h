/* Private to simulator/: reservations (sim_reserve.c). */
#ifndef SIM_RESERVE_H
#define SIM_RESERVE_H

#include "sim_handler.h"
#include "sim_station.h"

/* Handlers: ReserveNow, CancelReservation. */
enum sim__next sim__reserve_csms_reserve(struct sim_charger *ch, json_t *payload,
                                        const union sim__request *req, struct sim__reply *r);
enum sim__next sim__reserve_csms_cancel(struct sim_charger *ch, json_t *payload,
                                       const union sim__request *req, struct sim__reply *r);
/* A session for id_tag starts on t: its reservation is used (returns its id) or -1. */
int sim__reservation_use(struct sim_charger *ch, int t, const char *id_tag);

#endif

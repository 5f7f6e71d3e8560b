/* Private to simulator/: the local authorization list (sim_local.c). */
#ifndef SIM_LOCAL_H
#define SIM_LOCAL_H

#include "sim_handler.h"
#include "sim_station.h"

/* Handlers: SendLocalList, GetLocalListVersion. */
sim__handler_fn sim__local_csms_send;
sim__handler_fn sim__local_csms_version;
/* 1 the list accepts id_tag, 0 it lists it otherwise, -1 it does not list it. */
int sim__local_status(const struct sim_charger *ch, const char *id_tag);

#endif

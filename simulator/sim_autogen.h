/* Private to simulator/: the automatic session generator, template "sessions"
 * (sim_autogen.c). */
#ifndef SIM_AUTOGEN_H
#define SIM_AUTOGEN_H

#include <jansson.h>

#include "sim_station.h"

/* Starts the generator of sessions (borrowed: the template's "sessions"). */
void sim__autogen_start(struct sim_charger *ch, json_t *sessions);
int sim__autogen_set(struct sim_charger *ch, int on);      /* -1: the charger has none */
/* A session ended or the charger came back: the next generated session is planned. */
void sim__autogen_rearm(struct sim_charger *ch);
/* Stops it (its timer closes; hooks->handle_closed). */
void sim__autogen_stop(struct sim_charger *ch);

#endif

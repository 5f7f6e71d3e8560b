/* Private to simulator/: a charger's live state as JSON (sim_live.c). The function is
 * public (sim_charger_live in sim_runtime.h); the owner hears of changes through
 * sim__touch (sim_station.h). */
#ifndef SIM_LIVE_H
#define SIM_LIVE_H

#include "sim_runtime.h"

#endif

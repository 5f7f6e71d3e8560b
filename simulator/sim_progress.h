/* Private to simulator/: firmware updates, diagnostics / log uploads, simulated as
 * status progressions (sim_progress.c). */
#ifndef SIM_PROGRESS_H
#define SIM_PROGRESS_H

#include "sim_handler.h"
#include "sim_station.h"

/* Handlers: UpdateFirmware, GetDiagnostics / GetLog. */
sim__handler_fn sim__progress_csms_firmware;
sim__handler_fn sim__progress_csms_diagnostics;
/* Stops every progression (their timers close; hooks->handle_closed for each). */
void sim__progress_stop_all(struct sim_charger *ch);

#endif

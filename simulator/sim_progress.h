/* Private to simulator/: firmware updates, diagnostics / log uploads, simulated as
 * status progressions (sim_progress.c). */
#ifndef SIM_PROGRESS_H
#define SIM_PROGRESS_H

#include "sim_handler.h"
#include "sim_station.h"

/* Handlers: UpdateFirmware, GetDiagnostics / GetLog. */
enum sim__next sim__progress_csms_firmware(struct sim_charger *ch, json_t *payload,
                                          const union sim__request *req,
                                          struct sim__reply *r);
enum sim__next sim__progress_csms_diagnostics(struct sim_charger *ch, json_t *payload,
                                             const union sim__request *req,
                                             struct sim__reply *r);
/* Stops every progression (their timers close; hooks->handle_closed for each). */
void sim__progress_stop_all(struct sim_charger *ch);

#endif

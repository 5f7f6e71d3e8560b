/* Private to simulator/: calls from the CSMS. One table indexed by enum ocpp_action
 * (sim_dispatch.c) holds, for each action a charge point answers, the version's parser
 * and the handler. The dispatch does the generic work once: frame checks and CallErrors,
 * unknown or CP-to-CSMS actions answered NotImplemented, the parse and its CallError,
 * the owner's right to answer in the charger's place, writing the handler's answer
 * before any CALL the handler queued. A handler only does its action and returns what
 * the lifecycle should do next. */
#ifndef SIM_DISPATCH_H
#define SIM_DISPATCH_H

#include <stddef.h>

#include "sim_handler.h"

/* One whole text message from the CSMS (buf[len], NUL-terminated): a CALL is answered
 * (NotImplemented when the charge point does not take it, a CallError when the frame
 * or the payload is bad); a CALLRESULT / CALLERROR completes the outstanding CALL (one
 * for another message id is logged and dropped). Logged and counted. Returns what the
 * lifecycle should do next. */
enum sim__next sim__dispatch_message(struct sim_charger *ch, const char *buf, size_t len);

#endif

/* The two clocks every layer reads: the wall clock as an RFC 3339 text (logs, OCPP
 * timestamps, reports) and a monotonic one in milliseconds (timeouts, leases). */
#ifndef CF_TIME_H
#define CF_TIME_H

#include <stdint.h>

/* RFC 3339 UTC timestamp with milliseconds of the wall clock: "2026-11-24T10:00:00.000Z".
 * out must hold 25 bytes. */
void cf_now_rfc3339(char *out);

/* Milliseconds of CLOCK_MONOTONIC, the clock uv_hrtime() reads: comparable with
 * uv_hrtime() / 1000000 taken in any thread of the process. */
int64_t cf_mono_ms(void);

#endif

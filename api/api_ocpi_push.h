/* Pushes EVSE status changes to registered eMSPs (OCPI locations module, receiver
 * side: PATCH .../locations/{cc}/{party}/{location}/{evse_uid}) from the outbox that
 * sql/006 fills. Every serve runs one; rows are claimed, so several do not collide. */
#ifndef API_OCPI_PUSH_H
#define API_OCPI_PUSH_H

#include "api_fetch.h"
#include "db.h"

struct api_ocpi_push;

/* Starts pushing every interval_ms. env is copied. */
struct api_ocpi_push *api_ocpi_push_start(struct db *db, const struct api_fetch_env *env,
                                          int interval_ms);
/* Stops; memory goes once the timer closed and requests in flight have answered. */
void api_ocpi_push_stop(struct api_ocpi_push *p);

#endif

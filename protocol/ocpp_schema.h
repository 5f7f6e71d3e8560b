/* The official OCPP JSON schemas of both versions (protocol/schemas), in the binary. */
#ifndef OCPP_SCHEMA_H
#define OCPP_SCHEMA_H

#include <stddef.h>
#include <jansson.h>

#include "ocpp_version.h"

/* Checks payload against the schema of action's request (request 1) or response in
 * version v. 0, or -1 with err[n] naming the first problem and where it is
 * ("payload.chargingProfile.stackLevel: must be of type integer"). */
int ocpp_schema_check(const struct ocpp_version *v, const char *action, int request,
                      json_t *payload, char *err, size_t n);

#endif

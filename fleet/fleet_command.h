/* The charger commands (POST /ocpp/commands/{command}, and the steps of `chargefleet run`):
 * their names and the arguments each takes, checked with the validation toolkit
 * (fleet_vctx.h). fleet_validate_command (fleet_validate.h) is the whole check for one
 * command's arguments. Pure. */
#ifndef FLEET_COMMAND_H
#define FLEET_COMMAND_H

#include <jansson.h>
#include <stddef.h>

#include "fleet_vctx.h"

/* How many commands there are: indexes run from 0 to fleet_command_count() - 1. */
size_t fleet_command_count(void);
/* The index of the command called name, or fleet_command_count() when there is none. */
size_t fleet_command_find(const char *name);
/* Command c's name (static), or NULL past the end. */
const char *fleet_command_name(size_t c);

/* Command c's arguments in body (borrowed), checked (problems added to v at
 * ["body", field]) and copied into a new object. with_target: body is the REST body,
 * which also names its target (the key "target" is allowed, and left to the caller). */
json_t *fleet_command_args(struct vctx *v, size_t c, json_t *body, int with_target);

#endif

/* The outcome of a validation (fleet_validate.h, and the toolkit's vc_finish in
 * fleet_vctx.h): the body is valid, it is not (the detail list says why), or it names a
 * resource that does not exist. A type only: no module behind it. */
#ifndef FLEET_VALID_H
#define FLEET_VALID_H

enum fleet_valid { FLEET_VALID_OK = 0, FLEET_VALID_INVALID = -1, FLEET_VALID_NOT_FOUND = -2 };

#endif

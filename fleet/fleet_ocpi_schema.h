/* The OCPI 2.2.1 fields a location may carry at creation (and in a PATCH's "ocpi"):
 * checked against the OCPI types and enums, so that what the locations module serves
 * back is valid OCPI. Pure (jansson only). */
#ifndef FLEET_OCPI_SCHEMA_H
#define FLEET_OCPI_SCHEMA_H

#include <jansson.h>

/* Checks the OCPI fields of obj (a location body or an "ocpi" object): parking_type,
 * facilities, opening_times (regular hours, exceptional openings and closings),
 * operator / suboperator / owner, images, directions, energy_mix, related_locations,
 * publish, publish_allowed_to, time_zone, charging_when_closed, state. Other keys are
 * not looked at. Appends {"loc": loc + path, "msg", "type"} to errors for each problem;
 * loc is borrowed. Returns the number of problems found. */
int fleet_ocpi_check_location(json_t *obj, json_t *loc, json_t *errors);

/* 1 when s is an OCPI DateTime: RFC 3339 as fleet_rfc3339_parse reads it, where a
 * missing offset means UTC (OCPI 2.2.1 types: "absence of the timezone designator
 * implies a UTC timestamp"); 0 otherwise or when s is NULL. */
int fleet_ocpi_datetime_ok(const char *s);

#endif

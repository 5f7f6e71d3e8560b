/* The one strict RFC 3339 date-time parser of the API: the OpenAPI checker's
 * "format": "date-time" (fleet_schema.c), the OCPI DateTime fields and the log filters
 * (fleet_ocpi_datetime_ok) all call it, so a time accepted in one place is accepted in
 * every other. Pure (libc only). */
#ifndef FLEET_RFC3339_H
#define FLEET_RFC3339_H

#include <time.h>

/* Parses s as an RFC 3339 date-time (section 5.6):
 *   YYYY-MM-DD "T" HH:MM:SS [ "." 1*DIGIT ] ( "Z" | ("+" | "-") HH:MM )
 * fixed widths, "T" and "Z" in either case (the grammar is case-insensitive), a real
 * calendar date (2026-02-30 and 2026-13-01 are refused, 2028-02-29 is a date), hours
 * 00..23, minutes 00..59, seconds 00..59, offsets up to 23:59. Nothing may follow.
 * A leap second (:60) is refused: a time_t cannot hold it and no simulator client needs
 * to send one. Returns 0 and, when out is not NULL, *out = the instant in unix seconds
 * (the fraction dropped); -1 when s is NULL or not such a time (*out untouched). */
int fleet_rfc3339_parse(const char *s, time_t *out);

#endif

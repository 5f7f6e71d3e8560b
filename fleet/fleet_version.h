/* The OCPP versions as requests, plans and documents name them (an ocpp_version's
 * name: "OCPP1.6", "OCPP2.0.1"), taken from protocol/'s list ocpp_versions[]: nothing
 * outside protocol/ spells or compares a version string. A set of versions is a bit
 * mask, bit i standing for ocpp_versions[i]. Pure. */
#ifndef FLEET_VERSION_H
#define FLEET_VERSION_H

#include <jansson.h>
#include <stddef.h>

#include "ocpp_version.h"

/* The version of a charger whose request names none. */
#define FLEET_DEFAULT_VERSION (&ocpp_v16)

/* Every version. */
#define FLEET_VERSIONS_ALL (~0u)

/* The bit of the version called name (ocpp_version_by_name), 0 when there is none. */
unsigned fleet_version_bit(const char *name);

/* The set of the versions a JSON array (borrowed) names; other items count for none. */
unsigned fleet_versions_mask(json_t *names);

/* A new JSON array of the names of the versions in mask, in ocpp_versions[] order. */
json_t *fleet_versions_json(unsigned mask);

/* Fills names[max] with every version's name (static strings), NULL-terminated (at
 * most max - 1 names); returns how many. */
size_t fleet_version_names(const char **names, size_t max);

/* Every version's name, each between quote and quote, separated by ", " and the last
 * by last (" or "): "'OCPP1.6' or 'OCPP2.0.1'". For messages; cut to fit buf[n]. */
const char *fleet_versions_text(char *buf, size_t n, const char *quote, const char *last);

#endif

/* ISO 3166-1 country codes, from Debian's iso-codes table embedded at build time
 * (/usr/share/iso-codes/json/iso_3166-1.json, see CMakeLists.txt): the seeds send
 * alpha-2 ("BE"), OCPI locations carry alpha-3 ("BEL"), OCPI parties alpha-2. */
#ifndef FLEET_COUNTRY_H
#define FLEET_COUNTRY_H

/* The alpha-3 / alpha-2 code of an alpha-2 or alpha-3 code (any case), or NULL when
 * the table has no such country. The result is static (valid until exit). */
const char *fleet_country_alpha3(const char *code);
const char *fleet_country_alpha2(const char *code);

#endif

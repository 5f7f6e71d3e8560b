/* Connector types: the names people give them ("CCS2", "Type 2", "CHAdeMO", "GB/T",
 * the OCPI 2.2.1 ConnectorType names ...) mapped to the one name a charger row keeps.
 * Kept names: TYPE1, TYPE2, CCS1, CCS2, CHADEMO, GBT_AC, GBT_DC, NACS, DOMESTIC (the
 * catalog's), and for every other OCPI ConnectorType its OCPI name (IEC_62196_T3C,
 * CHAOJI, ...); sql/024_connector_types.sql maps a kept name to the OCPI EVSE's standard. Pure. */
#ifndef FLEET_CONNECTOR_H
#define FLEET_CONNECTOR_H

/* The kept name of connector type `name` (case, spaces, '-', '_', '/' and '.' do not
 * matter), or NULL when it names no connector type. An ambiguous "GB/T" is GBT_DC on
 * a DC charger (dc != 0) and GBT_AC otherwise. The result is static. */
const char *fleet_connector_name(const char *name, int dc);

/* The names a user may give, for error messages: a static string. */
const char *fleet_connector_examples(void);

#endif

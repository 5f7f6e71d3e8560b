/* GET /metrics in the Prometheus text format (api_metrics.c). */
#ifndef API_METRICS_H
#define API_METRICS_H

#include <jansson.h>

/* The exposition text (malloc'd) of fleet (orch_fleet_metrics' document, or NULL when
 * the database could not be read) and local ({"owner", "metrics"}: this process's
 * runtime read live, which replaces its row in fleet; NULL: none). */
char *api_metrics_text(json_t *fleet, json_t *local);

#endif

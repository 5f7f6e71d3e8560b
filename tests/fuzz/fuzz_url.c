/* libFuzzer harness: the URL and identity handling. The input is split at its first
 * newline into a ws_url and an identity (or, for the API, a request path): the
 * charger's websocket URL (sim_url_parse percent-encodes the identity), the REST
 * route lookup with its path parameters, and identity expansion with the input as the
 * prefix, an explicit id and the seed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_routes.h"
#include "fleet_expand.h"
#include "sim_runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';     /* text stops at an embedded NUL, as C strings from lws do */
    char *nl = strchr(text, '\n');
    const char *identity = nl ? nl + 1 : "";
    if (nl)
        *nl = '\0';

    struct sim_url u;
    if (sim_url_parse(text, identity, &u) == 0 && (u.port < 1 || u.port > 65535))
        abort();   /* a parsed URL always has a usable port */

    char params[API_ROUTE_PARAMS][128];
    int known;
    for (int m = API_GET; m <= API_DELETE; m++)
        api_route_find((enum api_method)m, identity, params, &known);

    struct fleet_rng rng;
    fleet_rng_init_seeded(&rng, text);
    json_t *ids = json_pack("[s]", identity), *taken = json_object(), *out = json_array();
    if (strlen(identity) <= 40)
        fleet_expand_identities(identity, ids, 3, taken, &rng, out);
    json_decref(ids);
    json_decref(taken);
    json_decref(out);
    free(text);
    return 0;
}

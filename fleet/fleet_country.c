#include "fleet_country.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "cf_log.h"

extern const char api_iso_3166_json[];

/* code (upper case, alpha-2 and alpha-3 alike) -> its table entry; built at first use
 * and kept until exit (one loop per process: no locking). */
static json_t *by_code;

static json_t *lookup(const char *code)
{
    char up[4];
    size_t n = code ? strlen(code) : 0;

    if (n < 2 || n > 3)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)code[i]);
    if (!by_code) {
        json_error_t e;
        json_t *doc = json_loads(api_iso_3166_json, 0, &e), *c;
        size_t i;
        by_code = json_object();
        if (!doc)
            CF_LOG_ERROR("api", "the embedded ISO 3166-1 table: %s", e.text);
        json_array_foreach(json_object_get(doc, "3166-1"), i, c) {
            const char *a2 = json_string_value(json_object_get(c, "alpha_2"));
            const char *a3 = json_string_value(json_object_get(c, "alpha_3"));
            if (a2 && a3) {
                json_object_set(by_code, a2, c);
                json_object_set(by_code, a3, c);
            }
        }
        json_decref(doc);
    }
    return json_object_get(by_code, up);
}

const char *fleet_country_alpha3(const char *code)
{
    return json_string_value(json_object_get(lookup(code), "alpha_3"));
}

const char *fleet_country_alpha2(const char *code)
{
    return json_string_value(json_object_get(lookup(code), "alpha_2"));
}

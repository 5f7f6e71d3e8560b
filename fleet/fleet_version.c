#include "fleet_version.h"

#include <stdio.h>
#include <string.h>

unsigned fleet_version_bit(const char *name)
{
    const struct ocpp_version *v = ocpp_version_by_name(name);
    for (unsigned i = 0; v && ocpp_versions[i]; i++)
        if (ocpp_versions[i] == v)
            return 1u << i;
    return 0;
}

unsigned fleet_versions_mask(json_t *names)
{
    unsigned mask = 0;
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n)
        mask |= fleet_version_bit(json_string_value(n));
    return mask;
}

json_t *fleet_versions_json(unsigned mask)
{
    json_t *names = json_array();
    for (unsigned i = 0; ocpp_versions[i]; i++)
        if (mask & (1u << i))
            json_array_append_new(names, json_string(ocpp_versions[i]->name));
    return names;
}

size_t fleet_version_names(const char **names, size_t max)
{
    size_t n = 0;
    for (; max > 0 && n < max - 1 && ocpp_versions[n]; n++)
        names[n] = ocpp_versions[n]->name;
    if (max > 0)
        names[n] = NULL;
    return n;
}

const char *fleet_versions_text(char *buf, size_t n, const char *quote, const char *last)
{
    size_t len = 0;
    if (n == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; ocpp_versions[i] && len < n; i++) {
        const char *sep = i == 0 ? "" : ocpp_versions[i + 1] ? ", " : last;
        int w = snprintf(buf + len, n - len, "%s%s%s%s", sep, quote, ocpp_versions[i]->name,
                         quote);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

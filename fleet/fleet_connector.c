#include "fleet_connector.h"

#include <ctype.h>
#include <string.h>

/* Kept name, then the spellings that mean it (compared after fold()). The OCPI names
 * of the catalog's types are among their spellings. */
static const struct {
    const char *name;
    const char *spellings[8];
} types[] = {
    {"TYPE1", {"type1", "t1", "j1772", "saej1772", "iec62196t1", "iec621961"}},
    {"TYPE2", {"type2", "t2", "mennekes", "iec62196t2", "iec621962"}},
    {"CCS1", {"ccs1", "combo1", "ccscombo1", "ccstype1", "iec62196t1combo"}},
    {"CCS2", {"ccs2", "ccs", "combo2", "ccscombo2", "ccstype2", "iec62196t2combo"}},
    {"CHADEMO", {"chademo"}},
    {"GBT_AC", {"gbtac"}},
    {"GBT_DC", {"gbtdc"}},
    {"NACS", {"nacs", "teslas", "tesla", "j3400", "saej3400"}},
    {"DOMESTIC", {"domestic", "domesticf", "schuko", "cee74"}},
};

/* The other OCPI 2.2.1 ConnectorType values, kept as they are. */
static const char *const ocpi_names[] = {
    "CHAOJI", "DOMESTIC_A", "DOMESTIC_B", "DOMESTIC_C", "DOMESTIC_D", "DOMESTIC_E",
    "DOMESTIC_G", "DOMESTIC_H", "DOMESTIC_I", "DOMESTIC_J", "DOMESTIC_K", "DOMESTIC_L",
    "IEC_60309_2_single_16", "IEC_60309_2_three_16", "IEC_60309_2_three_32",
    "IEC_60309_2_three_64", "IEC_62196_T3A", "IEC_62196_T3C", "NEMA_5_20", "NEMA_6_30",
    "NEMA_6_50", "NEMA_10_30", "NEMA_10_50", "NEMA_14_30", "NEMA_14_50",
    "PANTOGRAPH_BOTTOM_UP", "PANTOGRAPH_TOP_DOWN", "TESLA_R",
};

/* Lower case without spaces, '-', '_', '/' and '.': 0, or -1 when too long. */
static int fold(const char *s, char *out, size_t n)
{
    size_t k = 0;

    for (; *s; s++) {
        if (strchr(" -_/.", *s))
            continue;
        if (k + 1 >= n)
            return -1;
        out[k++] = (char)tolower((unsigned char)*s);
    }
    out[k] = '\0';
    return 0;
}

const char *fleet_connector_name(const char *name, int dc)
{
    char f[48], g[48];

    if (!name || fold(name, f, sizeof f) != 0 || !*f)
        return NULL;
    if (strcmp(f, "gbt") == 0)
        return dc ? "GBT_DC" : "GBT_AC";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        for (int k = 0; k < 8 && types[i].spellings[k]; k++)
            if (strcmp(f, types[i].spellings[k]) == 0)
                return types[i].name;
    for (size_t i = 0; i < sizeof ocpi_names / sizeof ocpi_names[0]; i++)
        if (fold(ocpi_names[i], g, sizeof g) == 0 && strcmp(f, g) == 0)
            return ocpi_names[i];
    return NULL;
}

const char *fleet_connector_examples(void)
{
    return "Type1, Type2 (Type 2), CCS1, CCS2, CHAdeMO, GB/T, NACS, Domestic, or an OCPI "
           "ConnectorType such as IEC_62196_T2_COMBO";
}

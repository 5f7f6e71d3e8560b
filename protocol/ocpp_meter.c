#include "ocpp_meter.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum ocpp_measurand bit;
    const char *unit;
} measurands[] = {
    {"Energy.Active.Import.Register", OCPP_MEAS_ENERGY, "Wh"},
    {"Power.Active.Import", OCPP_MEAS_POWER, "W"},
    {"Current.Import", OCPP_MEAS_CURRENT, "A"},
    {"Voltage", OCPP_MEAS_VOLTAGE, "V"},
    {"SoC", OCPP_MEAS_SOC, "Percent"},
};
#define N_MEASURANDS (sizeof measurands / sizeof measurands[0])

int ocpp_measurands_parse(const char *csv, unsigned *out)
{
    unsigned bits = 0;
    const char *p = csv;

    while (p && *p) {
        size_t n = strcspn(p, ",");
        const char *s = p;
        size_t k = n;
        while (k && *s == ' ')
            s++, k--;
        while (k && s[k - 1] == ' ')
            k--;
        size_t i = 0;
        while (i < N_MEASURANDS && !(strlen(measurands[i].name) == k &&
                                     strncmp(measurands[i].name, s, k) == 0))
            i++;
        if (i == N_MEASURANDS)
            return -1;
        bits |= measurands[i].bit;
        p += n;
        if (*p == ',')
            p++;
    }
    if (!bits)
        return -1;
    *out = bits;
    return 0;
}

static void add_sample(json_t *list, const char *measurand, const char *unit, double value,
                       const char *phase, const char *context, int v201)
{
    double v = round(value * 10) / 10;
    json_t *s = json_pack("{s:s,s:s,s:s}", "context", context, "measurand", measurand,
                          "location", "Outlet");

    if (v201) {
        json_object_set_new(s, "value", json_real(v));
        json_object_set_new(s, "unitOfMeasure", json_pack("{s:s}", "unit", unit));
    } else {
        char text[32];
        snprintf(text, sizeof text, "%.1f", v);
        json_object_set_new(s, "value", json_string(text));
        json_object_set_new(s, "unit", json_string(unit));
    }
    if (phase)
        json_object_set_new(s, "phase", json_string(phase));
    json_array_append_new(list, s);
}

json_t *ocpp_meter_values(const struct ocpp_meter *m, const char *context,
                          const char *timestamp, int v201)
{
    static const char *const phase_names[2][3] = {{"L1", "L2", "L3"},
                                                  {"L1-N", "L2-N", "L3-N"}};
    json_t *list = json_array();

    for (size_t i = 0; i < N_MEASURANDS; i++) {
        const char *name = measurands[i].name, *unit = measurands[i].unit;
        switch (m->measurands & measurands[i].bit) {
        case 0:
            break;
        case OCPP_MEAS_ENERGY:
            add_sample(list, name, unit, m->energy_wh, NULL, context, v201);
            break;
        case OCPP_MEAS_POWER:
            add_sample(list, name, unit, m->power_w, NULL, context, v201);
            break;
        case OCPP_MEAS_CURRENT:
        case OCPP_MEAS_VOLTAGE: {
            int volts = measurands[i].bit == OCPP_MEAS_VOLTAGE;
            double v = volts ? m->voltage_v : m->current_a;
            if (m->phases == 0)
                add_sample(list, name, unit, v, NULL, context, v201);
            for (int p = 0; p < m->phases && p < 3; p++)
                add_sample(list, name, unit, v, phase_names[volts][p], context, v201);
            break;
        }
        case OCPP_MEAS_SOC:
            if (m->soc >= 0)
                add_sample(list, name, unit, m->soc, NULL, context, v201);
            break;
        }
    }
    return json_pack("[{s:s,s:o}]", "timestamp", timestamp, "sampledValue", list);
}

/* Meter values (ocpp_meter.c): the measurands a charger measures and the meterValue
 * array both versions share (they differ only in how a value and its unit are
 * written). Pure (jansson only); the json_t * returned is a new reference. */
#ifndef OCPP_METER_H
#define OCPP_METER_H

#include <jansson.h>

/* What a meter sample reports (MeterValuesSampledData / TxUpdatedMeasurands). */
enum ocpp_measurand {
    OCPP_MEAS_ENERGY = 1,        /* Energy.Active.Import.Register, Wh */
    OCPP_MEAS_POWER = 2,         /* Power.Active.Import, W */
    OCPP_MEAS_CURRENT = 4,       /* Current.Import, A (per phase on AC) */
    OCPP_MEAS_VOLTAGE = 8,       /* Voltage, V */
    OCPP_MEAS_SOC = 16,          /* SoC, percent (DC only) */
};

/* One reading of a connector's meter. */
struct ocpp_meter {
    double energy_wh, power_w, current_a, voltage_v;
    int phases;                  /* AC phases (current reported per phase); 0 = DC */
    int soc;                     /* percent; < 0 when the charger cannot know it (AC) */
    unsigned measurands;         /* OCPP_MEAS_* bits to report */
};

/* Reads a comma-separated measurand list into OCPP_MEAS_* bits. Returns 0, or -1 when
 * it names a measurand this charger does not measure (or is empty). */
int ocpp_measurands_parse(const char *csv, unsigned *out);

/* The meterValue array of both versions: [{timestamp, sampledValue: [...]}], each
 * sampled value with context and measurand; 1.6 writes value as a string and `unit`,
 * 2.0.1 a number and `unitOfMeasure`. */
json_t *ocpp_meter_values(const struct ocpp_meter *m, const char *context,
                          const char *timestamp, int v201);

#endif

#include "fleet_ocpi_schema.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fleet_rfc3339.h"
#include "fleet_schema.h"

/* ---- the OCPI 2.2.1 enums a Location uses ---- */

static const char *const PARKING_TYPES[] = {"ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT",
                                            "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE",
                                            NULL};
static const char *const FACILITIES[] = {
    "HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "SPORT", "RECREATION_AREA", "NATURE",
    "MUSEUM", "BIKE_SHARING", "BUS_STOP", "TAXI_STAND", "TRAM_STOP", "METRO_STATION",
    "TRAIN_STATION", "AIRPORT", "PARKING_LOT", "CARPOOL_PARKING", "FUEL_STATION", "WIFI", NULL};
static const char *const IMAGE_CATEGORIES[] = {"CHARGER", "ENTRANCE", "LOCATION", "NETWORK",
                                               "OPERATOR", "OTHER", "OWNER", NULL};
static const char *const ENERGY_SOURCES[] = {"NUCLEAR", "GENERAL_FOSSIL", "COAL", "GAS",
                                             "GENERAL_GREEN", "SOLAR", "WIND", "WATER", NULL};
static const char *const ENVIRON_IMPACTS[] = {"NUCLEAR_WASTE", "CARBON_DIOXIDE", NULL};
static const char *const TOKEN_TYPES[] = {"AD_HOC_USER", "APP_USER", "OTHER", "RFID", NULL};
/* OCPI 2.1.1's LocationType, for 2.1.1 networks */
static const char *const LOCATION_TYPES_211[] = {"ON_STREET", "PARKING_GARAGE",
                                                 "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER",
                                                 "UNKNOWN", NULL};

struct chk {
    json_t *errors;
    int n;
};

static json_t *at(json_t *loc, const char *key)
{
    json_t *l = json_copy(loc);
    json_array_append_new(l, json_string(key));
    return l;
}

static json_t *at_i(json_t *loc, size_t i)
{
    json_t *l = json_copy(loc);
    json_array_append_new(l, json_integer((json_int_t)i));
    return l;
}

/* Adds a problem at loc (taken). */
static void bad(struct chk *c, json_t *loc, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(struct chk *c, json_t *loc, const char *type, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fleet_schema_verror(c->errors, loc, type, fmt, ap);
    va_end(ap);
    c->n++;
}

static int in(const char *const *list, const char *s)
{
    for (; s && *list; list++) {
        if (strcmp(*list, s) == 0)
            return 1;
    }
    return 0;
}

/* The enum's values, comma-separated, for messages. */
static const char *values(const char *const *list, char *buf, size_t n)
{
    buf[0] = '\0';
    for (; *list; list++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", *list, list[1] ? ", " : "");
    return buf;
}

static void check_enum(struct chk *c, json_t *v, const char *const *list, json_t *loc)
{
    char buf[600];
    if (!json_is_string(v) || !in(list, json_string_value(v)))
        bad(c, loc, "value_error.ocpi_enum", "one of: %s", values(list, buf, sizeof buf));
    else
        json_decref(loc);
}

/* A string of at most max characters; required or not. */
static void check_str(struct chk *c, json_t *obj, const char *key, size_t max, int required,
                      json_t *loc)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            bad(c, at(loc, key), "value_error.missing", "field required");
        return;
    }
    if (!json_is_string(v) || json_string_length(v) > max)
        bad(c, at(loc, key), "type_error.string", "a string of at most %zu characters", max);
}

static void check_bool(struct chk *c, json_t *obj, const char *key, int required, json_t *loc)
{
    json_t *v = json_object_get(obj, key);
    if (!v ? required : !json_is_boolean(v))
        bad(c, at(loc, key), v ? "type_error.bool" : "value_error.missing",
            v ? "true or false" : "field required");
}

/* An array at key (absent is fine); 0 when it is something else (reported). */
static json_t *check_list(struct chk *c, json_t *obj, const char *key, json_t *loc)
{
    json_t *v = json_object_get(obj, key);
    if (v && !json_is_array(v)) {
        bad(c, at(loc, key), "type_error.list", "a list");
        return NULL;
    }
    return v;
}

static int check_object(struct chk *c, json_t *v, json_t *loc)
{
    if (json_is_object(v))
        return 1;
    bad(c, json_incref(loc), "type_error.object", "an object");
    return 0;
}

/* "HH:MM", 00:00..23:59 (or 24:00 as a period's end). */
static int hhmm_ok(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
        !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
        !isdigit((unsigned char)s[4]))
        return 0;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return m < 60 && (h < 24 || (h == 24 && m == 0));
}

int fleet_ocpi_datetime_ok(const char *s)
{
    char utc[48];
    size_t n = s ? strlen(s) : 0;

    if (fleet_rfc3339_parse(s, NULL) == 0)
        return 1;
    if (n == 0 || n + 2 > sizeof utc)
        return 0;
    memcpy(utc, s, n);   /* OCPI: no offset means UTC */
    memcpy(utc + n, "Z", 2);
    return fleet_rfc3339_parse(utc, NULL) == 0;
}

static void check_display_text(struct chk *c, json_t *v, json_t *loc)
{
    if (!check_object(c, v, loc))
        return;
    check_str(c, v, "language", 2, 1, loc);
    check_str(c, v, "text", 512, 1, loc);
}

static void check_image(struct chk *c, json_t *v, json_t *loc)
{
    if (!check_object(c, v, loc))
        return;
    check_str(c, v, "url", 255, 1, loc);
    check_str(c, v, "thumbnail", 255, 0, loc);
    check_enum(c, json_object_get(v, "category"), IMAGE_CATEGORIES, at(loc, "category"));
    check_str(c, v, "type", 4, 1, loc);
    const char *dims[] = {"width", "height"};
    for (int i = 0; i < 2; i++) {
        json_t *d = json_object_get(v, dims[i]);
        if (d && (!json_is_integer(d) || json_integer_value(d) < 0 ||
                  json_integer_value(d) > 99999))
            bad(c, at(loc, dims[i]), "type_error.integer", "an integer of at most 5 digits");
    }
}

static void check_business(struct chk *c, json_t *v, json_t *loc)
{
    if (!check_object(c, v, loc))
        return;
    check_str(c, v, "name", 100, 1, loc);
    check_str(c, v, "website", 255, 0, loc);
    json_t *logo = json_object_get(v, "logo");
    if (logo) {
        json_t *l = at(loc, "logo");
        check_image(c, logo, l);
        json_decref(l);
    }
}

static void check_periods(struct chk *c, json_t *oh, const char *key, json_t *loc)
{
    json_t *list = check_list(c, oh, key, loc), *p;
    size_t i;
    json_array_foreach(list, i, p) {
        json_t *kl = at(loc, key), *l = at_i(kl, i);
        json_decref(kl);
        if (check_object(c, p, l)) {
            const char *ends[] = {"period_begin", "period_end"};
            for (int k = 0; k < 2; k++) {
                if (!fleet_ocpi_datetime_ok(json_string_value(json_object_get(p, ends[k]))))
                    bad(c, at(l, ends[k]), "value_error.datetime", "an RFC 3339 date-time");
            }
        }
        json_decref(l);
    }
}

static void check_opening_times(struct chk *c, json_t *v, json_t *loc)
{
    json_t *list, *h;
    size_t i;

    if (!check_object(c, v, loc))
        return;
    check_bool(c, v, "twentyfourseven", 1, loc);
    list = check_list(c, v, "regular_hours", loc);
    json_array_foreach(list, i, h) {
        json_t *rl = at(loc, "regular_hours"), *l = at_i(rl, i);
        json_decref(rl);
        if (check_object(c, h, l)) {
            json_t *wd = json_object_get(h, "weekday");
            if (!json_is_integer(wd) || json_integer_value(wd) < 1 || json_integer_value(wd) > 7)
                bad(c, at(l, "weekday"), "value_error.number", "weekday is 1 (Monday) .. 7");
            const char *ends[] = {"period_begin", "period_end"};
            for (int k = 0; k < 2; k++) {
                if (!hhmm_ok(json_string_value(json_object_get(h, ends[k]))))
                    bad(c, at(l, ends[k]), "value_error.time", "a time \"HH:MM\"");
            }
        }
        json_decref(l);
    }
    check_periods(c, v, "exceptional_openings", loc);
    check_periods(c, v, "exceptional_closings", loc);
}

static void check_energy_mix(struct chk *c, json_t *v, json_t *loc)
{
    json_t *list, *e;
    size_t i;

    if (!check_object(c, v, loc))
        return;
    check_bool(c, v, "is_green_energy", 1, loc);
    check_str(c, v, "supplier_name", 64, 0, loc);
    check_str(c, v, "energy_product_name", 64, 0, loc);
    const struct { const char *key, *field; const char *const *list; } parts[] = {
        {"energy_sources", "source", ENERGY_SOURCES},
        {"environ_impact", "category", ENVIRON_IMPACTS},
    };
    for (int k = 0; k < 2; k++) {
        list = check_list(c, v, parts[k].key, loc);
        json_array_foreach(list, i, e) {
            json_t *pl = at(loc, parts[k].key), *l = at_i(pl, i);
            json_decref(pl);
            if (check_object(c, e, l)) {
                check_enum(c, json_object_get(e, parts[k].field), parts[k].list,
                           at(l, parts[k].field));
                json_t *num = json_object_get(e, k == 0 ? "percentage" : "amount");
                if (!json_is_number(num) || json_number_value(num) < 0 ||
                    (k == 0 && json_number_value(num) > 100))
                    bad(c, at(l, k == 0 ? "percentage" : "amount"), "value_error.number",
                        k == 0 ? "a percentage 0..100" : "a number >= 0");
            }
            json_decref(l);
        }
    }
}

/* Applies fn to each element of the list at key. */
static void each(struct chk *c, json_t *obj, const char *key, json_t *loc,
                 void (*fn)(struct chk *, json_t *, json_t *))
{
    json_t *list = check_list(c, obj, key, loc), *e;
    size_t i;
    json_array_foreach(list, i, e) {
        json_t *kl = at(loc, key), *l = at_i(kl, i);
        json_decref(kl);
        fn(c, e, l);
        json_decref(l);
    }
}

static void check_geo(struct chk *c, json_t *v, json_t *loc)
{
    if (!check_object(c, v, loc))
        return;
    const char *keys[] = {"latitude", "longitude"};
    for (int k = 0; k < 2; k++) {
        const char *s = json_string_value(json_object_get(v, keys[k]));
        char *end = NULL;
        if (!s || (strtod(s, &end), *end) || end == s)
            bad(c, at(loc, keys[k]), "value_error.coordinate", "a decimal string");
    }
    json_t *name = json_object_get(v, "name");
    if (name) {
        json_t *l = at(loc, "name");
        check_display_text(c, name, l);
        json_decref(l);
    }
}

static void check_publish_token(struct chk *c, json_t *v, json_t *loc)
{
    if (!check_object(c, v, loc))
        return;
    check_str(c, v, "uid", 36, 0, loc);
    if (json_object_get(v, "type"))
        check_enum(c, json_object_get(v, "type"), TOKEN_TYPES, at(loc, "type"));
    check_str(c, v, "visual_number", 64, 0, loc);
    check_str(c, v, "issuer", 64, 0, loc);
    check_str(c, v, "group_id", 36, 0, loc);
}

int fleet_ocpi_check_location(json_t *obj, json_t *loc, json_t *errors)
{
    struct chk c = {errors, 0};
    json_t *v, *list, *f;
    size_t i;

    if (!json_is_object(obj))
        return 0;
    if ((v = json_object_get(obj, "parking_type")))
        check_enum(&c, v, PARKING_TYPES, at(loc, "parking_type"));
    if ((v = json_object_get(obj, "type")))
        check_enum(&c, v, LOCATION_TYPES_211, at(loc, "type"));
    list = check_list(&c, obj, "facilities", loc);
    json_array_foreach(list, i, f) {
        json_t *fl = at(loc, "facilities");
        check_enum(&c, f, FACILITIES, at_i(fl, i));
        json_decref(fl);
    }
    const char *business[] = {"operator", "suboperator", "owner"};
    for (int k = 0; k < 3; k++) {
        if ((v = json_object_get(obj, business[k]))) {
            json_t *l = at(loc, business[k]);
            check_business(&c, v, l);
            json_decref(l);
        }
    }
    if ((v = json_object_get(obj, "opening_times"))) {
        json_t *l = at(loc, "opening_times");
        check_opening_times(&c, v, l);
        json_decref(l);
    }
    if ((v = json_object_get(obj, "energy_mix"))) {
        json_t *l = at(loc, "energy_mix");
        check_energy_mix(&c, v, l);
        json_decref(l);
    }
    each(&c, obj, "images", loc, check_image);
    each(&c, obj, "directions", loc, check_display_text);
    each(&c, obj, "related_locations", loc, check_geo);
    each(&c, obj, "publish_allowed_to", loc, check_publish_token);
    if (json_object_get(obj, "publish"))
        check_bool(&c, obj, "publish", 0, loc);
    if (json_object_get(obj, "charging_when_closed"))
        check_bool(&c, obj, "charging_when_closed", 0, loc);
    check_str(&c, obj, "time_zone", 255, 0, loc);
    check_str(&c, obj, "state", 20, 0, loc);
    return c.n;
}

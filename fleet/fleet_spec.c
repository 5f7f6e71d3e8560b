#include "fleet_spec.h"

#define READ_TEXT(v) json_string_value(v)
#define READ_INT(v) (int)json_integer_value(v)
#define READ_REAL(v) json_number_value(v)
#define READ_JSON(v) (v)

void fleet_spec_from_json(json_t *row, struct cf_charger_spec *out)
{
    out->identity = json_string_value(json_object_get(row, "identity"));
#define READ(a, name, kind, sql, group, doc) out->name = READ_##kind(json_object_get(row, #name));
    CF_CHARGER_COLUMNS(READ, )
#undef READ
}

void fleet_spec_given(json_t *tmpl, struct cf_charger_spec *out)
{
#define GIVE(a, name, kind, sql, group, doc)                                            \
    FLEET_IF_GIVEN(group, out->name = READ_##kind(json_object_get(tmpl, #name));)
    CF_CHARGER_COLUMNS(GIVE, )
#undef GIVE
}

/* json_object_set_new of a column's value; a TEXT or JSON one only when set. */
#define PUT_TEXT(o, k, v)                                                               \
    do {                                                                                \
        if (v)                                                                          \
            json_object_set_new(o, k, json_string(v));                                  \
    } while (0)
#define PUT_INT(o, k, v) json_object_set_new(o, k, json_integer(v))
#define PUT_REAL(o, k, v) json_object_set_new(o, k, json_real(v))
#define PUT_JSON(o, k, v)                                                               \
    do {                                                                                \
        if (v)                                                                          \
            json_object_set(o, k, v);                                                   \
    } while (0)

json_t *fleet_spec_shared_json(const struct cf_charger_spec *s)
{
    json_t *row = json_object();
#define PUT(a, name, kind, sql, group, doc) FLEET_IF_SHARED(group, PUT_##kind(row, #name, s->name);)
    CF_CHARGER_COLUMNS(PUT, )
#undef PUT
    return row;
}

#include "fleet_expand.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

void fleet_rng_init_random(struct fleet_rng *r)
{
    memset(r, 0, sizeof(*r));
}

void fleet_rng_init_seeded(struct fleet_rng *r, const char *seed)
{
    unsigned int n = 0;

    memset(r, 0, sizeof(*r));
    r->seeded = 1;
    EVP_Digest(seed, strlen(seed), r->key, &n, EVP_sha256(), NULL);
    r->used = sizeof(r->block);
}

/* Seeded stream: block i = SHA-256(key || i), consumed byte by byte. */
int fleet_rng_bytes(struct fleet_rng *r, unsigned char *out, size_t n)
{
    if (!r->seeded)
        return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
    while (n > 0) {
        if (r->used == sizeof(r->block)) {
            unsigned char in[40];
            unsigned int len = 0;
            memcpy(in, r->key, 32);
            for (int i = 0; i < 8; i++)
                in[32 + i] = (unsigned char)(r->counter >> (8 * i));
            r->counter++;
            if (EVP_Digest(in, sizeof(in), r->block, &len, EVP_sha256(), NULL) != 1)
                return -1;
            r->used = 0;
        }
        *out++ = r->block[r->used++];
        n--;
    }
    return 0;
}

static int append(json_t *out, json_t *taken, const char *identity)
{
    json_object_set_new(taken, identity, json_true());
    return json_array_append_new(out, json_string(identity));
}

int fleet_expand_identities(const char *prefix, json_t *ids, long number, json_t *taken,
                           struct fleet_rng *r, json_t *out)
{
    char identity[256];
    long made = 0;
    size_t i;
    json_t *id;

    json_array_foreach(ids, i, id) {
        if (number >= 0 && made >= number)
            break;
        snprintf(identity, sizeof(identity), "%s%s", prefix, json_string_value(id));
        append(out, taken, identity);
        made++;
    }
    /* 16^6 suffixes: collisions are rare, but the taken set can be large; give up
     * only after many misses in a row. */
    for (int misses = 0; made < number;) {
        unsigned char b[3];
        if (fleet_rng_bytes(r, b, sizeof(b)) != 0)
            return -1;
        snprintf(identity, sizeof(identity), "%s%02X%02X%02X", prefix, b[0], b[1], b[2]);
        if (json_object_get(taken, identity)) {
            if (++misses > 10000)
                return -1;
            continue;
        }
        misses = 0;
        append(out, taken, identity);
        made++;
    }
    return 0;
}

void fleet_serial_for(const char *identity, char out[16])
{
    unsigned char d[32];
    unsigned int n = 0;

    EVP_Digest(identity, strlen(identity), d, &n, EVP_sha256(), NULL);
    snprintf(out, 16, "CF%02X%02X%02X%02X%02X", d[0], d[1], d[2], d[3], d[4]);
}

/* Calls fn for each charger of one group (index gi): its identity, "<name> <n>" and
 * serial. */
static int group_each(json_t *group, size_t gi, json_t *taken, struct fleet_rng *r,
                      fleet_row_fn fn, void *arg)
{
    json_t *identities = json_array(), *id;
    const char *name = json_string_value(json_object_get(group, "name"));
    json_int_t number = json_integer_value(json_object_get(group, "number"));
    char cp_name[160], serial[16];
    size_t i;
    int rc = fleet_expand_identities(json_string_value(json_object_get(group, "prefix")),
                                    json_object_get(group, "ids"), (long)number, taken, r,
                                    identities);

    for (i = 0; rc == 0 && i < json_array_size(identities); i++) {
        id = json_array_get(identities, i);
        snprintf(cp_name, sizeof(cp_name), "%s %zu", name ? name : "", i + 1);
        fleet_serial_for(json_string_value(id), serial);
        rc = fn(arg, gi, json_string_value(id), cp_name, serial);
    }
    json_decref(identities);
    return rc;
}

/* The rows as JSON: the group's shared row (`row`, or the one of group gi of `groups`)
 * with the charger's own values. */
struct json_rows {
    json_t *groups;
    json_t *row;
    json_t *rows;    /* out */
};

static int add_json_row(void *arg, size_t gi, const char *identity, const char *name,
                        const char *serial)
{
    struct json_rows *j = arg;
    json_t *shared = j->row ? j->row : json_object_get(json_array_get(j->groups, gi), "row");
    json_t *c = json_copy(shared);   /* shallow: the shared values are never changed */

    json_object_set_new(c, "identity", json_string(identity));
    json_object_set_new(c, "charge_point_name", json_string(name));
    json_object_set_new(c, "serial", json_string(serial));
    return json_array_append_new(j->rows, c);
}

int fleet_expand_group(json_t *group, json_t *taken, struct fleet_rng *r, json_t *rows)
{
    struct json_rows j = {NULL, json_object_get(group, "row"), rows};
    return group_each(group, 0, taken, r, add_json_row, &j);
}

json_t *fleet_plan_named(json_t *groups)
{
    json_t *out = json_array(), *g, *id;
    size_t i, k;
    char identity[256];

    json_array_foreach(groups, i, g) {
        const char *prefix = json_string_value(json_object_get(g, "prefix"));
        json_array_foreach(json_object_get(g, "ids"), k, id) {
            snprintf(identity, sizeof(identity), "%s%s", prefix ? prefix : "",
                     json_string_value(id));
            json_array_append_new(out, json_string(identity));
        }
    }
    return out;
}

int fleet_expand_plan_each(json_t *groups, json_t *taken, struct fleet_rng *r, fleet_row_fn fn,
                          void *arg)
{
    json_t *named = fleet_plan_named(groups), *g;
    size_t i;

    /* the explicit identities of every group are taken before any is drawn */
    json_array_foreach(named, i, g)
        json_object_set_new(taken, json_string_value(g), json_true());
    json_decref(named);
    json_array_foreach(groups, i, g) {
        if (group_each(g, i, taken, r, fn, arg) != 0)
            return -1;
    }
    return 0;
}

json_t *fleet_expand_plan(json_t *groups, json_t *taken, struct fleet_rng *r)
{
    struct json_rows j = {groups, NULL, json_array()};

    if (fleet_expand_plan_each(groups, taken, r, add_json_row, &j) != 0) {
        json_decref(j.rows);
        return NULL;
    }
    return j.rows;
}

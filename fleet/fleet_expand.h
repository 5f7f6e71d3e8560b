/* Identity expansion: a group's explicit charger_ids first, then random 6-hex-digit
 * suffixes up to chargers_number, never colliding with identities already taken.
 * Randomness from OpenSSL: RAND_bytes, or a deterministic SHA-256 stream when a seed
 * is given (same seed + template => the same fleet). Pure: no I/O. */
#ifndef FLEET_EXPAND_H
#define FLEET_EXPAND_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define FLEET_SUFFIX_HEX 6
#define FLEET_IDENTITY_MAX 48   /* OCPP: identity is CiString48 */

struct fleet_rng {
    int seeded;
    unsigned char key[32];
    uint64_t counter;
    unsigned char block[32];
    size_t used;                 /* bytes of block consumed */
};

void fleet_rng_init_random(struct fleet_rng *r);
/* A deterministic stream from seed (any text). */
void fleet_rng_init_seeded(struct fleet_rng *r, const char *seed);
/* Fills out[n]. Returns 0, or -1 if the system has no randomness. */
int fleet_rng_bytes(struct fleet_rng *r, unsigned char *out, size_t n);

/* Appends to `out` (a JSON array) the identities of one group: prefix + each string of
 * ids (borrowed array, may be NULL) in order, truncated at `number` when number >= 0;
 * then prefix + 6 uppercase hex digits until `number` identities. `taken` is a JSON
 * object used as a set: every identity appended is added to it, and random ones never
 * hit a key already there (explicit ids are not checked: the caller validated them).
 * Returns 0, or -1 when no free suffix could be found or randomness failed. */
int fleet_expand_identities(const char *prefix, json_t *ids, long number, json_t *taken,
                           struct fleet_rng *r, json_t *out);

/* A group of a plan, as the validator writes it (fleet_validate.c):
 * {"row": {the columns every charger of the group shares}, "prefix": "...",
 *  "ids": [explicit ids without the prefix] (may be absent), "number": n,
 *  "name": "base of charge_point_name"}.
 * Appends its charger rows to `rows`: the row's columns + "identity" (expanded as
 * fleet_expand_identities does, `taken` updated), "charge_point_name" ("<name> <n>",
 * n from 1) and "serial". Returns 0, or -1 as fleet_expand_identities or when a row
 * could not be appended (out of memory). */
int fleet_expand_group(json_t *group, json_t *taken, struct fleet_rng *r, json_t *rows);

/* The identities a plan's groups name explicitly (prefix + each of "ids"), as a new
 * JSON array of strings. */
json_t *fleet_plan_named(json_t *groups);

/* Called for each charger of a plan, in order: the index of its group (from 0), its
 * identity, charge_point_name and serial (valid during the call). Non-zero stops. */
typedef int (*fleet_row_fn)(void *arg, size_t group, const char *identity, const char *name,
                           const char *serial);

/* Expands a plan's groups as fleet_expand_plan does, without building rows: fn gets
 * what differs from charger to charger (the rest is the group's "row"). Returns 0, or
 * -1 when a group could not be expanded or fn returned non-zero. */
int fleet_expand_plan_each(json_t *groups, json_t *taken, struct fleet_rng *r, fleet_row_fn fn,
                          void *arg);

/* The charger rows of a plan's groups (a new array), or NULL when a group could not
 * be expanded. The explicit identities of every group go into `taken` first, so no
 * random one of an earlier group takes an identity a later group names. */
json_t *fleet_expand_plan(json_t *groups, json_t *taken, struct fleet_rng *r);

/* A stable serial number for an identity ("CF" + 10 hex of SHA-256(identity)). */
void fleet_serial_for(const char *identity, char out[16]);

#endif

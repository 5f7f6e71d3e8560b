/* Tenants and their API tokens. A token is 32 random bytes in hex, shown once; only
 * its SHA-256 is stored (api_tokens). The serve --api-token is the bootstrap token of
 * tenant "default" and is never stored. */
#ifndef ORCH_TENANTS_H
#define ORCH_TENANTS_H

#include "orch_jobs.h"

#define ORCH_TENANT_MAX 64

/* Hex SHA-256 of s into out[65]. */
void orch_sha256_hex(const char *s, char out[65]);

/* A new random token (32 bytes, hex) into out[65]. Returns 0, or -1 without randomness. */
int orch_token_new(char out[65]);

/* 1 when name is a valid tenant name: 1..64 of [A-Za-z0-9._-]. */
int orch_tenant_name_ok(const char *name);

/* Which tenant a token hash belongs to: {"tenant": "..."}, NOT_FOUND if none. */
void orch_token_tenant(struct db *db, const char *hash, orch_json_cb cb, void *arg);

/* Blocking (the `token create` command): makes a token for tenant, stores its hash
 * in the database at conninfo (migrations applied first), writes the token to
 * out[65]. Returns 0, or -1 with the reason logged. */
int orch_token_create(const char *conninfo, const char *tenant, char out[65]);

#endif

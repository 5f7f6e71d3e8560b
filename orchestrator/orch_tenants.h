/* Tenants and their API tokens. A token is 32 random bytes in hex, shown once; only
 * its SHA-256 is stored (api_tokens). The serve --api-token is the bootstrap token of
 * tenant "default" and is never stored. */
#ifndef ORCH_TENANTS_H
#define ORCH_TENANTS_H

#include <jansson.h>

#include "orch_query.h"

#define ORCH_TENANT_MAX 64

/* A server checks a token it accepted again after this long: how long a revoked token
 * may still be taken (the API's cache of tokens seen valid). */
#define ORCH_TOKEN_RECHECK_SECONDS 5

/* Hex SHA-256 of s into out[65]. */
void orch_sha256_hex(const char *s, char out[65]);

/* A new random token (32 bytes, hex) into out[65]. Returns 0, or -1 without randomness. */
int orch_token_new(char out[65]);

/* 1 when name is a valid tenant name: 1..64 of [A-Za-z0-9._-]. */
int orch_tenant_name_ok(const char *name);

/* Which tenant a token hash belongs to: {"tenant": "...", "read_only": bool, "revoked":
 * bool}, NOT_FOUND if none. */
void orch_token_tenant(struct db *db, const char *hash, orch_json_cb cb, void *arg);

/* The token commands, blocking (each opens its own connection to conninfo and applies
 * the migrations first); failures are logged. */

/* Makes a token for tenant (read_only: it may only read), stores its hash, writes the
 * token to out[65]. Returns the token's id (> 0), or -1. */
long long orch_token_create(const char *conninfo, const char *tenant, int read_only,
                            char out[65]);
/* The tokens of tenant (NULL: of every tenant), oldest first per tenant, as a new
 * array of {id, tenant, read_only, created_at, hash_tail (last 4 hex of the hash),
 * revoked_at (null while valid)}; NULL on a database failure. Never the tokens. */
json_t *orch_token_list(const char *conninfo, const char *tenant);

/* orch_token_revoke's answers. */
enum {
    ORCH_TOKEN_REVOKED = 0,         /* revoked now */
    ORCH_TOKEN_WAS_REVOKED = 1,     /* revoked before: nothing changed */
    ORCH_TOKEN_UNKNOWN = -2,        /* no token has that id */
    ORCH_TOKEN_ERROR = -1,          /* the database failed (logged) */
};
/* Revokes token id: every server refuses it (401) within ORCH_TOKEN_RECHECK_SECONDS.
 * tenant[] gets the token's tenant when it exists. */
int orch_token_revoke(const char *conninfo, long long id, char tenant[ORCH_TENANT_MAX + 1]);

#endif

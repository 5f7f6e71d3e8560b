#include "orch_tenants.h"

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"
#include "orch_migrate.h"

static void hex(const unsigned char *raw, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

void orch_sha256_hex(const char *s, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    EVP_Digest(s, strlen(s), digest, &n, EVP_sha256(), NULL);
    hex(digest, n > 32 ? 32 : n, out);
}

int orch_token_new(char out[65])
{
    unsigned char raw[32];

    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    hex(raw, sizeof raw, out);
    return 0;
}

int orch_tenant_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > ORCH_TENANT_MAX)
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

void orch_token_tenant(struct db *db, const char *hash, orch_json_cb cb, void *arg)
{
    const char *p[] = {hash};
    orch_query_json(db, "SELECT json_build_object('tenant', tenant, 'read_only', read_only, "
                        "'revoked', revoked_at IS NOT NULL) FROM api_tokens WHERE hash = $1",
                    1, p, cb, arg);
}

/* One statement on its own connection, after the migrations (the token commands run
 * before or beside serve). Returns the result (PQclear it), or NULL with the reason
 * logged. */
static PGresult *exec_once(const char *conninfo, const char *sql, int n, const char *const *p)
{
    if (orch_migrate(conninfo, 10) < 0)
        return NULL;
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        CF_LOG_ERROR("token", "database: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PGresult *res = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        CF_LOG_ERROR("token", "database: %s", PQresultErrorMessage(res));
        PQclear(res);
        res = NULL;
    }
    PQfinish(c);
    return res;
}

long long orch_token_create(const char *conninfo, const char *tenant, int read_only,
                            char out[65])
{
    char hash[65];

    if (!orch_tenant_name_ok(tenant)) {
        CF_LOG_ERROR("token", "tenant name '%s': 1..%d letters, digits, '.', '_' or '-'",
                     tenant, ORCH_TENANT_MAX);
        return -1;
    }
    if (orch_token_new(out) != 0) {
        CF_LOG_ERROR("token", "no randomness available");
        return -1;
    }
    orch_sha256_hex(out, hash);
    const char *p[] = {hash, tenant, read_only ? "true" : "false"};
    PGresult *res = exec_once(conninfo, "INSERT INTO api_tokens (hash, tenant, read_only) "
                                        "VALUES ($1, $2, $3::boolean) RETURNING id", 3, p);
    long long id = res && PQntuples(res) == 1 ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
    PQclear(res);
    return id;
}

json_t *orch_token_list(const char *conninfo, const char *tenant)
{
    const char *p[] = {tenant};
    PGresult *res = exec_once(
        conninfo,
        "SELECT COALESCE(json_agg(json_build_object('id', id, 'tenant', tenant, "
        "  'read_only', read_only, 'created_at', " ORCH_SQL_RFC3339("created_at") ", "
        "  'hash_tail', right(hash, 4), 'revoked_at', " ORCH_SQL_RFC3339("revoked_at") ") "
        "  ORDER BY tenant, id), '[]'::json) "
        "FROM api_tokens WHERE $1::text IS NULL OR tenant = $1",
        1, p);
    json_t *list = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
    PQclear(res);
    return list;
}

int orch_token_revoke(const char *conninfo, long long id, char tenant[ORCH_TENANT_MAX + 1])
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *p[] = {ids};
    /* the row as it was: revoked_at NULL when this call revoked it */
    PGresult *res = exec_once(
        conninfo,
        "WITH o AS (SELECT id, tenant, revoked_at FROM api_tokens WHERE id = $1::bigint "
        "  FOR UPDATE), "
        "u AS (UPDATE api_tokens t SET revoked_at = now() FROM o "
        "  WHERE t.id = o.id AND o.revoked_at IS NULL) "
        "SELECT tenant, revoked_at IS NOT NULL FROM o",
        1, p);
    if (!res)
        return ORCH_TOKEN_ERROR;
    int r = PQntuples(res) == 0                     ? ORCH_TOKEN_UNKNOWN
            : strcmp(PQgetvalue(res, 0, 1), "t") == 0 ? ORCH_TOKEN_WAS_REVOKED
                                                      : ORCH_TOKEN_REVOKED;
    if (PQntuples(res) == 1)
        snprintf(tenant, ORCH_TENANT_MAX + 1, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return r;
}

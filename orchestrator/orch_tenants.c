#include "orch_tenants.h"

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
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
    orch_query_json(db, "SELECT json_build_object('tenant', tenant) FROM api_tokens "
                        "WHERE hash = $1", 1, p, cb, arg);
}

int orch_token_create(const char *conninfo, const char *tenant, char out[65])
{
    char hash[65];

    if (!orch_tenant_name_ok(tenant)) {
        CF_LOG_ERROR("token", "tenant name '%s': 1..%d letters, digits, '.', '_' or '-'",
                     tenant, ORCH_TENANT_MAX);
        return -1;
    }
    if (orch_migrate(conninfo, 10) < 0)
        return -1;
    if (orch_token_new(out) != 0) {
        CF_LOG_ERROR("token", "no randomness available");
        return -1;
    }
    orch_sha256_hex(out, hash);
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        CF_LOG_ERROR("token", "database: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    const char *p[] = {hash, tenant};
    PGresult *res = PQexecParams(c, "INSERT INTO api_tokens (hash, tenant) VALUES ($1, $2)", 2,
                                 NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        CF_LOG_ERROR("token", "cannot store the token: %s", PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* Each CPO as an OCPI 2.2.1 party: versions, version details, credentials (the
 * registration handshake with an eMSP) and the locations module (sender). OCPI has its
 * own tokens ("Authorization: Token <token>", base64-encoded as 2.2.1 says, or raw as
 * older peers send it): token A registers once, token C is the registered eMSP's.
 * Every answer is an OCPI envelope {data, status_code, status_message, timestamp}. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_handlers.h"
#include "fleet_ocpi_schema.h"
#include "cf_log.h"
#include "orch_ocpi.h"
#include "orch_tenants.h"

#define FETCH_TIMEOUT_S 10

enum {
    OCPI_OK = 1000,
    OCPI_CLIENT_ERROR = 2000,
    OCPI_BAD_PARAMS = 2001,   /* also: invalid or missing token */
    OCPI_UNKNOWN_LOCATION = 2003,
    OCPI_CLIENT_API_UNUSABLE = 3001,
};

/* Answers an OCPI envelope (data stolen, may be NULL) and frees op. */
static void reply(struct op *op, int http, json_t *data, int code, const char *msg)
{
    char now[32];

    cf_now_rfc3339(now);
    json_t *env = json_pack("{s:i,s:s,s:s}", "status_code", code, "status_message", msg,
                            "timestamp", now);
    if (data)
        json_object_set_new(env, "data", data);
    api_req_respond_json(op->req, http, env);
    op_free(op);
}

static void fail(struct op *op, int http, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(struct op *op, int http, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    reply(op, http, NULL, code, msg);
}

static const char *st(struct op *op, const char *key)
{
    return json_string_value(json_object_get(op->state, key));
}

/* The CPO's OCPI version: "2.2.1" or "2.1.1" (a CPO is one or the other). */
static const char *ver(struct op *op)
{
    return st(op, "ocpi_version");
}

static int v211(struct op *op)
{
    return strcmp(ver(op), "2.1.1") == 0;
}

/* Our URLs: <public>/ocpi/<cpo>/versions, or <public>/ocpi/<cpo>/<version><suffix>. */
static void url_of(struct op *op, char *out, size_t n, const char *tail)
{
    snprintf(out, n, "%s/ocpi/%s/%s", op->api->public_url, op->p[0], tail);
}

static void url_v(struct op *op, char *out, size_t n, const char *suffix)
{
    snprintf(out, n, "%s/ocpi/%s/%s%s", op->api->public_url, op->p[0], ver(op), suffix);
}

/* ---- authentication: who is this token, for this CPO ---- */

typedef void (*ocpi_next)(struct op *op);

/* The token of "Token <t>": decoded when it is base64 of printable text (2.2.1), else
 * as given (2.1.1 peers). */
static int presented_token(struct op *op, char *raw, size_t rn, char *decoded, size_t dn)
{
    const char *auth = api_req_authorization(op->req);

    if (strncasecmp(auth, "Token ", 6) != 0 || !auth[6] || strlen(auth + 6) >= rn)
        return -1;
    snprintf(raw, rn, "%s", auth + 6);
    int n = lws_b64_decode_string(raw, decoded, (int)dn - 1);
    decoded[n > 0 ? n : 0] = '\0';
    for (int i = 0; i < n; i++) {
        if (!isgraph((unsigned char)decoded[i])) {
            decoded[0] = '\0';
            break;
        }
    }
    return 0;
}

static void authed(enum orch_status s, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    ocpi_next next = op->next;

    if (s == ORCH_NOT_FOUND) {
        fail(op, 404, OCPI_CLIENT_ERROR, "unknown CPO %s", op->p[0]);
        return;
    }
    if (s != ORCH_OK) {
        CF_LOG_WARN("ocpi", "database: %s", detail);
        fail(op, 503, 3000, "database unavailable");
        return;
    }
    json_t *doc = parse_doc(json);
    json_object_update(op->state, doc);
    json_decref(doc);
    if (!st(op, "kind")) {
        fail(op, 401, OCPI_BAD_PARAMS, "invalid or missing token (Authorization: Token ...)");
        return;
    }
    const char *path = api_req_path(op->req);
    const char *asked = strstr(path, "/2.1.1") ? "2.1.1" : strstr(path, "/2.2.1") ? "2.2.1" : NULL;
    if (asked && strcmp(asked, ver(op)) != 0) {
        fail(op, 404, OCPI_CLIENT_ERROR, "CPO %s is an OCPI %s network (see its versions)",
             op->p[0], ver(op));
        return;
    }
    next(op);
}

static void ocpi_auth(struct op *op, ocpi_next next)
{
    char raw[256], decoded[256], h1[65], h2[65];

    if (!is_id(op->p[0])) {
        fail(op, 404, OCPI_CLIENT_ERROR, "unknown CPO %.40s", op->p[0]);
        return;
    }
    if (presented_token(op, raw, sizeof raw, decoded, sizeof decoded) != 0) {
        fail(op, 401, OCPI_BAD_PARAMS, "invalid or missing token (Authorization: Token ...)");
        return;
    }
    orch_sha256_hex(raw, h1);
    orch_sha256_hex(decoded[0] ? decoded : raw, h2);
    op->state = json_pack("{s:s}", "token", decoded[0] ? decoded : raw);
    op->next = next;
    char hashes[160];
    snprintf(hashes, sizeof hashes, "[\"%s\",\"%s\"]", h1, h2);
    orch_ocpi_auth(op->api->db, op->p[0], hashes, authed, op);
}

/* ---- versions and version details ---- */

static void versions(struct op *op)
{
    char url[512];

    url_v(op, url, sizeof url, "");
    reply(op, 200, json_pack("[{s:s,s:s}]", "version", ver(op), "url", url), OCPI_OK,
          "Success");
}

void ocpi_versions(struct op *op) { ocpi_auth(op, versions); }

static void details(struct op *op)
{
    char cred[512], locs[512];

    url_v(op, cred, sizeof cred, "/credentials");
    url_v(op, locs, sizeof locs, "/locations");
    if (v211(op)) {   /* 2.1.1 endpoints have no role */
        reply(op, 200, json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s}]}", "version", ver(op),
                                 "endpoints", "identifier", "credentials", "url", cred,
                                 "identifier", "locations", "url", locs),
              OCPI_OK, "Success");
        return;
    }
    reply(op, 200, json_pack("{s:s,s:[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]}",
                             "version", ver(op), "endpoints",
                             "identifier", "credentials", "role", "SENDER", "url", cred,
                             "identifier", "credentials", "role", "RECEIVER", "url", cred,
                             "identifier", "locations", "role", "SENDER", "url", locs),
          OCPI_OK, "Success");
}

void ocpi_details(struct op *op) { ocpi_auth(op, details); }

/* ---- credentials ---- */

/* Our side of the credentials: token (the eMSP's token C), our versions URL, our role. */
static json_t *our_credentials(struct op *op, const char *token)
{
    char url[512];

    url_of(op, url, sizeof url, "versions");
    if (v211(op))
        return json_pack("{s:s,s:s,s:{s:s},s:s,s:s}", "token", token, "url", url,
                         "business_details", "name", st(op, "name"), "party_id",
                         st(op, "party_id"), "country_code", st(op, "country_code"));
    return json_pack("{s:s,s:s,s:[{s:s,s:s,s:s,s:{s:s}}]}", "token", token, "url", url,
                     "roles", "role", "CPO", "party_id", st(op, "party_id"), "country_code",
                     st(op, "country_code"), "business_details", "name", st(op, "name"));
}

/* A 2.1.1 credentials object: the party at the top level, no roles. */
static int credentials_211_ok(json_t *c, char *why, size_t n)
{
    const char *pid = json_string_value(json_object_get(c, "party_id"));
    const char *cc = json_string_value(json_object_get(c, "country_code"));

    if (!pid || strlen(pid) != 3)
        return snprintf(why, n, "party_id: 3 characters"), 0;
    if (!cc || strlen(cc) != 2)
        return snprintf(why, n, "country_code: 2 characters"), 0;
    if (!json_is_string(json_object_get(json_object_get(c, "business_details"), "name")))
        return snprintf(why, n, "business_details.name: required"), 0;
    return 1;
}

/* Checks an eMSP's credentials object; names the first bad field in why. */
static int credentials_ok(json_t *c, int v211, char *why, size_t n)
{
    static const char *const roles[] = {"CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"};
    const char *token = json_string_value(json_object_get(c, "token"));
    const char *url = json_string_value(json_object_get(c, "url"));
    json_t *rs = json_object_get(c, "roles"), *r;
    size_t i;

    if (!json_is_object(c))
        return snprintf(why, n, "the body must be a credentials object"), 0;
    if (!token || !*token || strlen(token) > 64)
        return snprintf(why, n, "token: a string of 1..64 characters"), 0;
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
        strlen(url) > 255)
        return snprintf(why, n, "url: the http(s) URL of your versions endpoint"), 0;
    if (v211)
        return credentials_211_ok(c, why, n);
    if (!json_is_array(rs) || json_array_size(rs) == 0)
        return snprintf(why, n, "roles: a non-empty list of CredentialsRole"), 0;
    json_array_foreach(rs, i, r) {
        const char *role = json_string_value(json_object_get(r, "role"));
        const char *pid = json_string_value(json_object_get(r, "party_id"));
        const char *cc = json_string_value(json_object_get(r, "country_code"));
        int known = 0;
        for (size_t k = 0; role && k < sizeof roles / sizeof roles[0]; k++)
            known |= strcmp(role, roles[k]) == 0;
        if (!known)
            return snprintf(why, n, "roles[%zu].role: one of CPO, EMSP, HUB, NAP, NSP, OTHER, "
                            "SCSP", i), 0;
        if (!pid || strlen(pid) != 3)
            return snprintf(why, n, "roles[%zu].party_id: 3 characters", i), 0;
        if (!cc || strlen(cc) != 2)
            return snprintf(why, n, "roles[%zu].country_code: 2 characters", i), 0;
        if (!json_is_string(json_object_get(json_object_get(r, "business_details"), "name")))
            return snprintf(why, n, "roles[%zu].business_details.name: required", i), 0;
    }
    return 1;
}

void api_ocpi_auth_header(const char *version, const char *token, char *out, size_t n)
{
    char b64[200];

    if (version && strcmp(version, "2.1.1") == 0)
        snprintf(b64, sizeof b64, "%s", token);
    else
        lws_b64_encode_string(token, (int)strlen(token), b64, sizeof b64);
    snprintf(out, n, "Token %s", b64);
}

/* Parses an OCPI envelope of a fetch; returns its data (borrowed from *env) or NULL
 * with why. */
static json_t *envelope_data(int status, const char *body, const char *err, json_t **env,
                             char *why, size_t n)
{
    json_error_t e;

    *env = NULL;
    if (err)
        return snprintf(why, n, "%s", err), NULL;
    if (status != 200)
        return snprintf(why, n, "HTTP %d", status), NULL;
    *env = json_loads(body, 0, &e);
    if (!*env)
        return snprintf(why, n, "not JSON: %s", e.text), NULL;
    if (json_integer_value(json_object_get(*env, "status_code")) != OCPI_OK)
        return snprintf(why, n, "status_code %lld",
                        (long long)json_integer_value(json_object_get(*env, "status_code"))),
               NULL;
    json_t *d = json_object_get(*env, "data");
    if (!d)
        snprintf(why, n, "no data");
    return d;
}

static void registered(enum orch_status s, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    int put = api_req_method(op->req) == API_PUT;

    if (s != ORCH_OK) {
        CF_LOG_WARN("ocpi", "database: %s", detail);
        fail(op, 503, 3000, "database unavailable");
        return;
    }
    json_t *doc = parse_doc(json);
    int ok = json_is_true(json_object_get(doc, "ok"));
    json_decref(doc);
    if (!ok) {
        fail(op, 405, OCPI_CLIENT_ERROR, put ? "not registered: POST credentials first"
                                             : "already registered: use PUT to update");
        return;
    }
    CF_LOG_INFO("ocpi", "CPO %s: eMSP %s (%s)", op->p[0], put ? "updated its credentials"
                                                              : "registered",
                st(op, "versions_url"));
    reply(op, 200, our_credentials(op, st(op, "token_c")), OCPI_OK, "Success");
}

static void got_details(int status, const char *body, const char *err, void *arg)
{
    struct op *op = arg;
    json_t *env;
    char why[300], token_c[65], hash[65];
    json_t *d = envelope_data(status, body, err, &env, why, sizeof why);
    json_t *endpoints = json_object_get(d, "endpoints");

    if (!json_is_array(endpoints)) {
        json_decref(env);
        fail(op, 400, OCPI_CLIENT_API_UNUSABLE, "unable to use your API: GET %s: %s",
             st(op, "details_url"), d ? "no endpoints" : why);
        return;
    }
    if (orch_token_new(token_c) != 0) {
        json_decref(env);
        fail(op, 500, 3000, "no randomness available");
        return;
    }
    orch_sha256_hex(token_c, hash);
    json_object_set_new(op->state, "token_c", json_string(token_c));
    json_t *roles = v211(op) ? json_pack("[{s:s,s:O,s:O,s:O}]", "role", "EMSP", "party_id",
                                         json_object_get(op->body, "party_id"), "country_code",
                                         json_object_get(op->body, "country_code"),
                                         "business_details",
                                         json_object_get(op->body, "business_details"))
                             : json_incref(json_object_get(op->body, "roles"));
    json_t *peer = json_pack("{s:O,s:s,s:O,s:s,s:O,s:o}", "token_b",
                             json_object_get(op->body, "token"), "token_c_hash", hash,
                             "versions_url", json_object_get(op->body, "url"), "version",
                             ver(op), "endpoints", endpoints, "roles", roles);
    char *text = json_dumps(peer, JSON_COMPACT);
    json_decref(peer);
    json_decref(env);
    json_object_set(op->state, "versions_url", json_object_get(op->body, "url"));
    orch_ocpi_register(op->api->db, op->p[0], text, api_req_method(op->req) == API_PUT,
                       registered, op);
    free(text);
}

static void got_versions(int status, const char *body, const char *err, void *arg)
{
    struct op *op = arg;
    json_t *env, *v;
    char why[300], auth[256];
    const char *url = NULL;
    size_t i;
    json_t *d = envelope_data(status, body, err, &env, why, sizeof why);

    json_array_foreach(d, i, v) {
        if (json_is_string(json_object_get(v, "version")) &&
            strcmp(json_string_value(json_object_get(v, "version")), ver(op)) == 0)
            url = json_string_value(json_object_get(v, "url"));
    }
    if (!url) {
        if (d)
            snprintf(why, sizeof why, "no version %s offered", ver(op));
        fail(op, 400, OCPI_CLIENT_API_UNUSABLE, "unable to use your API: GET %s: %s",
             json_string_value(json_object_get(op->body, "url")), why);
        json_decref(env);
        return;
    }
    json_object_set_new(op->state, "details_url", json_string(url));
    json_decref(env);
    api_ocpi_auth_header(ver(op), json_string_value(json_object_get(op->body, "token")), auth,
                         sizeof auth);
    api_fetch(&op->api->fetch, "GET", st(op, "details_url"), auth, NULL, FETCH_TIMEOUT_S,
              got_details, op);
}

/* POST (token A) registers, PUT (token C) updates: both fetch the eMSP's versions and
 * version details with its token B before answering with a new token C. */
static void credentials_exchange(struct op *op)
{
    json_error_t e;
    size_t len;
    const char *text = api_req_body(op->req, &len);
    char why[200], auth[256];

    op->body = json_loadb(text, len, 0, &e);
    if (!op->body) {
        fail(op, 400, OCPI_BAD_PARAMS, "malformed JSON: %s", e.text);
        return;
    }
    if (!credentials_ok(op->body, v211(op), why, sizeof why)) {
        fail(op, 400, OCPI_BAD_PARAMS, "%s", why);
        return;
    }
    if (!op->api->fetch.vh) {
        fail(op, 503, 3000, "not ready");
        return;
    }
    api_ocpi_auth_header(ver(op), json_string_value(json_object_get(op->body, "token")), auth,
                         sizeof auth);
    api_fetch(&op->api->fetch, "GET", json_string_value(json_object_get(op->body, "url")), auth,
              NULL, FETCH_TIMEOUT_S, got_versions, op);
}

static void unregistered(enum orch_status s, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (s != ORCH_OK) {
        CF_LOG_WARN("ocpi", "database: %s", detail);
        fail(op, 503, 3000, "database unavailable");
        return;
    }
    CF_LOG_INFO("ocpi", "CPO %s: eMSP unregistered", op->p[0]);
    reply(op, 200, NULL, OCPI_OK, "Success");
}

static void credentials(struct op *op)
{
    int token_a = strcmp(st(op, "kind"), "A") == 0;

    switch (api_req_method(op->req)) {
    case API_POST:
        if (!token_a) {
            fail(op, 405, OCPI_CLIENT_ERROR, "already registered: use PUT to update");
            return;
        }
        credentials_exchange(op);
        return;
    case API_GET:
    case API_PUT:
    case API_DELETE:
        if (token_a) {
            fail(op, 405, OCPI_CLIENT_ERROR, "not registered: POST credentials with token A");
            return;
        }
        if (api_req_method(op->req) == API_GET)
            reply(op, 200, our_credentials(op, st(op, "token")), OCPI_OK, "Success");
        else if (api_req_method(op->req) == API_PUT)
            credentials_exchange(op);
        else
            orch_ocpi_unregister(op->api->db, op->p[0], unregistered, op);
        return;
    case API_PATCH:
    case API_OTHER:
        break;
    }
    fail(op, 405, OCPI_CLIENT_ERROR, "method not allowed");
}

void ocpi_credentials(struct op *op) { ocpi_auth(op, credentials); }

/* ---- locations (sender) ---- */

static void page_answer(enum orch_status s, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;

    if (s != ORCH_OK) {
        CF_LOG_WARN("ocpi", "database: %s", detail);
        fail(op, 503, 3000, "database unavailable");
        return;
    }
    json_t *doc = parse_doc(json);
    long total = (long)json_integer_value(json_object_get(doc, "total"));
    long offset = (long)json_integer_value(json_object_get(op->state, "offset"));
    long limit = (long)json_integer_value(json_object_get(op->state, "limit"));
    char n[32], link[1024], base[512];

    snprintf(n, sizeof n, "%ld", total);
    api_req_set_header(op->req, "X-Total-Count", n);
    snprintf(n, sizeof n, "%ld", limit);
    api_req_set_header(op->req, "X-Limit", n);
    if (offset + limit < total) {
        url_v(op, base, sizeof base, "/locations");
        int k = snprintf(link, sizeof link, "<%s?offset=%ld&limit=%ld", base, offset + limit,
                         limit);
        if (st(op, "date_from"))
            k += snprintf(link + k, sizeof link - (size_t)k, "&date_from=%s",
                          st(op, "date_from"));
        if (st(op, "date_to"))
            k += snprintf(link + k, sizeof link - (size_t)k, "&date_to=%s", st(op, "date_to"));
        snprintf(link + k, sizeof link - (size_t)k, ">; rel=\"next\"");
        api_req_set_header(op->req, "Link", link);
    }
    reply(op, 200, json_incref(json_object_get(doc, "data")), OCPI_OK, "Success");
    json_decref(doc);
}

/* A Location, or one of its EVSEs (p[2]) or that EVSE's connectors (p[3]). */
static void object_answer(enum orch_status s, const char *json, const char *detail, void *arg)
{
    struct op *op = arg;
    json_t *doc = NULL, *found = NULL, *e;
    size_t i;

    if (s == ORCH_DB_ERROR || s == ORCH_CONFLICT) {
        CF_LOG_WARN("ocpi", "database: %s", detail);
        fail(op, 503, 3000, "database unavailable");
        return;
    }
    if (s == ORCH_OK) {
        doc = parse_doc(json);
        found = doc;
        if (op->p[2][0]) {
            found = NULL;
            json_array_foreach(json_object_get(doc, "evses"), i, e) {
                if (strcmp(json_string_value(json_object_get(e, "uid")), op->p[2]) == 0)
                    found = e;
            }
        }
        if (found && op->p[3][0]) {
            json_t *evse = found;
            found = NULL;
            json_array_foreach(json_object_get(evse, "connectors"), i, e) {
                if (strcmp(json_string_value(json_object_get(e, "id")), op->p[3]) == 0)
                    found = e;
            }
        }
    }
    if (!found) {
        json_decref(doc);
        fail(op, 404, OCPI_UNKNOWN_LOCATION, "unknown %s",
             op->p[3][0] ? "connector" : op->p[2][0] ? "EVSE" : "location");
        return;
    }
    reply(op, 200, json_incref(found), OCPI_OK, "Success");
    json_decref(doc);
}

static void locations(struct op *op)
{
    long offset = 0, limit = 50;
    const char *from = api_req_arg(op->req, "date_from");
    const char *to = api_req_arg(op->req, "date_to");

    if (strcmp(st(op, "kind"), "C") != 0) {
        fail(op, 401, OCPI_BAD_PARAMS, "token A only registers: POST credentials first");
        return;
    }
    if (op->p[1][0]) {
        if (!is_uuid(op->p[1])) {
            fail(op, 404, OCPI_UNKNOWN_LOCATION, "unknown location");
            return;
        }
        orch_ocpi_location(op->api->db, op->p[0], op->p[1], object_answer, op);
        return;
    }
    if (query_long(op, "offset", 0, 1000000000L, &offset) < 0 ||
        query_long(op, "limit", 1, 100, &limit) < 0) {
        fail(op, 400, OCPI_BAD_PARAMS, "offset is an integer >= 0; limit an integer 1..100");
        return;
    }
    if ((from && !fleet_ocpi_datetime_ok(from)) || (to && !fleet_ocpi_datetime_ok(to))) {
        fail(op, 400, OCPI_BAD_PARAMS, "date_from / date_to are RFC 3339 date-times");
        return;
    }
    json_object_set_new(op->state, "offset", json_integer(offset));
    json_object_set_new(op->state, "limit", json_integer(limit));
    if (from)
        json_object_set_new(op->state, "date_from", json_string(from));
    if (to)
        json_object_set_new(op->state, "date_to", json_string(to));
    orch_ocpi_locations(op->api->db, op->p[0], offset, limit, from, to, page_answer, op);
}

void ocpi_locations(struct op *op) { ocpi_auth(op, locations); }

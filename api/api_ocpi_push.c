#include "api_ocpi_push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "api_handlers.h"
#include "cf_log.h"
#include "orch_ocpi.h"

#define BATCH 50
#define HOLD_S 60          /* a claimed PATCH is retried after this if we die meanwhile */
#define FETCH_TIMEOUT_S 10

struct api_ocpi_push {
    uv_timer_t timer;
    struct db *db;
    struct api_fetch_env env;
    int pending;           /* claims, PATCHes and outcome writes in flight */
    int stopping, closed;
};

struct item {
    struct api_ocpi_push *p;
    char id[24], seq[24], url[600];
};

static void maybe_free(struct api_ocpi_push *p)
{
    if (p->closed && p->pending == 0)
        free(p);
}

static void written(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct api_ocpi_push *p = arg;
    (void)json;
    if (st == ORCH_DB_ERROR)
        CF_LOG_WARN("ocpi", "push outcome not written (the PATCH is sent again): %s", detail);
    p->pending--;
    maybe_free(p);
}

static void sent(int status, const char *body, const char *err, void *arg)
{
    struct item *it = arg;
    struct api_ocpi_push *p = it->p;
    char why[300] = "";
    json_t *env = status == 200 ? json_loads(body, 0, NULL) : NULL;

    if (err)
        snprintf(why, sizeof why, "%s", err);
    else if (status < 200 || status > 299)
        snprintf(why, sizeof why, "HTTP %d", status);
    else if (json_integer_value(json_object_get(env, "status_code")) != 1000)
        snprintf(why, sizeof why, "OCPI status_code %lld",
                 (long long)json_integer_value(json_object_get(env, "status_code")));
    json_decref(env);
    if (why[0])
        CF_LOG_WARN("ocpi", "PATCH %s: %s (will retry)", it->url, why);
    else
        CF_LOG_DEBUG("ocpi", "PATCH %s: accepted", it->url);
    orch_ocpi_push_done(p->db, it->id, it->seq, why[0] ? why : NULL, written, p);
    free(it);
}

static void claimed(enum orch_status st, const char *json, const char *detail, void *arg)
{
    struct api_ocpi_push *p = arg;
    json_t *doc = st == ORCH_OK ? json_loads(json, 0, NULL) : NULL, *e;
    size_t i;

    if (st == ORCH_DB_ERROR)
        CF_LOG_DEBUG("ocpi", "push claim failed: %s", detail);
    json_array_foreach(json_object_get(doc, "items"), i, e) {
        struct item *it = calloc(1, sizeof *it);
        char *body = json_dumps(json_object_get(e, "body"), JSON_COMPACT);
        char auth[256];
        const char *token = json_string_value(json_object_get(e, "token_b"));
        if (!it || !body || !token) {
            free(it);
            free(body);
            continue;
        }
        it->p = p;
        snprintf(it->id, sizeof it->id, "%lld", (long long)json_integer_value(json_object_get(e, "id")));
        snprintf(it->seq, sizeof it->seq, "%lld", (long long)json_integer_value(json_object_get(e, "seq")));
        snprintf(it->url, sizeof it->url, "%s", json_string_value(json_object_get(e, "url")));
        api_ocpi_auth_header(json_string_value(json_object_get(e, "ocpi_version")), token, auth,
                             sizeof auth);
        p->pending++;
        api_fetch(&p->env, "PATCH", it->url, auth, body, FETCH_TIMEOUT_S, sent, it);
        free(body);
    }
    json_decref(doc);
    p->pending--;
    maybe_free(p);
}

static void tick(uv_timer_t *t)
{
    struct api_ocpi_push *p = t->data;
    if (p->stopping || !db_ready(p->db) || p->pending > 0)
        return;
    p->pending++;
    orch_ocpi_push_claim(p->db, BATCH, HOLD_S, claimed, p);
}

struct api_ocpi_push *api_ocpi_push_start(struct db *db, const struct api_fetch_env *env,
                                          int interval_ms)
{
    struct api_ocpi_push *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->db = db;
    p->env = *env;
    uv_timer_init(env->loop, &p->timer);
    p->timer.data = p;
    uv_timer_start(&p->timer, tick, (uint64_t)interval_ms, (uint64_t)interval_ms);
    return p;
}

static void timer_closed(uv_handle_t *h)
{
    struct api_ocpi_push *p = h->data;
    p->closed = 1;
    maybe_free(p);
}

void api_ocpi_push_stop(struct api_ocpi_push *p)
{
    if (!p)
        return;
    p->stopping = 1;
    uv_close((uv_handle_t *)&p->timer, timer_closed);
}

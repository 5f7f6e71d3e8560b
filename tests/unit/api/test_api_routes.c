/* The route table and the OpenAPI document (api/openapi.json) describe the same API:
 * every route is documented with its method, and every documented operation is a
 * route. Also checks that the document is valid JSON of OpenAPI 3.1 and that every
 * $ref points somewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "api_routes.h"

static const char *method_name(enum api_method m)
{
    switch (m) {
    case API_GET: return "get";
    case API_POST: return "post";
    case API_PUT: return "put";
    case API_PATCH: return "patch";
    case API_DELETE: return "delete";
    case API_OTHER: return "?";
    }
    return "?";
}

/* "/a/{x}/b" -> "/a/ * /b" (without spaces): the route table's spelling. */
static void to_pattern(const char *path, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = path; *p && o + 1 < n; p++) {
        if (*p == '{') {
            out[o++] = '*';
            p = strchr(p, '}');
            assert_non_null(p);
        } else {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
}

static json_t *doc(void)
{
    json_error_t e;
    json_t *d = json_loads(api_openapi_json, 0, &e);
    if (!d)
        fail_msg("api/openapi.json: %s (line %d)", e.text, e.line);
    return d;
}

static void test_every_route_documented(void **state)
{
    (void)state;
    json_t *d = doc(), *paths = json_object_get(d, "paths");
    enum api_method m;
    const char *pattern;
    int n = 0;

    for (size_t i = 0; api_route_at(i, &m, &pattern) == 0; i++, n++) {
        int found = 0;
        const char *path;
        json_t *item;
        json_object_foreach(paths, path, item) {
            char pat[512];
            to_pattern(path, pat, sizeof pat);
            if (strcmp(pat, pattern) == 0 && json_object_get(item, method_name(m)))
                found = 1;
        }
        if (!found)
            fail_msg("route %s %s is not in api/openapi.json", method_name(m), pattern);
    }
    assert_true(n > 20);
    json_decref(d);
}

static void test_every_operation_routed(void **state)
{
    (void)state;
    json_t *d = doc(), *item;
    const char *path;

    json_object_foreach(json_object_get(d, "paths"), path, item) {
        const char *method;
        json_t *o;
        char pat[512];
        to_pattern(path, pat, sizeof pat);
        json_object_foreach(item, method, o) {
            enum api_method m;
            const char *pattern;
            int found = 0;
            for (size_t i = 0; api_route_at(i, &m, &pattern) == 0; i++)
                found |= strcmp(pattern, pat) == 0 && strcmp(method_name(m), method) == 0;
            if (!found)
                fail_msg("api/openapi.json has %s %s: no such route", method, path);
            assert_non_null(json_object_get(o, "responses"));
        }
    }
    json_decref(d);
}

/* Every "$ref": "#/a/b/c" resolves inside the document. */
static void check_refs(json_t *root, json_t *j)
{
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) {
            if (strcmp(k, "$ref") == 0) {
                const char *ref = json_string_value(v);
                assert_non_null(ref);
                assert_true(strncmp(ref, "#/", 2) == 0);
                char buf[256];
                snprintf(buf, sizeof buf, "%s", ref + 2);
                json_t *at = root;
                char *save = NULL;
                for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save))
                    at = json_object_get(at, t);
                if (!at)
                    fail_msg("dangling $ref %s", ref);
            } else {
                check_refs(root, v);
            }
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            check_refs(root, v);
    }
}

static void test_document_shape(void **state)
{
    (void)state;
    json_t *d = doc();
    assert_string_equal(json_string_value(json_object_get(d, "openapi")), "3.1.0");
    assert_non_null(json_object_get(json_object_get(d, "info"), "title"));
    check_refs(d, d);
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_every_operation_routed),
        cmocka_unit_test(test_document_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

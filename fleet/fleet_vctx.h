/* The toolkit of request validation (fleet/'s validators, and the API's own checks of a
 * command's target and query arguments): a validation context that
 * collects every problem as an HTTPValidationError item, and the field checkers the
 * validators share (fleet_validate.c: creates; fleet_validate_update.c: updates, models). */
#ifndef FLEET_VCTX_H
#define FLEET_VCTX_H

#include <jansson.h>
#include <stddef.h>

#include "fleet_expand.h"
#include "fleet_valid.h"

/* State of one validation: the detail list, the identities of the location being
 * checked, the request's charger count and its random stream. */
struct vctx {
    json_t *errors;
    json_t *warnings;        /* what was done as asked but may surprise: strings */
    json_t *seen;
    json_t *custom;          /* the tenant's custom models {"brand/model": doc}, borrowed */
    long total;
    int defer;               /* groups stay groups (expanded after the 202), see vc_group */
    int template_groups;     /* a template's groups: one of size 0 is no error (overrides) */
    const char *pre_field;   /* the body field (at a group's loc) that sets what vc_group's
                                pre starts with, to blame when it leaves no room; NULL: the
                                group template's identity_prefix */
    struct fleet_rng rng;
};

#define AT_KEY(loc, k) vc_at(loc, json_string(k))
#define AT_IDX(loc, i) vc_at(loc, json_integer((json_int_t)(i)))

/* loc + [item] (new reference; item stolen). */
json_t *vc_at(json_t *loc, json_t *item);
/* Adds {loc, msg, type}; takes loc. */
void vc_err(struct vctx *v, json_t *loc, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Optional / required string fields: NULL when absent (required: error) or of the
 * wrong type (error). The string is borrowed from obj. */
const char *vc_opt_str(struct vctx *v, json_t *obj, const char *key, json_t *loc);
const char *vc_req_str(struct vctx *v, json_t *obj, const char *key, json_t *loc);
/* An optional integer field in [min, max]: 1 and *out when present and valid, 0 when
 * absent (or null), -1 when invalid (error added). */
int vc_opt_int(struct vctx *v, json_t *obj, const char *key, json_t *loc, long min, long max,
               long *out);
/* An optional string of 1..max characters (null allowed when nullable), copied into
 * out under key when present. */
void vc_copy_str(struct vctx *v, json_t *obj, const char *key, size_t max, int nullable,
                 json_t *loc, json_t *out);
/* Every key of obj must be in allowed (NULL-terminated); others are reported. */
void vc_only_keys(struct vctx *v, json_t *obj, const char *const *allowed, json_t *loc);
/* A coordinate: a decimal string (or a number, formatted into buf). */
const char *vc_coord(struct vctx *v, json_t *coords, const char *key, json_t *loc, char *buf,
                     size_t n);

/* A coordinate that must lie in [-lim, lim] (latitude 90, longitude 180): vc_coord's
 * text, or NULL with an error added. */
const char *vc_coordinate(struct vctx *v, json_t *coords, const char *key, double lim,
                          json_t *loc, char *buf, size_t n);

/* Value shapes. */
int vc_upper_alnum(const char *s, size_t min, size_t max, int digits);
int vc_contains(json_t *arr, const char *s);           /* a JSON array of strings */
int vc_in_list(const char *const *list, const char *s); /* a NULL-terminated list */
int vc_ws_url_ok(const char *s);
#define VC_IDENTITY_CHARS                                                                 \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
int vc_identity_ok(const char *s);  /* VC_IDENTITY_CHARS only, not "." or ".." */
#define VC_IDENTITY_RULE                                                                  \
    "the URL-safe characters A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved), not '.' or '..'"
/* The message of a ws_url whose host --allow-ws-hosts does not list (%s: the list). */
#define VC_WS_HOST_MSG                                                                    \
    "ws_url: this server connects only to the hosts its operator allows (--allow-ws-hosts " \
    "%s); host names are matched as written, not resolved"
/* A ca_file (fleet_policy_ca_file): 0 with its canonical path in out, or -1 with an error
 * at loc. Takes loc. */
int vc_ca_file(struct vctx *v, const char *path, json_t *loc, char *out, size_t n);

/* Adds a warning (printf-style). */
void vc_warn(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks body against component schema `component` of the API document (fleet_schema.h):
 * its problems are added at loc (borrowed) + their path. Returns how many (a document
 * without that component refuses the body: 1, value_error.schema). The structure of a
 * body is the document's; the validators add what a schema cannot say. */
int vc_schema(struct vctx *v, const char *component, json_t *body, json_t *loc);

/* ---- shared by the create validators (fleet_validate.c, fleet_validate_location.c) ---- */

/* An identity_prefix leaves room for the random hex suffix. */
#define VC_PREFIX_MAX (FLEET_IDENTITY_MAX - FLEET_SUFFIX_HEX)

struct fleet_location_tmpl;

/* The ws_url to use: given (checked) or the fallback; NULL with an error at loc when
 * neither is a usable one. Takes loc. */
const char *vc_ws_url(struct vctx *v, const char *given, const char *fallback, json_t *loc);
/* Checks one charger group {template, charger_ids?, chargers_number?} at loc (borrowed);
 * when it is valid, appends its rows (or, v->defer, its group spec) to rows. pre is put
 * before the group's identity_prefix; ws_fallback as vc_ws_url's. */
void vc_group(struct vctx *v, json_t *g, json_t *loc, const char *pre, const char *ws_fallback,
              json_t *rows);
/* The rows of location template t's groups: counts[g] (when counts is not NULL) is group
 * g's size, version (when not NULL) every group's ocpp_version, ws their ws_url. */
void vc_template_rows(struct vctx *v, const struct fleet_location_tmpl *t, const int *counts,
                      const char *pre, const char *ws, const char *version, json_t *loc,
                      json_t *rows);
/* Template t's location as a raw location body named name (new reference). */
json_t *vc_template_item(const struct fleet_location_tmpl *t, const char *name);
/* A plan's location from item (a raw location body, or a template's location with its
 * overrides; borrowed): its columns, and its OCPI fields (checked) in "ocpi" (new
 * reference, without "chargers"); NULL when anything is wrong (errors added at loc). */
json_t *vc_location_fields(struct vctx *v, json_t *item, json_t *loc, const char *slug);

/* taken: identities already used (copied), or NULL. */
void vc_init(struct vctx *v, json_t *taken);
/* Ends a validation: OK with *plan = result (an object: its "warnings" are the
 * validation's, when there are any), or INVALID with *errors (result freed): one
 * problem per loc, the validator's own where it and the schema both found one. */
enum fleet_valid vc_finish(struct vctx *v, json_t *result, json_t **plan, json_t **errors);

#endif

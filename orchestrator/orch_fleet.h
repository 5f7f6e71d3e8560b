/* The fleet after creation: list, read, update and delete CPOs, locations and chargers,
 * for one tenant (another tenant's resources are ORCH_NOT_FOUND). Each call is one
 * statement answering one JSON document built in SQL, through orch_json_cb.
 *
 * Deleting and reconnecting never touch a websocket from here: rows are marked
 * (sql/003_lifecycle.sql) and the runtime holding each charger closes it, then the row
 * goes (delete) or the charger is claimed again with its new settings (restart). */
#ifndef ORCH_FLEET_H
#define ORCH_FLEET_H

#include "orch_query.h"

/* A page of a listing: page >= 1, 1 <= limit <= 100 (the API checks). */
struct orch_page {
    long page, limit;
};

/* {"data": [cpo...], "page", "limit", "total"}; a cpo is {"cpo_id", "party",
 * "name_prefix", "template", ..., "counts": {locations, chargers, evses, connectors},
 * "status", "expires_at", ...}. */
void orch_list_cpos(struct db *db, const char *tenant, const struct orch_page *pg,
                    orch_json_cb cb, void *arg);
void orch_get_cpo(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                  void *arg);
/* The facts of GET .../report: {"cpo": cpo, "locations": [{name, chargers, ready,
 * failed, connected}], "errors": [{error, count}]} (errors: why the chargers FAILED now
 * failed their step, grouped; not the reason each waits on, which changes by the try) */
void orch_cpo_report(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg);
/* Starts deleting a CPO (hidden at once): {"cpo_id", "status": "DELETING"} */
void orch_delete_cpo(struct db *db, const char *tenant, const char *cpo_id, orch_json_cb cb,
                     void *arg);

/* {"data": [location...], "page", "limit", "total"}; NOT_FOUND when the CPO is. */
void orch_list_locations(struct db *db, const char *tenant, const char *cpo_id,
                         const struct orch_page *pg, orch_json_cb cb, void *arg);
void orch_get_location(struct db *db, const char *tenant, const char *cpo_id,
                       const char *location_id, orch_json_cb cb, void *arg);
/* patch: a JSON object of checked fields (name, address, city, postal_code, country,
 * latitude, longitude, ocpi (merged)); answers the updated location. */
void orch_patch_location(struct db *db, const char *tenant, const char *cpo_id,
                         const char *location_id, const char *patch, orch_json_cb cb,
                         void *arg);
void orch_delete_location(struct db *db, const char *tenant, const char *cpo_id,
                          const char *location_id, orch_json_cb cb, void *arg);

/* Filters of a charger listing; NULL = any. */
struct orch_charger_filter {
    const char *location_id;   /* a uuid; NOT_FOUND when that location is */
    const char *status;        /* PENDING | PROVISIONING | READY | FAILED */
    const char *ocpp_version;  /* OCPP1.6 | OCPP2.0.1 */
};

/* {"data": [charger...], "page", "limit", "total"} */
void orch_list_chargers(struct db *db, const char *tenant, const struct orch_charger_filter *f,
                        const struct orch_page *pg, orch_json_cb cb, void *arg);
void orch_get_charger(struct db *db, const char *tenant, const char *charger_id,
                      orch_json_cb cb, void *arg);
/* The tenant's chargers with OCPP identity `identity` (unique per location, so one per
 * location at most): {"matches": [{charger_id, identity, location_id, location_name}]},
 * oldest first, empty when none. */
void orch_find_chargers(struct db *db, const char *tenant, const char *identity,
                        orch_json_cb cb, void *arg);

/* Updates chargers of a location (location_id) or one charger (location_id NULL and
 * ids = one charger_id). ids: JSON array text of charger ids or identities, NULL = all.
 * changes: JSON object of checked fields (ws_url, ocpp_version, ca_file, template_name).
 * A changed ws_url, ocpp_version or ca_file reconnects the charger and boots it again.
 * {"matched": N, "changed": [{charger_id, identity, fields: [...], reconnects}],
 *  "unchanged": [...ids], "not_found": [...given ids]} */
void orch_update_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *ids, const char *changes, orch_json_cb cb, void *arg);
/* Deletes chargers (websockets closed cleanly first). Same targets as update.
 * {"deleted": N, "charger_ids": [...], "not_found": [...given ids]} */
void orch_delete_chargers(struct db *db, const char *tenant, const char *location_id,
                          const char *ids, orch_json_cb cb, void *arg);

/* The chargers a command targets: every field NULL or not, all given must match. */
struct orch_targets {
    const char *location_id;   /* a location's chargers (uuid) */
    const char *ids;           /* JSON array text of charger ids or identities */
    const char *job_id;        /* the chargers a job created (uuid) */
};

/* POST /ocpp/commands/{command}: queues `command` with `args` (JSON object text) for
 * the targets and answers {command, targeted_count, queued_count, failed_count,
 * results, failed}; NOT_FOUND when the location or the job is not the tenant's. */
void orch_queue_command(struct db *db, const char *tenant, const struct orch_targets *t,
                        const char *command, const char *args, orch_json_cb cb, void *arg);
/* {"versions": ["OCPP1.6", ...]}: the distinct OCPP versions of the chargers t names
 * (empty when it names none), to check a command against them before it is queued. */
void orch_target_versions(struct db *db, const char *tenant, const struct orch_targets *t,
                          orch_json_cb cb, void *arg);
/* GET /ocpp/commands/{command_id}: the command, its status and outcome. */
void orch_get_command(struct db *db, const char *tenant, const char *command_id,
                      orch_json_cb cb, void *arg);

/* GET .../logs: what a charger (or every charger of a location) said and heard. NULL
 * filters are not applied; start / end are RFC 3339 times. */
struct orch_log_query {
    const char *charger_id, *location_id;     /* one of them */
    const char *start, *end, *event, *direction;
    long long after_id;                       /* rows after this id (0: all) */
    long limit, offset;
    int desc;                                 /* newest first (else oldest first) */
    int tail;                                 /* the latest `limit` rows, oldest first
                                               * unless desc (offset counts from the end) */
    int with_total;                           /* count the rows matching ("total") */
};
/* {"data": [{id, at, charger_id, identity, event, direction, action, message_id,
 * frame | detail}], "limit", "offset", "order": "asc" | "desc", "total": the rows
 * matching the filters (null without with_total)}; NOT_FOUND when the charger or
 * location is not the tenant's. */
void orch_logs_query(struct db *db, const char *tenant, const struct orch_log_query *q,
                     orch_json_cb cb, void *arg);

#endif

/* The OCPI 2.2.1 side of a CPO in the database: who a token is, the registered eMSP
 * (credentials), and the Location objects the locations module serves (built in SQL,
 * sql/005_ocpi.sql). */
#ifndef ORCH_OCPI_H
#define ORCH_OCPI_H

#include "orch_query.h"

/* hashes: JSON array text of hex SHA-256 of the presented token (raw and decoded).
 * {"kind": "A" | "C" | null, "country_code", "party_id", "name", "registered": bool};
 * NOT_FOUND when the CPO is unknown or being deleted. */
void orch_ocpi_auth(struct db *db, const char *cpo_id, const char *hashes, orch_json_cb cb,
                    void *arg);

/* peer: {"token_b", "token_c_hash", "versions_url", "version", "endpoints", "roles"}.
 * replace 0 (POST): registers when none is, and token A is used up → {"ok": bool};
 * replace 1 (PUT): updates the registered one → {"ok": bool}. */
void orch_ocpi_register(struct db *db, const char *cpo_id, const char *peer, int replace,
                        orch_json_cb cb, void *arg);
/* {"ok": bool}: the eMSP's token C stops working. */
void orch_ocpi_unregister(struct db *db, const char *cpo_id, orch_json_cb cb, void *arg);

/* Locations module (sender). date_from / date_to: RFC 3339 or NULL.
 * {"total": N, "data": [Location...]} */
void orch_ocpi_locations(struct db *db, const char *cpo_id, long offset, long limit,
                         const char *date_from, const char *date_to, orch_json_cb cb,
                         void *arg);
/* One Location; NOT_FOUND when unknown. */
void orch_ocpi_location(struct db *db, const char *cpo_id, const char *location_id,
                        orch_json_cb cb, void *arg);

/* The push outbox (sql/006): EVSE status changes for registered eMSPs.
 * claim: takes up to limit due PATCHes, holding them for hold_s seconds:
 * {"items": [{"id", "seq", "attempts", "url", "token_b", "body"}]} */
void orch_ocpi_push_claim(struct db *db, int limit, int hold_s, orch_json_cb cb, void *arg);
/* error NULL: sent (the row goes unless a newer status came meanwhile); else it is
 * retried with exponential backoff (at most 5 minutes apart), error kept. */
void orch_ocpi_push_done(struct db *db, const char *id, const char *seq, const char *error,
                         orch_json_cb cb, void *arg);

#endif

# The response schemas of the OpenAPI document (scripts/openapi.py): what the server sends.
from openapi_lib import *  # noqa: F403 (the schema building blocks)
from openapi_requests import COMMAND_FIELDS, LOCATION_TYPES_211, OCPP_VERSION, ocpi_fields

STATUS = senum(["PENDING", "PROVISIONING", "READY", "FAILED"])
PSTATUS = R("ProvisioningStatus")
page_of = lambda item: obj({"data": arr(R(item)), "page": it, "limit": it, "total": it})
pct = lambda *extra: {"type": ["object", "null"], "additionalProperties": False,
                      "properties": {k: it for k in [*extra, "p50", "p95", "p99", "max"]},
                      "required": [*extra, "p50", "p95", "p99", "max"]}
JOB_CHARGER = obj({"identity": st, "charger_id": uuid, "charge_point_name": st, "status": PSTATUS})


def job_status(created_item, extra=None, desc=None):
    props = {**(extra or {}),
             "job_id": uuid, "job_type": senum(["cpo", "locations", "chargers"]), "status": PSTATUS,
             "workflow_run_id": st,
             "progress": obj({"total": it, "pending": it, "provisioning": it, "ready": it, "failed": it}),
             "boot_latency_ms": d(pct("count"), "websocket connect started -> BootNotification accepted, over the job's chargers that booted (null before the first)"),
             "ready_after_ms": d(pct(), "job written -> charger READY (null before the first)"),
             "results": obj({"created": arr(created_item),
                             "failed": arr(obj({"identity": st, "charger_id": uuid, "location_id": uuid,
                                                "error": d(nst, "why its provisioning step failed (kept)"),
                                                "status": d(PSTATUS, "the charger now: READY once the CSMS accepted it after its step FAILED (the job stays FAILED)"),
                                                "ready_at": d(nts, "when it was accepted late")}))}),
             "error": d(nst, "why the job FAILED"),
             "provisioned_at": d(nts, "when the last charger became READY (READY jobs)")}
    return obj(props, desc=desc)


live_connector = obj({
    "connector_id": it, "status": st, "energy_wh": num, "power_w": num,
    "transaction": obj({"transaction_id": st, "id_tag": st, "started_at": ts, "energy_wh": num, "soc": it}, opt=["soc"]),
    "reservation": obj({"reservation_id": it, "id_tag": st, "expires_at": ts}),
}, opt=["power_w", "transaction", "reservation"])

command_args = obj({k: v for k, v in COMMAND_FIELDS.items() if k != "target"},
                   opt=list(COMMAND_FIELDS),
                   desc="the command's arguments as queued")

OPEN_OCPI = {"type": "object", "additionalProperties": True,
             "description": "the OCPI fields given at creation (a raw location's fields, a template's overrides), as stored; open because eMSP-facing data is passed through"}

resp_schemas = {
    "Error": obj({"detail": d(st, "what went wrong")}, desc="Every error but 422 (and OCPI's own envelope)."),
    "ValidationError": obj({"loc": arr({"type": ["string", "integer"]}, description="where: ['body', 'locations', 0, 'name'], ['query', 'limit'], ['path', 'brand']"),
                            "msg": st, "type": st}),
    "HTTPValidationError": obj({"detail": arr(R("ValidationError"), minItems=1)}, desc="422: every problem of the request, each with its location (the seed's shape)."),
    "Probe": obj({"status": {"const": "ok"}}, desc="GET /livez, GET /readyz"),
    "Health": obj({"status": {"const": "ok"}, "version": d(st, "chargefleet's version (chargefleet --version)"),
                   "revision": d(st, "the git commit it was built from"),
                   "default_ws_url": d(nst, "where chargers given no ws_url connect (null: nowhere, they are refused)"),
                   "builtin_csms": d(boo, "default_ws_url is serve's built-in CSMS (serve without --default-ws-url runs chargefleet csms)")}),
    "Brand": obj({"slug": st, "name": st, "models": arr(st, description="its model slugs (the tenant's custom ones too): GET .../brands/{brand}/models for the models")}),
    "BrandList": obj({"total": d(it, "brands"), "models": d(it, "models of all brands"), "data": arr(R("Brand"))}),
    "Model": obj({"brand_slug": st, "brand_name": st, "model_slug": st, "name": st, "vendor": st, "model": st,
                  "current_type": senum(["AC", "DC"]), "max_power_kw": num, "connectors": it, "connector_count": it,
                  "connector_types": arr(st), "firmware": st, "ocpp_version": OCPP_VERSION,
                  "ocpp_versions": arr(OCPP_VERSION), "custom": d(boo, "the tenant's own model")}),
    "ModelList": obj({"brand": st, "total": it, "data": arr(R("Model"))}),
    "CpoTemplate": obj({"slug": st, "version": it, "description": st, "type": {"const": "cpo"}, "locations": it,
                        "chargers_per_location": nit, "chargers": it, "location_templates": arr(st),
                        "country_code": st, "party_id": st, "name_prefix": st,
                        "current_type": senum(["AC", "DC", "AC-DC"]), "ocpp_versions": arr(OCPP_VERSION)}),
    "CpoTemplateGallery": obj({"total": it, "data": arr(R("CpoTemplate"))}),
    "LocationTemplate": obj({"slug": st, "description": st, "type": {"const": "location"}, "name": st, "address": st,
                             "city": st, "postal_code": st, "country": st,
                             "coordinates": obj({"latitude": st, "longitude": st}), "chargers": it,
                             "groups": arr(obj({"template": obj({"brand_slug": st, "model_slug": st, "ocpp_version": OCPP_VERSION,
                                                                  "identity_prefix": st, "template_name": st}),
                                                "chargers_number": it})),
                             "parking_type": R("ParkingType"), "current_type": senum(["AC", "DC", "AC-DC"]),
                             "ocpp_versions": arr(OCPP_VERSION)}),
    "LocationTemplateGallery": obj({"total": it, "data": arr(R("LocationTemplate"))}),
    "CpoPartyScope": obj({"country_code": st, "party_id": st, "role": senum(["CPO", "EMSP"])},
                         desc="The OCPI party identity the new CPO occupies."),
    "CpoRoamHelper": obj({"credentials_payload": {"type": "object", "additionalProperties": True,
                                                  "description": "the body an eMSP POSTs to our credentials endpoint (OcpiCredentials, or OcpiCredentials211 on a 2.1.1 network), with our token A and party filled in"},
                          "curl_snippet": d(st, "the credentials handshake as a curl command")},
                         desc="Pre-built eMSP helper payload so the peer can handshake in one paste."),
    "ProvisioningStatus": d(STATUS, "A job's or a charger's provisioning state: PENDING (written), PROVISIONING (connecting, booting), READY (BootNotification accepted), FAILED."),
    "CpoProvisioningStatus": STATUS,
    "CpoAcceptedResponse": obj({
        "cpo_id": d(st, "a stringified integer"), "party": R("CpoPartyScope"),
        "requested_party_id": d(st, "the party_id asked for, when the tenant used it already"),
        "warnings": arr(st),
        "name_prefix": st, "template": st, "template_version": it,
        "token_a": d(st, "OCPI token A, returned here only"), "ocpi_peer_url": d(st, "the CPO's OCPI versions URL"),
        "roam_helper": R("CpoRoamHelper"), "job_id": uuid, "workflow_run_id": nst,
        "status": d(R("CpoProvisioningStatus"), "PENDING when answered"),
        "status_url": d(st, "GET it to follow provisioning"), "destroy_url": st, "expires_at": nts,
        "locations": it, "chargers": it, "ocpi_version": senum(["2.2.1", "2.1.1"]),
    }, opt=["requested_party_id", "warnings"], desc="Shape returned by POST /ocpi/cpos (HTTP 202)."),
    "LocationBulkProvisioningStatus": STATUS,
    "LocationBulkAcceptedResponse": obj({"job_id": uuid, "status": R("LocationBulkProvisioningStatus"), "workflow_run_id": nst,
                                         "status_url": st, "locations": it, "chargers": it, "warnings": d(arr(st), "what was done as asked but may surprise: a connector type the model does not list, chargers sent to the built-in CSMS")},
                                        opt=["warnings"], desc="202 of POST /ocpi/cpos/{cpo_id}/locations: poll status_url."),
    "ChargerProvisioningStatus": STATUS,
    "LocationChargerBulkAcceptedResponse": obj({"job_id": uuid, "status": R("ChargerProvisioningStatus"), "workflow_run_id": nst,
                                                "status_url": st, "count": d(it, "chargers to create"), "warnings": d(arr(st), "what was done as asked but may surprise: a connector type the model does not list, chargers sent to the built-in CSMS")},
                                               opt=["count", "warnings"], desc="202 of POST /ocpp/locations/{location_id}/chargers: poll status_url (chargefleet answers PENDING)."),
    "Cpo": obj({"cpo_id": st, "party": R("CpoPartyScope"), "requested_party_id": nst, "name_prefix": st, "template": st,
                "template_version": it, "seed": nit, "ws_url": nst, "ttl_seconds": nit, "expires_at": nts, "created_at": ts,
                "job_id": uuid, "ocpi_version": senum(["2.2.1", "2.1.1"]), "ocpi_registered": boo, "status": PSTATUS,
                "counts": obj({"locations": it, "chargers": it, "evses": it, "connectors": it, "ready": it, "failed": it, "connected": it})}),
    "CpoPage": page_of("Cpo"),
    "CpoDeleting": obj({"cpo_id": st, "status": {"const": "DELETING"}}),
    "JobLocation": obj({"location_id": uuid, "name": st, "chargers": arr(JOB_CHARGER)}),
    "JobCharger": JOB_CHARGER,
    "ChargersJobStatus": job_status(R("JobCharger"), desc="A chargers job: results.created lists its READY chargers."),
    "LocationsJobStatus": job_status(R("JobLocation"), desc="A locations job: results.created lists its locations with their chargers."),
    "CpoJobStatus": job_status(R("JobLocation"), {"cpo_id": st}, desc="The CPO's creation job."),
    "Location": obj({"location_id": uuid, "cpo_id": st, "name": st, "address": nst, "city": nst, "postal_code": nst,
                     "country": nst, "coordinates": obj({"latitude": st, "longitude": st}), "template": nst,
                     "chargers": it, "ocpi": OPEN_OCPI, "created_at": ts, "updated_at": ts}),
    "LocationPage": page_of("Location"),
    "LocationDeleting": obj({"location_id": uuid, "status": {"const": "DELETING"}}),
    "ChargerLive": {**obj({
        "connection": senum(["connected", "connecting", "disconnected"]), "booted": boo, "heartbeat_interval": it,
        "connectors": arr(live_connector), "queued_messages": it,
        "charging_profiles": arr(obj({"id": it, "purpose": st, "stack_level": it, "connector_id": it})),
        "configuration_changed": {"type": "object", "additionalProperties": st, "description": "configuration keys the CSMS or a command changed: key -> value"},
        "local_list_version": it, "dropped_messages": it, "last_error": st,
    }, opt=["heartbeat_interval", "queued_messages", "charging_profiles", "configuration_changed", "local_list_version",
            "dropped_messages", "last_error"]), "type": ["object", "null"],
        "description": "what its runtime last said (null before it is READY)"},
    "Charger": obj({"charger_id": uuid, "identity": st, "charge_point_name": st, "location_id": uuid, "brand_slug": st,
                    "model_slug": st, "vendor": st, "model": st, "serial": st, "firmware": st, "connectors": it,
                    "connector_type": st, "max_power_kw": num, "ocpp_version": OCPP_VERSION, "ws_url": st, "ca_file": nst,
                    "status": PSTATUS, "connected": boo,
                    "security": obj({"profile": it, "password_set": boo, "ca_pem_set": boo, "client_cert_set": boo}),
                    "live": R("ChargerLive"), "error": d(nst, "why it is not accepted now, with its next try ('BootNotification Pending at CSMS (retry in 30 s)'); null once READY"), "job_id": uuid, "reconnect_pending": boo,
                    "created_at": ts, "updated_at": ts, "ready_at": nts}),
    "ChargerPage": page_of("Charger"),
    "ChargerUpdateResult": obj({"matched": it,
                                "changed": arr(obj({"charger_id": uuid, "identity": st, "fields": arr(st), "reconnects": boo})),
                                "unchanged": arr(st), "not_found": arr(st)}),
    "ChargerDeleteResult": obj({"deleted": it, "charger_ids": arr(st), "not_found": arr(st)}),
    "LogEntry": obj({"id": it, "at": ts, "charger_id": uuid, "identity": st,
                     "event": senum(["frame", "connected", "disconnected", "connect_failed"]),
                     "direction": {"type": ["string", "null"], "enum": ["in", "out", None]},
                     "action": nst, "message_id": nst,
                     "frame": d(st, "frames: the raw OCPP-J frame"), "detail": d(nst, "connection events: what happened")},
                    opt=["frame", "detail"]),
    "LogPage": obj({"data": arr(R("LogEntry")), "limit": it, "offset": it,
                    "order": senum(["asc", "desc"]), "total": d(it, "every entry the filters match, whatever the page")}),
    "AmbiguousCharger": obj({"detail": st, "candidates": arr(obj({"charger_id": uuid, "identity": st, "location_id": uuid,
                                                                  "location_name": st}))},
                            desc="409: an identity several of the tenant's chargers have (one per location)"),
    "CommandsQueued": obj({"command": st, "targeted_count": it, "queued_count": it, "failed_count": it,
                           "results": arr(obj({"charger_id": uuid, "identity": st, "command_id": uuid,
                                               "status": {"const": "QUEUED"}, "status_url": st})),
                           "failed": arr(obj({"charger_id": st, "error": st}))}),
    "CommandArgs": command_args,
    "Command": obj({"command_id": uuid, "charger_id": uuid, "command": st, "args": R("CommandArgs"),
                    "status": senum(["QUEUED", "RUNNING", "DONE", "FAILED"]),
                    "result": {"description": "what the charger did or answered (DONE); its shape is the command's"},
                    "error": nst, "created_at": ts, "done_at": nts}),
    "OcpiResponse": obj({"status_code": d(it, "OCPI status: 2000 client error, 2001 invalid parameters, 2003 unknown location, 3000 server error, 3001 unusable client API"),
                         "status_message": st, "timestamp": ts}, desc="OCPI's envelope of an error (no data)"),
    "OcpiEmptyResponse": obj({"status_code": d(it, "1000"), "status_message": st, "timestamp": ts}, desc="OCPI's envelope, success without data"),
}

OCPI_CONNECTOR_COMMON = {"id": st, "standard": st, "format": senum(["SOCKET", "CABLE"]),
                         "power_type": senum(["AC_1_PHASE", "AC_3_PHASE", "DC"])}
EVSE_STATUS = senum(["AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED", "RESERVED", "UNKNOWN"])
OCPI_GIVEN = ["state", "related_locations", "parking_type", "directions", "operator", "suboperator", "owner", "facilities",
              "opening_times", "charging_when_closed", "images", "energy_mix", "publish_allowed_to"]


def ocpi_env(data, desc):
    return obj({"data": data, "status_code": d(it, "1000"), "status_message": st, "timestamp": ts}, desc=desc)


for V, v in [("2.2.1", "221"), ("2.1.1", "211")]:
    connector = (obj({**OCPI_CONNECTOR_COMMON, "max_voltage": it, "max_amperage": it, "max_electric_power": it, "last_updated": ts})
                 if V == "2.2.1" else obj({**OCPI_CONNECTOR_COMMON, "voltage": it, "amperage": it, "last_updated": ts}))
    evse = obj({"uid": st, "evse_id": st, "status": d(EVSE_STATUS, "follows the simulated charger: AVAILABLE when connected and booted"),
                "capabilities": arr(st), "connectors": arr(R(f"OcpiConnector{v}")), "last_updated": ts})
    given = {k: ocpi_fields[k] for k in OCPI_GIVEN if V == "2.2.1" or k not in ("parking_type", "publish_allowed_to")}
    own = {"id": st, "name": st, "address": st, "city": st, "postal_code": st, "country": st,
           "coordinates": obj({"latitude": st, "longitude": st}), "time_zone": st,
           "evses": arr(R(f"OcpiEvse{v}")), "last_updated": ts}
    if V == "2.2.1":
        own.update({"country_code": st, "party_id": st, "publish": boo})
    else:
        own["type"] = senum(LOCATION_TYPES_211)
    location = obj({**own, **given}, opt=["postal_code", *given],
                   desc=f"An OCPI {V} Location: ours (id, party, address, coordinates, EVSEs) and the OCPI fields given at creation")
    endpoint = (obj({"identifier": senum(["credentials", "locations"]), "role": senum(["SENDER", "RECEIVER"]), "url": st}) if V == "2.2.1"
                else obj({"identifier": senum(["credentials", "locations"]), "url": st}))
    cred = R("OcpiCredentials" if V == "2.2.1" else "OcpiCredentials211")
    resp_schemas.update({
        f"OcpiConnector{v}": connector, f"OcpiEvse{v}": evse, f"OcpiLocation{v}": location,
        f"OcpiVersionDetails{v}Response": ocpi_env(obj({"version": {"const": V}, "endpoints": arr(endpoint)}), f"OCPI {V} version details"),
        f"OcpiCredentials{v}Response": ocpi_env(cred, "our credentials: token C, our versions URL, our party"),
        f"OcpiLocations{v}Response": ocpi_env(arr(R(f"OcpiLocation{v}")), "a page of Locations"),
        f"OcpiLocation{v}Response": ocpi_env(R(f"OcpiLocation{v}"), "one Location"),
        f"OcpiEvse{v}Response": ocpi_env(R(f"OcpiEvse{v}"), "one EVSE"),
        f"OcpiConnector{v}Response": ocpi_env(R(f"OcpiConnector{v}"), "one Connector"),
    })
resp_schemas["OcpiVersionsResponse"] = ocpi_env(arr(obj({"version": senum(["2.2.1", "2.1.1"]), "url": st})), "the CPO's OCPI version: 2.2.1, or 2.1.1 for a 2.1.1 network")

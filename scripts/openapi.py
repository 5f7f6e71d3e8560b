# Writes the OpenAPI 3.1 document of the API to stdout: python3 scripts/openapi.py > api/openapi.json
# (api/openapi.json is what the binary serves; test_api_routes checks it against the routes,
# tests/integration/openapi*.test.mjs check it against the server and `redocly lint`).
#
# Conventions, so that a client generator and the request checker can use it:
# - every object schema says `additionalProperties` (false but for the few open ones, which
#   say why) and lists its `required` fields;
# - a field the server treats as absent when it is null has a type array with "null";
# - request bodies are named component schemas (CreateCpoRequest, LocationsBody,
#   CreateChargersRequest, ...): the C checker looks them up by these names.
# - the seed pages' examples (../shared/seeds, the REST contract) are the request examples;
#   without that directory the examples already in api/openapi.json are kept.
# The schemas are in openapi_requests.py and openapi_responses.py, the seed examples in
# openapi_seeds.py, the building blocks in openapi_lib.py.
import json
import sys

sys.dont_write_bytecode = True   # the modules below leave no __pycache__ in scripts/
from openapi_lib import *  # noqa: F403 (the schema building blocks)
from openapi_requests import COMMANDS, OCPP_VERSION, req_schemas
from openapi_responses import STATUS, resp_schemas
from openapi_seeds import EXAMPLES

schemas = {**req_schemas, **resp_schemas}

# ---- operations ----

J = "application/json"


def resp(desc, schema=None, ctype=J, examples=None):
    r = {"description": desc}
    if schema is not None:
        r["content"] = {ctype: {"schema": schema}}
        if examples:
            r["content"][ctype]["examples"] = examples
    return r


RR = lambda name: {"$ref": f"#/components/responses/{name}"}
responses = {
    "MalformedJson": resp("malformed JSON body; or ambiguous body framing, refused unread: Content-Length with Transfer-Encoding, or Content-Lengths that differ (RFC 9112 6.3)", R("Error")),
    "Unauthorized": resp("missing, invalid or revoked bearer token", R("Error")),
    "Forbidden": resp("the bearer token is read-only (chargefleet token create --read-only): only GET is allowed; nothing changed", R("Error")),
    "MethodNotAllowed": resp("the path exists, not with this method (any path of this document, with a method it does not list)", R("Error")),
    "NoRoute": resp("no such path (any path this document does not list): detail 'no route <path>'", R("Error")),
    "LengthRequired": resp("a request body needs a Content-Length header (chunked transfer encoding is not supported); the connection closes", R("Error")),
    "PayloadTooLarge": resp("the body exceeds serve --max-body; the connection closes", R("Error")),
    "RequestTimeout": resp("the body was not all in within serve --http-body-timeout seconds of the headers; the connection closes", R("Error")),
    "ValidationFailed": resp("validation failed: every problem, with its location", R("HTTPValidationError")),
    "Internal": resp("internal error (out of memory, no randomness)", R("Error")),
    "Unavailable": resp("database unavailable ('workflow queue unavailable (...)' when a job could not be written)", R("Error")),
}
BEARER_ERRS = {"401": RR("Unauthorized"), "500": RR("Internal"), "503": RR("Unavailable")}
BODY_ERRS = {"400": RR("MalformedJson"), "408": RR("RequestTimeout"), "411": RR("LengthRequired"), "413": RR("PayloadTooLarge"), "422": RR("ValidationFailed")}
E422 = {"422": RR("ValidationFailed")}


def e404(what):
    return {"404": resp(f"{what} not found (also another tenant's)", R("Error"))}


def param(name, desc, schema=None, where="path"):
    p = {"name": name, "in": where, "description": desc, "schema": schema or {"type": "string"}}
    if where == "path":
        p["required"] = True
    return p


CPO = param("cpo_id", "the CPO id (a stringified integer)", {"type": "string", "pattern": "^[0-9]+$"})
LOC = param("location_id", "the location id", uuid)
CHG = param("charger_id", "the charger id (UUID) or the charger's OCPP identity within the tenant",
            {"type": "string", "minLength": 1, "maxLength": 48})
AMBIGUOUS = {"409": resp("the identity names several of the tenant's chargers (one per location): name one by its charger_id",
                         R("AmbiguousCharger"))}
JOB = param("job_id", "the job id", uuid)
PAGE = [param("page", "page number, from 1", {"type": "integer", "minimum": 1, "maximum": 1000000000, "default": 1}, "query"),
        param("limit", "items per page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "query")]
GALLERY = [param("type", "what the template's chargers are", senum(["AC", "DC", "AC-DC"]), "query"),
           param("ocpp_version", "templates with a group of this version", OCPP_VERSION, "query")]
RATE = param("connect_rate", "chargers per second this job connects (default: serve --connect-rate)",
             {"type": "integer", "minimum": 1, "maximum": 100000}, "query")
LOGQ = [param("start_date", "entries at or after (RFC 3339); with follow=1 the stream starts there (default: now)", ts, "query"),
        param("end_date", "entries at or before (RFC 3339)", ts, "query"),
        param("event", "filter", senum(["frame", "connected", "disconnected", "connect_failed"]), "query"),
        param("direction", "frames: in (from the CSMS) or out (to it)", senum(["in", "out"]), "query"),
        param("limit", "entries per page (100)", {"type": "integer", "minimum": 1, "maximum": 1000}, "query"),
        param("offset", "entries skipped", {"type": "integer", "minimum": 0, "maximum": 100000000}, "query"),
        param("follow", "1: a live Server-Sent Events stream", {"type": "integer", "enum": [0, 1]}, "query"),
        param("order", "asc (default): oldest first; desc: newest first (not with follow=1)", senum(["asc", "desc"]), "query"),
        param("tail", "the latest N matching entries (oldest first; newest first with order=desc); not with limit or offset; "
              "with follow=1 the stream starts with them", {"type": "integer", "minimum": 1, "maximum": 1000}, "query")]


def body(schema, desc, examples=None):
    c = {"schema": schema}
    if examples:
        c["examples"] = examples
    return {"required": True, "description": desc, "content": {J: c}}


def op(op_id, summary, tags, responses, params=None, req=None, auth=True, desc=None):
    o = {"operationId": op_id, "summary": summary, "description": desc or summary + ".", "tags": tags,
         "responses": responses}
    if params:
        o["parameters"] = params
    if req:
        o["requestBody"] = req
    if not auth:
        o["security"] = []
    return o


def ex(key):
    return EXAMPLES.get(key)


LOGS_200 = {"description": "oldest first (order=desc: newest first); with follow=1 a text/event-stream of `log` events (each data: a LogEntry) instead",
            "content": {J: {"schema": R("LogPage")},
                        "text/event-stream": {"schema": {"type": "string", "description": "event: log / data: <LogEntry JSON>, until the client leaves"}}}}
GALLERY_OPS = {"200": None}

paths = {
    "/healthz": {"get": op("getHealth", "Health: 200 when the database is reachable", ["meta"],
                           {"200": resp("healthy", R("Health")), "503": RR("Unavailable")}, auth=False)},
    "/livez": {"get": op("getLiveness", "Liveness: 200 while the process's loop answers, the database reachable or not", ["meta"],
                         {"200": resp("alive", R("Probe"))}, auth=False,
                         desc="For a liveness probe: a database outage does not fail it (restarting serve would drop every charger and not bring PostgreSQL back).")},
    "/readyz": {"get": op("getReadiness", "Readiness: 200 when requests can be served (the database is reachable)", ["meta"],
                          {"200": resp("ready", R("Probe")), "503": RR("Unavailable")}, auth=False)},
    "/openapi.json": {"get": op("getOpenApiDocument", "This document", ["meta"],
                                {"200": resp("the OpenAPI 3.1 document", {"type": "object", "additionalProperties": True, "description": "an OpenAPI 3.1 document"})},
                                auth=False)},
    "/metrics": {"get": op("getMetrics", "Load figures in the Prometheus text format (all tenants; no token, like /healthz)", ["meta"],
                           {"200": resp("Prometheus exposition text 0.0.4: chargers by status and by runtime state, connections (attempts, failures, reconnects, per-second peak), boot outcomes and the boot latency histogram, frames by direction and action, CallErrors by direction and code, queue depths, database statement latency; series of each simulator runtime (serve and every worker) carry runtime=\"<owner>\"",
                                        {"type": "string"}, "text/plain"), "500": RR("Internal")}, auth=False,
                           desc="The database down does not make this fail: the process's own runtime is still shown, with chargefleet_database_up 0.")},
    "/ocpp/catalog/brands": {"get": op("listBrands", "Charger brands and their model slugs", ["catalog"],
                                       {"200": resp("brands", R("BrandList")), **BEARER_ERRS})},
    "/ocpp/catalog/brands/{brand}/models": {
        "get": op("listBrandModels", "Models of a brand (built-in and the tenant's own)", ["catalog"],
                  {"200": resp("models", R("ModelList")), **e404("brand"), **BEARER_ERRS}, [param("brand", "brand slug")]),
        "post": op("createModel", "Add a custom model for the tenant (a new brand slug makes a new brand)", ["catalog"],
                   {"201": resp("the stored model", R("Model")), "409": resp("the model exists (built-in or the tenant's)", R("Error")),
                    **BODY_ERRS, **BEARER_ERRS},
                   [param("brand", "brand slug (1..64 of a-z 0-9 -)")], body(R("CreateModelRequest"), "the model"))},
    "/ocpp/catalog/brands/{brand}/models/{model}": {
        "get": op("getModel", "One model", ["catalog"], {"200": resp("the model", R("Model")), **e404("model"), **BEARER_ERRS},
                  [param("brand", "brand slug"), param("model", "model slug")])},
    "/ocpi/cpos/templates": {"get": op("listCpoTemplates", "CPO template gallery", ["templates"],
                                       {"200": resp("templates", R("CpoTemplateGallery")), **E422, **BEARER_ERRS}, GALLERY)},
    "/ocpi/templates/cpos": {"get": op("listCpoTemplatesAlias", "CPO template gallery (alias of /ocpi/cpos/templates)", ["templates"],
                                       {"200": resp("templates", R("CpoTemplateGallery")), **E422, **BEARER_ERRS}, GALLERY)},
    "/ocpi/templates/locations": {"get": op("listLocationTemplates", "Location template gallery", ["templates"],
                                            {"200": resp("templates", R("LocationTemplateGallery")), **E422, **BEARER_ERRS}, GALLERY)},
    "/ocpp/templates/locations": {"get": op("listLocationTemplatesAlias", "Location template gallery (alias of /ocpi/templates/locations)", ["templates"],
                                            {"200": resp("templates", R("LocationTemplateGallery")), **E422, **BEARER_ERRS}, GALLERY)},
    "/ocpi/cpos": {
        "post": op("createCpo", "Create a CPO from a template", ["cpos"],
                   {"202": resp("accepted: the job runs; poll status_url", R("CpoAcceptedResponse")), **e404("template"), **BODY_ERRS, **BEARER_ERRS},
                   [RATE], body(R("CreateCpoRequest"), "the CPO to create", ex("createCpo")),
                   desc="Writes the CPO, its locations and chargers durably, then answers at once. A party_id the tenant already uses (same country) is replaced deterministically (AB0..AB9, A10..A99) and `warnings` says so."),
        "get": op("listCpos", "List the tenant's CPOs", ["cpos"], {"200": resp("a page", R("CpoPage")), **E422, **BEARER_ERRS}, PAGE)},
    "/ocpi/cpos/{cpo_id}": {
        "get": op("getCpo", "One CPO: party, template, topology counts, status, expiry", ["cpos"],
                  {"200": resp("the CPO", R("Cpo")), **e404("CPO"), **BEARER_ERRS}, [CPO]),
        "delete": op("deleteCpo", "Destroy a CPO (its chargers close their websockets, then rows go)", ["cpos"],
                     {"200": resp("deleting", R("CpoDeleting")), **e404("CPO"), **BEARER_ERRS}, [CPO])},
    "/ocpi/cpos/{cpo_id}/status": {"get": op("getCpoStatus", "Status of the CPO's creation job, with progress", ["cpos"],
                                             {"200": resp("job status", R("CpoJobStatus")), **e404("CPO"), **BEARER_ERRS}, [CPO])},
    "/ocpi/cpos/{cpo_id}/report": {"get": op("getCpoReport", "A one-page Markdown summary of the CPO and its fleet health", ["cpos"],
                                             {"200": resp("Markdown", {"type": "string"}, "text/markdown"), **e404("CPO"), **BEARER_ERRS}, [CPO])},
    "/ocpi/cpos/{cpo_id}/locations": {
        "post": op("createLocations", "Bulk-create locations (raw or from templates)", ["locations"],
                   {"202": resp("accepted: poll status_url", R("LocationBulkAcceptedResponse")), **e404("CPO"), **BODY_ERRS, **BEARER_ERRS},
                   [CPO, RATE, param("empty_location", "true: the locations are created without their chargers (charges and template groups are not provisioned; eMabler's empty-location flag)",
                                     {"type": "boolean", "default": False}, "query")],
                   body(R("LocationsBody"), "{locations: [...]} (the seed's shape) or a bare array; each a raw OCPI location or a template reference",
                        ex("createLocations")),
                   desc="Returns 202 at once with a job; its status lists the created location ids."),
        "get": op("listLocations", "List a CPO's locations", ["locations"],
                  {"200": resp("a page", R("LocationPage")), **e404("CPO"), **E422, **BEARER_ERRS}, [CPO] + PAGE)},
    "/ocpi/cpos/{cpo_id}/locations/jobs/{job_id}": {
        "get": op("getLocationsJob", "Status of a locations job", ["locations"],
                  {"200": resp("job status", R("LocationsJobStatus")), **e404("job"), **BEARER_ERRS}, [CPO, JOB])},
    "/ocpi/cpos/{cpo_id}/locations/{location_id}": {
        "get": op("getLocation", "One location", ["locations"], {"200": resp("the location", R("Location")), **e404("location"), **BEARER_ERRS}, [CPO, LOC]),
        "patch": op("updateLocation", "Update a location's fields", ["locations"],
                    {"200": resp("the updated location", R("Location")), **e404("location"), **BODY_ERRS, **BEARER_ERRS},
                    [CPO, LOC], body(R("UpdateLocationRequest"), "the fields to change")),
        "delete": op("deleteLocation", "Delete a location and its chargers", ["locations"],
                     {"200": resp("deleting", R("LocationDeleting")), **e404("location"), **BEARER_ERRS}, [CPO, LOC])},
    "/ocpp/locations/{location_id}/chargers": {
        "post": op("createChargers", "Bulk-create charger groups", ["chargers"],
                   {"202": resp("accepted: poll status_url", R("LocationChargerBulkAcceptedResponse"), examples=ex("createChargers.202")),
                    **e404("location"), **BODY_ERRS, **BEARER_ERRS},
                   [LOC, RATE], body(R("CreateChargersRequest"), "the charger groups", ex("createChargers"))),
        "get": op("listLocationChargers", "List a location's chargers", ["chargers"],
                  {"200": resp("a page", R("ChargerPage")), **e404("location"), **E422, **BEARER_ERRS}, [LOC] + PAGE + [
                      param("status", "filter", STATUS, "query"), param("ocpp_version", "filter", OCPP_VERSION, "query")]),
        "put": op("updateLocationChargers", "Bulk-update chargers (a new ws_url, ocpp_version or ca_file reconnects them)", ["chargers"],
                  {"200": resp("what changed", R("ChargerUpdateResult")), **e404("location"), **BODY_ERRS, **BEARER_ERRS},
                  [LOC], body(R("UpdateChargersRequest"), "what to change, on which chargers")),
        "delete": op("deleteLocationChargers", "Delete chargers (all, or ?charger_ids=... repeatable or comma-separated: ids or identities)", ["chargers"],
                     {"200": resp("what was deleted", R("ChargerDeleteResult")), **e404("location"), **E422, **BEARER_ERRS},
                     [LOC, {"name": "charger_ids", "in": "query", "description": "charger ids or identities",
                            "schema": arr(st), "style": "form", "explode": True}])},
    "/ocpp/locations/{location_id}/chargers/jobs/{job_id}": {
        "get": op("getChargersJob", "Status of a chargers job", ["chargers"],
                  {"200": resp("job status", R("ChargersJobStatus")), **e404("job"), **BEARER_ERRS}, [LOC, JOB])},
    "/ocpp/chargers": {"get": op("listChargers", "List the tenant's chargers", ["chargers"],
                                 {"200": resp("a page", R("ChargerPage")), **e404("location"), **E422, **BEARER_ERRS}, PAGE + [
                                     param("location_id", "filter", uuid, "query"), param("status", "filter", STATUS, "query"),
                                     param("ocpp_version", "filter", OCPP_VERSION, "query")])},
    "/ocpp/chargers/{charger_id}": {
        "get": op("getCharger", "One charger, with its live state", ["chargers"], {"200": resp("the charger", R("Charger")), **e404("charger"), **AMBIGUOUS, **BEARER_ERRS}, [CHG]),
        "put": op("updateCharger", "Update one charger", ["chargers"],
                  {"200": resp("what changed", R("ChargerUpdateResult")), **e404("charger"), **AMBIGUOUS, **BODY_ERRS, **BEARER_ERRS},
                  [CHG], body(R("UpdateChargerRequest"), "what to change")),
        "delete": op("deleteCharger", "Delete one charger", ["chargers"], {"200": resp("deleted", R("ChargerDeleteResult")), **e404("charger"), **AMBIGUOUS, **BEARER_ERRS}, [CHG])},
    "/ocpp/chargers/{charger_id}/logs": {"get": op("getChargerLogs", "What one charger said and heard: frames and connection events", ["logs"],
                                                   {"200": LOGS_200, **e404("charger"), **AMBIGUOUS, **E422, **BEARER_ERRS}, [CHG] + LOGQ)},
    "/ocpp/locations/{location_id}/logs": {"get": op("getLocationLogs", "The logs of every charger of a location", ["logs"],
                                                     {"200": LOGS_200, **e404("location"), **E422, **BEARER_ERRS}, [LOC] + LOGQ)},
    "/ocpp/commands/{command}": {
        "post": op("queueCommand", "Drive chargers: queue a command for one charger or a location's chargers", ["commands"],
                   {"202": resp("queued; each command's outcome at its status_url", R("CommandsQueued")),
                    **e404("command, charger, location or job"), "409": resp("target.charger_id is an identity several of the tenant's chargers have", R("AmbiguousCharger")),
                    **BODY_ERRS, **BEARER_ERRS},
                   [param("command", "what to do", senum([name for name, _, _ in COMMANDS]))],
                   body(R("CommandRequest"), "the target and the command's arguments"),
                   desc="start-session {connector_id?, id_tag?, id_type?}: Authorize, then the session on Accepted; stop-session {connector_id?, transaction_id?}; "
                        "authorize {id_tag, id_type?}; inject-fault / clear-fault {connector_id?}; set-configuration {key, value} (1.6 key or 2.0.1 Component.Variable); "
                        "restart (sessions end, reconnect, boot; a charger waiting to reconnect connects now); "
                        "retry: tries again now, backoff reset, a charger that waits to reconnect or to boot again (a FAILED one too); a READY charger is a no-op; "
                        "proxy-message {action, payload}: any message the charger's version sends, checked against the official OCPP schema of "
                        "that action in the version of every targeted charger before anything is queued (422 naming action or payload); "
                        "start-generator / stop-generator: the template's automatic sessions on / off; "
                        "plug / unplug {connector_id?}: a cable (unplugging ends the session: EVDisconnected); ev-suspend / ev-resume {connector_id?}: the car stops / resumes taking energy (SuspendedEV); "
                        "stop-runtime / start-runtime: the charger switched off (sessions end: PowerLoss; websocket closed, no reconnect) / on (connects, boots). "
                        "connector_id is the 1.6 connectorId or the 2.0.1 evseId."),
        "get": op("getCommand", "One queued command: status QUEUED, RUNNING, DONE (result) or FAILED (error)", ["commands"],
                  {"200": resp("the command", R("Command")), **e404("command"), **BEARER_ERRS},
                  [param("command", "the command id (command_id of the POST's results; the same path segment names the command on POST)", uuid)])},
}

# a read-only token may only GET: every other bearer operation can answer 403
for item in paths.values():
    for method, o in item.items():
        if method != "get" and o.get("security") != []:
            o["responses"]["403"] = RR("Forbidden")

OCPI_SEC = [{"ocpiToken": []}]
OCPI_CPO = param("cpo", "the CPO id (digits only)", {"type": "string", "pattern": "^[0-9]+$"})


def ocpi(op_id, summary, ok, params=(), extra=None, desc=None):
    r = {"200": resp(ok[0], R(ok[1])),
         "401": resp("invalid or missing token: status_code 2001", R("OcpiResponse")),
         "404": resp("unknown CPO (2000) or object (2003)", R("OcpiResponse")),
         "500": resp("no randomness available (3000)", R("OcpiResponse")),
         "503": resp("database unavailable (3000)", R("OcpiResponse"))}
    r.update(extra or {})
    o = op(op_id, summary, ["ocpi"], r, [OCPI_CPO, *params], desc=desc)
    o["security"] = OCPI_SEC
    return o


E405 = {"405": resp("wrong registration state for this method (2000)", R("OcpiResponse"))}
E400 = {"400": resp("bad credentials (2001) or the eMSP's API unusable (3001)", R("OcpiResponse"))}
HTTP_BODY = {"408": RR("RequestTimeout"), "411": RR("LengthRequired"), "413": RR("PayloadTooLarge")}
for V in ["2.2.1", "2.1.1"]:
    v = V.replace(".", "")
    cred = R("OcpiCredentials" if V == "2.2.1" else "OcpiCredentials211")
    paths.update({
        f"/ocpi/{{cpo}}/{V}": {"get": ocpi(f"getOcpi{v}Details", f"OCPI {V} version details: credentials and locations endpoints", ("{version, endpoints}", f"OcpiVersionDetails{v}Response"))},
        f"/ocpi/{{cpo}}/{V}/credentials": {
            "get": ocpi(f"getOcpi{v}Credentials", "Our credentials (token C)", ("Credentials", f"OcpiCredentials{v}Response"), extra=E405),
            "post": {**ocpi(f"registerOcpi{v}Credentials", "Register an eMSP (token A): we fetch its versions and details with its token B, answer with token C",
                            ("Credentials: token C", f"OcpiCredentials{v}Response"), extra={**E400, **E405, **HTTP_BODY}), "requestBody": body(cred, "the eMSP's credentials")},
            "put": {**ocpi(f"updateOcpi{v}Credentials", "Update the registration (token C): new token B / URL, new token C",
                           ("Credentials: the new token C", f"OcpiCredentials{v}Response"), extra={**E400, **E405, **HTTP_BODY}), "requestBody": body(cred, "the eMSP's new credentials")},
            "delete": ocpi(f"deleteOcpi{v}Credentials", "Unregister (token C stops working)", ("no data", "OcpiEmptyResponse"), extra=E405)},
        f"/ocpi/{{cpo}}/{V}/locations": {"get": ocpi(f"listOcpi{v}Locations", "Locations module, sender: the CPO's Locations (token C), paged", ("[Location]", f"OcpiLocations{v}Response"),
                                                     [param("offset", "locations skipped", {"type": "integer", "minimum": 0}, "query"),
                                                      param("limit", "locations per page", {"type": "integer", "minimum": 1, "maximum": 100}, "query"),
                                                      param("date_from", "last_updated >= (RFC 3339)", ts, "query"),
                                                      param("date_to", "last_updated < (RFC 3339)", ts, "query")],
                                                     extra={"400": resp("bad paging or dates (2001)", R("OcpiResponse"))},
                                                     desc="Headers: X-Total-Count, X-Limit, and Link <next page>; rel=\"next\" while there is more.")},
        f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}": {"get": ocpi(f"getOcpi{v}Location", "One Location", ("Location", f"OcpiLocation{v}Response"), [LOC])},
        f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}/{{evse_uid}}": {
            "get": ocpi(f"getOcpi{v}Evse", "One EVSE (status follows the simulated charger)", ("EVSE", f"OcpiEvse{v}Response"), [LOC, param("evse_uid", "EVSE uid")])},
        f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}/{{evse_uid}}/{{connector_id}}": {
            "get": ocpi(f"getOcpi{v}Connector", "One Connector", ("Connector", f"OcpiConnector{v}Response"), [LOC, param("evse_uid", "EVSE uid"), param("connector_id", "connector id")])},
    })
paths["/ocpi/{cpo}/versions"] = {"get": ocpi("getOcpiVersions", "OCPI versions of the CPO (token A or C): 2.2.1, or 2.1.1 for a 2.1.1 network", ("[{version, url}]", "OcpiVersionsResponse"))}

TAGS = [("meta", "health, metrics and this document (no token)"),
        ("catalog", "charger brands and models, and the tenant's custom models"),
        ("templates", "CPO and location template galleries"),
        ("cpos", "CPOs: a network of locations and chargers from a template"),
        ("locations", "a CPO's locations"),
        ("chargers", "simulated chargers: create, list, update, delete"),
        ("logs", "what chargers said and heard"),
        ("commands", "driving chargers: sessions, faults, cables, any OCPP message"),
        ("ocpi", "each CPO's own OCPI 2.2.1 / 2.1.1 endpoints, for an eMSP (OCPI tokens)")]

doc = {
    "openapi": "3.1.0",
    "info": {"title": "chargefleet", "version": "0.3.0",
             "description": "Fleets of simulated OCPP 1.6 / 2.0.1 chargers on demand. Every route but /healthz, /metrics and /openapi.json "
                            "needs `Authorization: Bearer <token>` (serve --api-token for tenant default, or `chargefleet token create --tenant NAME`); "
                            "another tenant's resources are 404. Every error body has `detail`: a string, or the list of problems of a 422. "
                            "A listed path asked with a method it does not list answers 405 (MethodNotAllowed), a path not listed 404 (NoRoute). "
                            "Any request: a path or query of 8192 bytes or more is 414, a header value that long 431, a method the API does not take (TRACE, CONNECT, ...) 501, "
                            "the HTTP/2 preface 505 (HTTP/1.1 only), each with `detail`, and the connection closes; the bearer token is checked before the body is read."},
    "servers": [{"url": "http://{listen}", "description": "chargefleet serve --listen HOST:PORT",
                 "variables": {"listen": {"default": "127.0.0.1:8080", "description": "serve's --listen address"}}}],
    "security": [{"bearer": []}],
    "tags": [{"name": t, "description": s} for t, s in TAGS],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "ocpiToken": {"type": "apiKey", "in": "header", "name": "Authorization",
                                          "description": "OCPI: 'Token <base64(token)>' (raw tokens accepted too)"}},
        "responses": responses,
        "schemas": schemas},
}
json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
print()

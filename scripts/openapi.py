# Writes the OpenAPI 3.1 document of the API to stdout: python3 scripts/openapi.py > api/openapi.json
# (api/openapi.json is what the binary serves; test_api_routes checks it against the routes).
import json
R = lambda name: {"$ref": f"#/components/schemas/{name}"}
def resp(desc, schema=None, ctype="application/json"):
    r = {"description": desc}
    if schema is not None:
        r["content"] = {ctype: {"schema": schema}}
    return r
ERR = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "503": {"$ref": "#/components/responses/Unavailable"},
}
def e404(what): return {"404": resp(f"{what} not found (also another tenant's)", R("Error"))}
E422 = {"422": resp("validation failed: every problem, with its location", R("HTTPValidationError"))}
def param(name, desc, schema=None, where="path"):
    p = {"name": name, "in": where, "description": desc, "schema": schema or {"type": "string"}}
    if where == "path": p["required"] = True
    return p
CPO = param("cpo_id", "the CPO id (a stringified integer)", {"type": "string", "pattern": "^[0-9]+$"})
LOC = param("location_id", "the location id", {"type": "string", "format": "uuid"})
CHG = param("charger_id", "the charger id", {"type": "string", "format": "uuid"})
JOB = param("job_id", "the job id", {"type": "string", "format": "uuid"})
PAGE = [param("page", "page number, from 1", {"type": "integer", "minimum": 1, "default": 1}, "query"),
        param("limit", "items per page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "query")]
GALLERY = [param("type", "what the template's chargers are", {"enum": ["AC", "DC", "AC-DC"]}, "query"),
           param("ocpp_version", "templates with a group of this version", {"enum": ["OCPP1.6", "OCPP2.0.1"]}, "query")]
def body(schema, desc=None):
    b = {"required": True, "content": {"application/json": {"schema": schema}}}
    if desc: b["description"] = desc
    return b
def op(summary, tags, responses, params=None, req=None, auth=True, desc=None):
    o = {"summary": summary, "tags": tags, "responses": responses}
    if desc: o["description"] = desc
    if params: o["parameters"] = params
    if req: o["requestBody"] = req
    if not auth: o["security"] = []
    return o

LOGQ = [param("start_date", "entries at or after (RFC 3339); with follow=1 the stream starts there (default: now)", {"type": "string", "format": "date-time"}, "query"),
        param("end_date", "entries at or before (RFC 3339)", {"type": "string", "format": "date-time"}, "query"),
        param("event", "filter", {"enum": ["frame", "connected", "disconnected", "connect_failed"]}, "query"),
        param("direction", "frames: in (from the CSMS) or out (to it)", {"enum": ["in", "out"]}, "query"),
        param("limit", "entries per page (100)", {"type": "integer", "minimum": 1, "maximum": 1000}, "query"),
        param("offset", "entries skipped", {"type": "integer", "minimum": 0}, "query"),
        param("follow", "1: a live Server-Sent Events stream", {"enum": [0, 1]}, "query")]
paths = {
 "/healthz": {"get": op("Health: 200 when the database is reachable", ["meta"],
     {"200": resp("healthy", {"type": "object", "required": ["status", "version", "revision"], "properties": {"status": {"const": "ok"}, "version": {"type": "string", "description": "chargefleet's version (chargefleet --version)"}, "revision": {"type": "string", "description": "the git commit it was built from"}}}),
      "503": {"$ref": "#/components/responses/Unavailable"}}, auth=False)},
 "/openapi.json": {"get": op("This document", ["meta"], {"200": resp("the OpenAPI 3.1 document", {"type": "object"})}, auth=False)},
 "/metrics": {"get": op("Load figures in the Prometheus text format (all tenants; no token, like /healthz)", ["meta"],
     {"200": resp("Prometheus exposition text 0.0.4: chargers by status and by runtime state, connections (attempts, failures, reconnects, per-second peak), boot outcomes and the boot latency histogram, frames by direction and action, CallErrors by direction and code, queue depths, database statement latency; series of each simulator runtime (serve and every worker) carry runtime=\"<owner>\"",
                  {"type": "string"}, "text/plain")}, auth=False,
     desc="The database down does not make this fail: the process's own runtime is still shown, with chargefleet_database_up 0.")},
 "/ocpp/catalog/brands": {"get": op("Charger brands and their models", ["catalog"],
     {"200": resp("brands", {"type": "object", "properties": {"data": {"type": "array", "items": R("Brand")}}}), **ERR})},
 "/ocpp/catalog/brands/{brand}/models": {"get": op("Models of a brand (built-in and the tenant's own)", ["catalog"],
     {"200": resp("models", {"type": "object", "properties": {"data": {"type": "array", "items": R("Model")}}}), **e404("brand"), **ERR},
     [param("brand", "brand slug")]),
   "post": op("Add a custom model for the tenant (a new brand slug makes a new brand)", ["catalog"],
     {"201": resp("the stored model", R("Model")), "409": resp("the model exists (built-in or the tenant's)", R("Error")), **E422, **ERR},
     [param("brand", "brand slug (1..64 of a-z 0-9 -)")], body(R("ModelCreate")))},
 "/ocpp/catalog/brands/{brand}/models/{model}": {"get": op("One model", ["catalog"],
     {"200": resp("the model", R("Model")), **e404("model"), **ERR},
     [param("brand", "brand slug"), param("model", "model slug")])},
 "/ocpi/cpos/templates": {"get": op("CPO template gallery", ["templates"], {"200": resp("templates", R("Gallery")), **E422, **ERR}, GALLERY)},
 "/ocpi/templates/cpos": {"get": op("CPO template gallery (alias)", ["templates"], {"200": resp("templates", R("Gallery")), **E422, **ERR}, GALLERY)},
 "/ocpi/templates/locations": {"get": op("Location template gallery", ["templates"], {"200": resp("templates", R("Gallery")), **E422, **ERR}, GALLERY)},
 "/ocpp/templates/locations": {"get": op("Location template gallery (alias)", ["templates"], {"200": resp("templates", R("Gallery")), **E422, **ERR}, GALLERY)},
 "/ocpi/cpos": {
   "post": op("Create a CPO from a template", ["cpos"],
     {"202": resp("accepted: the job runs", R("CpoAccepted")), **e404("template"), **E422, **ERR},
     req=body(R("CpoCreate")),
     desc="Writes the CPO, its locations and chargers durably, then answers at once. A party_id the tenant already uses (same country) is replaced deterministically (AB0..AB9, A10..A99) and `warnings` says so."),
   "get": op("List the tenant's CPOs", ["cpos"], {"200": resp("a page", R("CpoPage")), **E422, **ERR}, PAGE)},
 "/ocpi/cpos/{cpo_id}": {
   "get": op("One CPO: party, template, topology counts, status, expiry", ["cpos"], {"200": resp("the CPO", R("Cpo")), **e404("CPO"), **ERR}, [CPO]),
   "delete": op("Destroy a CPO (its chargers close their websockets, then rows go)", ["cpos"],
     {"200": resp("deleting", {"type": "object", "properties": {"cpo_id": {"type": "string"}, "status": {"const": "DELETING"}}}), **e404("CPO"), **ERR}, [CPO])},
 "/ocpi/cpos/{cpo_id}/status": {"get": op("Status of the CPO's creation job, with progress", ["cpos"], {"200": resp("job status", R("JobStatus")), **e404("CPO"), **ERR}, [CPO])},
 "/ocpi/cpos/{cpo_id}/report": {"get": op("A one-page Markdown summary of the CPO and its fleet health", ["cpos"],
     {"200": resp("Markdown", {"type": "string"}, "text/markdown"), **e404("CPO"), **ERR}, [CPO])},
 "/ocpi/cpos/{cpo_id}/locations": {
   "post": op("Bulk-create locations (raw or from templates)", ["locations"],
     {"202": resp("accepted", R("JobAccepted")), **e404("CPO"), **E422, **ERR}, [CPO], body(R("LocationsCreate"))),
   "get": op("List a CPO's locations", ["locations"], {"200": resp("a page", R("LocationPage")), **e404("CPO"), **E422, **ERR}, [CPO] + PAGE)},
 "/ocpi/cpos/{cpo_id}/locations/jobs/{job_id}": {"get": op("Status of a locations job", ["locations"], {"200": resp("job status", R("JobStatus")), **e404("job"), **ERR}, [CPO, JOB])},
 "/ocpi/cpos/{cpo_id}/locations/{location_id}": {
   "get": op("One location", ["locations"], {"200": resp("the location", R("Location")), **e404("location"), **ERR}, [CPO, LOC]),
   "patch": op("Update a location's fields", ["locations"], {"200": resp("the updated location", R("Location")), **e404("location"), **E422, **ERR}, [CPO, LOC], body(R("LocationPatch"))),
   "delete": op("Delete a location and its chargers", ["locations"],
     {"200": resp("deleting", {"type": "object", "properties": {"location_id": {"type": "string"}, "status": {"const": "DELETING"}}}), **e404("location"), **ERR}, [CPO, LOC])},
 "/ocpp/locations/{location_id}/chargers": {
   "post": op("Bulk-create charger groups", ["chargers"], {"202": resp("accepted", R("JobAccepted")), **e404("location"), **E422, **ERR}, [LOC],
     body({"type": "array", "items": R("ChargerGroup")})),
   "get": op("List a location's chargers", ["chargers"], {"200": resp("a page", R("ChargerPage")), **e404("location"), **E422, **ERR}, [LOC] + PAGE + [
      param("status", "filter", {"enum": ["PENDING", "PROVISIONING", "READY", "FAILED"]}, "query"),
      param("ocpp_version", "filter", {"enum": ["OCPP1.6", "OCPP2.0.1"]}, "query")]),
   "put": op("Bulk-update chargers (a new ws_url, ocpp_version or ca_file reconnects them)", ["chargers"],
     {"200": resp("what changed", R("ChargerUpdateResult")), **e404("location"), **E422, **ERR}, [LOC], body(R("ChargerUpdate"))),
   "delete": op("Delete chargers (all, or ?charger_ids=... repeatable or comma-separated: ids or identities)", ["chargers"],
     {"200": resp("what was deleted", R("ChargerDeleteResult")), **e404("location"), **E422, **ERR},
     [LOC, {"name": "charger_ids", "in": "query", "description": "charger ids or identities", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True}])},
 "/ocpp/locations/{location_id}/chargers/jobs/{job_id}": {"get": op("Status of a chargers job", ["chargers"], {"200": resp("job status", R("JobStatus")), **e404("job"), **ERR}, [LOC, JOB])},
 "/ocpp/chargers": {"get": op("List the tenant's chargers", ["chargers"], {"200": resp("a page", R("ChargerPage")), **e404("location"), **E422, **ERR}, PAGE + [
      param("location_id", "filter", {"type": "string", "format": "uuid"}, "query"),
      param("status", "filter", {"enum": ["PENDING", "PROVISIONING", "READY", "FAILED"]}, "query"),
      param("ocpp_version", "filter", {"enum": ["OCPP1.6", "OCPP2.0.1"]}, "query")])},
 "/ocpp/chargers/{charger_id}": {
   "get": op("One charger", ["chargers"], {"200": resp("the charger", R("Charger")), **e404("charger"), **ERR}, [CHG]),
   "put": op("Update one charger", ["chargers"], {"200": resp("what changed", R("ChargerUpdateResult")), **e404("charger"), **E422, **ERR}, [CHG], body(R("ChargerUpdate"))),
   "delete": op("Delete one charger", ["chargers"], {"200": resp("deleted", R("ChargerDeleteResult")), **e404("charger"), **ERR}, [CHG])},
 "/ocpp/chargers/{charger_id}/logs": {"get": op("What one charger said and heard: frames and connection events", ["logs"],
     {"200": resp("oldest first; with follow=1 a text/event-stream of `log` events instead", R("LogPage")), **e404("charger"), **E422, **ERR}, [CHG] + LOGQ)},
 "/ocpp/locations/{location_id}/logs": {"get": op("The logs of every charger of a location", ["logs"],
     {"200": resp("oldest first; with follow=1 a text/event-stream of `log` events instead", R("LogPage")), **e404("location"), **E422, **ERR}, [LOC] + LOGQ)},
 "/ocpp/commands/{command}": {"post": op("Drive chargers: queue a command for one charger or a location's chargers", ["commands"],
     {"202": resp("queued; each command's outcome at its status_url", R("CommandsQueued")), **e404("command, charger or location"), **E422, **ERR},
     [param("command", "what to do", {"enum": ["start-session", "stop-session", "authorize", "inject-fault", "clear-fault", "set-configuration", "restart", "proxy-message", "start-generator", "stop-generator", "plug", "unplug", "ev-suspend", "ev-resume", "stop-runtime", "start-runtime"]})],
     body(R("CommandRequest")),
     desc="start-session {connector_id?, id_tag?, id_type?}: Authorize, then the session on Accepted; stop-session {connector_id?, transaction_id?}; "
          "authorize {id_tag, id_type?}; inject-fault / clear-fault {connector_id?}; set-configuration {key, value} (1.6 key or 2.0.1 Component.Variable); "
          "restart (sessions end, reconnect, boot); proxy-message {action, payload}: any message the charger's version sends; "
          "start-generator / stop-generator: the template's automatic sessions on / off; "
          "plug / unplug {connector_id?}: a cable (unplugging ends the session: EVDisconnected); ev-suspend / ev-resume {connector_id?}: the car stops / resumes taking energy (SuspendedEV); "
          "stop-runtime / start-runtime: the charger switched off (sessions end: PowerLoss; websocket closed, no reconnect) / on (connects, boots). "
          "connector_id is the 1.6 connectorId or the 2.0.1 evseId.")},
 "/ocpp/commands/{command_id}": {"get": op("One queued command: status QUEUED, RUNNING, DONE (result) or FAILED (error)", ["commands"],
     {"200": resp("the command", R("Command")), **e404("command"), **ERR},
     [param("command_id", "from the POST's results", {"type": "string", "format": "uuid"})])},
}
OCPI_SEC = [{"ocpiToken": []}]
OCPI_CPO = param("cpo", "the CPO id", {"type": "string", "pattern": "^[0-9]+$"})
def ocpi(summary, ok, params=(), extra=None, desc=None):
    r = {"200": resp(ok, R("OcpiResponse")),
         "401": resp("invalid or missing token: status_code 2001", R("OcpiResponse")),
         "404": resp("unknown CPO (2000) or object (2003)", R("OcpiResponse")),
         "503": resp("database unavailable (3000)", R("OcpiResponse"))}
    r.update(extra or {})
    o = op(summary, ["ocpi"], r, [OCPI_CPO, *params], desc=desc)
    o["security"] = OCPI_SEC
    return o
E405 = {"405": resp("wrong registration state for this method (2000)", R("OcpiResponse"))}
E400 = {"400": resp("bad credentials (2001) or the eMSP's API unusable (3001)", R("OcpiResponse"))}
for V in ["2.2.1", "2.1.1"]:
  paths.update({
   f"/ocpi/{{cpo}}/{V}": {"get": ocpi(f"OCPI {V} version details: credentials and locations endpoints", "{version, endpoints}")},
   f"/ocpi/{{cpo}}/{V}/credentials": {
      "get": ocpi("Our credentials (token C)", "Credentials", extra=E405),
      "post": {**ocpi("Register an eMSP (token A): we fetch its versions and details with its token B, answer with token C", "Credentials", extra={**E400, **E405}), "requestBody": body(R("OcpiCredentials" if V == "2.2.1" else "OcpiCredentials211"))},
      "put": {**ocpi("Update the registration (token C): new token B / URL, new token C", "Credentials", extra={**E400, **E405}), "requestBody": body(R("OcpiCredentials" if V == "2.2.1" else "OcpiCredentials211"))},
      "delete": ocpi("Unregister (token C stops working)", "no data", extra=E405)},
   f"/ocpi/{{cpo}}/{V}/locations": {"get": ocpi("Locations module, sender: the CPO's Locations (token C), paged", "[Location]",
      [param("offset", "", {"type": "integer", "minimum": 0}, "query"), param("limit", "", {"type": "integer", "minimum": 1, "maximum": 100}, "query"),
       param("date_from", "last_updated >= (RFC 3339)", {"type": "string", "format": "date-time"}, "query"),
       param("date_to", "last_updated < (RFC 3339)", {"type": "string", "format": "date-time"}, "query")],
      extra={"400": resp("bad paging or dates (2001)", R("OcpiResponse"))},
      desc="Headers: X-Total-Count, X-Limit, and Link <next page>; rel=\"next\" while there is more.")},
   f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}": {"get": ocpi("One Location", "Location", [LOC])},
   f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}/{{evse_uid}}": {"get": ocpi("One EVSE (status follows the simulated charger)", "EVSE", [LOC, param("evse_uid", "EVSE uid")])},
   f"/ocpi/{{cpo}}/{V}/locations/{{location_id}}/{{evse_uid}}/{{connector_id}}": {"get": ocpi("One Connector", "Connector", [LOC, param("evse_uid", "EVSE uid"), param("connector_id", "connector id")])},
  })
paths["/ocpi/{cpo}/versions"] = {"get": ocpi("OCPI versions of the CPO (token A or C): 2.2.1, or 2.1.1 for a 2.1.1 network", "[{version, url}]")}
S = lambda **p: {"type": "object", "properties": p}
st = {"type": "string"}; it = {"type": "integer"}; nst = {"type": ["string", "null"]}
page_of = lambda item: {"type": "object", "required": ["data", "page", "limit", "total"], "properties": {"data": {"type": "array", "items": R(item)}, "page": it, "limit": it, "total": it}}
schemas = {
 "OcpiResponse": {"type": "object", "required": ["status_code", "timestamp"], "properties": {
     "data": {}, "status_code": {"type": "integer"}, "status_message": {"type": "string"}, "timestamp": {"type": "string", "format": "date-time"}}},
 "OcpiCredentials211": {"type": "object", "required": ["token", "url", "business_details", "party_id", "country_code"], "properties": {
     "token": {"type": "string", "maxLength": 64}, "url": {"type": "string"}, "business_details": {"type": "object", "required": ["name"]},
     "party_id": {"type": "string", "minLength": 3, "maxLength": 3}, "country_code": {"type": "string", "minLength": 2, "maxLength": 2}}},
 "OcpiCredentials": {"type": "object", "required": ["token", "url", "roles"], "properties": {
     "token": {"type": "string", "maxLength": 64}, "url": {"type": "string"},
     "roles": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["role", "party_id", "country_code", "business_details"], "properties": {
        "role": {"enum": ["CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"]}, "party_id": {"type": "string", "minLength": 3, "maxLength": 3},
        "country_code": {"type": "string", "minLength": 2, "maxLength": 2}, "business_details": {"type": "object", "required": ["name"]}}}}}},
 "Error": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
 "LogPage": {"type": "object", "properties": {"limit": {"type": "integer"}, "offset": {"type": "integer"},
     "data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
         "charger_id": {"type": "string"}, "identity": {"type": "string"}, "event": {"enum": ["frame", "connected", "disconnected", "connect_failed"]},
         "direction": {"enum": ["in", "out", None]}, "action": {"type": ["string", "null"]}, "message_id": {"type": ["string", "null"]},
         "frame": {"type": "string", "description": "the raw OCPP-J frame (frames)"}, "detail": {"type": "string", "description": "what happened (connection events)"}}}}}},
 "CommandRequest": {"type": "object", "required": ["target"], "properties": {
     "target": {"type": "object", "properties": {"charger_id": {"type": "string", "description": "id or identity"},
         "location_id": {"type": "string", "format": "uuid"}, "charger_ids": {"type": "array", "items": {"type": "string"}}}},
     "connector_id": {"type": "integer", "minimum": 1, "maximum": 64}, "id_tag": {"type": "string", "maxLength": 36},
     "id_type": {"enum": ["Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress", "NoAuthorization"]},
     "transaction_id": {"type": "string", "maxLength": 36}, "key": {"type": "string"}, "value": {"type": "string"},
     "action": {"type": "string"}, "payload": {"type": "object"}}, "additionalProperties": False},
 "CommandsQueued": {"type": "object", "properties": {"command": {"type": "string"}, "targeted_count": {"type": "integer"},
     "queued_count": {"type": "integer"}, "failed_count": {"type": "integer"},
     "results": {"type": "array", "items": {"type": "object", "properties": {"charger_id": {"type": "string"}, "identity": {"type": "string"},
         "command_id": {"type": "string"}, "status": {"type": "string"}, "status_url": {"type": "string"}}}},
     "failed": {"type": "array", "items": {"type": "object", "properties": {"charger_id": {"type": "string"}, "error": {"type": "string"}}}}}},
 "Command": {"type": "object", "properties": {"command_id": {"type": "string"}, "charger_id": {"type": "string"}, "command": {"type": "string"},
     "args": {"type": "object"}, "status": {"enum": ["QUEUED", "RUNNING", "DONE", "FAILED"]}, "result": {}, "error": {"type": ["string", "null"]},
     "created_at": {"type": "string"}, "done_at": {"type": ["string", "null"]}}},
 "HTTPValidationError": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "array", "items": {
     "type": "object", "required": ["loc", "msg", "type"], "properties": {"loc": {"type": "array", "items": {"type": ["string", "integer"]}}, "msg": st, "type": st}}}}},
 "Brand": S(slug=st, name=st, models={"type": "array", "items": R("Model")}),
 "Gallery": {"type": "object", "properties": {"total": {"type": "integer"}, "data": {"type": "array", "items": {"type": "object", "properties": {
     "slug": {"type": "string"}, "description": {"type": "string"}, "current_type": {"enum": ["AC", "DC", "AC-DC"]},
     "ocpp_versions": {"type": "array", "items": {"type": "string"}}}}}}},
 "ModelCreate": {"type": "object", "additionalProperties": False, "required": ["model_slug", "name", "current_type", "max_power_kw", "connector_count", "connector_types"], "properties": {
     "model_slug": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}, "name": {"type": "string", "maxLength": 100},
     "brand_name": {"type": "string", "maxLength": 100}, "vendor": {"type": "string", "maxLength": 20, "description": "OCPP chargePointVendor (default: brand_name)"},
     "model": {"type": "string", "maxLength": 20, "description": "OCPP chargePointModel (default: name)"}, "firmware": {"type": "string", "maxLength": 50},
     "current_type": {"enum": ["AC", "DC"]}, "max_power_kw": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
     "connector_count": {"type": "integer", "minimum": 1, "maximum": 8},
     "connector_types": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"enum": ["TYPE1", "TYPE2", "CCS1", "CCS2", "CHADEMO", "GBT_AC", "GBT_DC", "NACS", "DOMESTIC"]}},
     "ocpp_versions": {"type": "array", "minItems": 1, "items": {"enum": ["OCPP1.6", "OCPP2.0.1"]}}}},
 "Model": S(brand_slug=st, model_slug=st, name=st, vendor=st, model=st, current_type={"enum": ["AC", "DC"]}, max_power_kw={"type": "number"}, connector_count=it,
            connectors=it, connector_types={"type": "array", "items": st}, ocpp_version=st, ocpp_versions={"type": "array", "items": st}, firmware=st, brand_name=st, custom={"type": "boolean"}),
 "ChargerTemplate": {"type": "object", "required": ["brand_slug", "model_slug"], "properties": {
     "brand_slug": st, "model_slug": st, "ocpp_version": {"enum": ["OCPP1.6", "OCPP2.0.1"], "default": "OCPP1.6"},
     "ws_url": {"type": "string", "description": "ws:// or wss:// (default: the CPO's ws_url, else serve --default-ws-url)"},
     "connector_type": st, "identity_prefix": {"type": "string", "maxLength": 42}, "template_name": st,
     "ca_file": {"type": "string", "description": "absolute path of a PEM CA bundle for wss"}}},
 "ChargerGroup": {"type": "object", "required": ["template"], "properties": {"template": R("ChargerTemplate"),
     "charger_ids": {"type": "array", "items": st, "description": "identities (after identity_prefix), used first"},
     "chargers_number": {"type": "integer", "minimum": 0, "maximum": 100000, "description": "padded with random hex suffixes, or truncated"}}},
 "CpoCreate": {"type": "object", "required": ["template"], "properties": {
     "template": {"type": "string", "description": "see GET /ocpi/cpos/templates"},
     "overrides": S(locations={"type": "integer", "minimum": 0}, chargers_per_location={"type": "integer", "minimum": 0}),
     "seed": {"type": "integer", "description": "same seed + template + overrides: the same topology"},
     "ttl_seconds": {"type": ["integer", "null"], "minimum": 60, "maximum": 604800, "default": 3600, "description": "null keeps the CPO until deleted"},
     "ws_url": st, "ocpi_version": {"enum": ["2.2.1", "2.1.1"], "default": "2.2.1", "description": "the OCPI version of its network (2.1.1: parking_type is ignored)"},
     "country_code": {"type": "string", "pattern": "^[A-Z]{2}$"}, "party_id": {"type": "string", "pattern": "^[A-Z0-9]{3}$"}, "name_prefix": st}},
 "Party": S(country_code=st, party_id=st, role={"const": "CPO"}),
 "CpoAccepted": S(cpo_id=st, party=R("Party"), requested_party_id=st, warnings={"type": "array", "items": st}, name_prefix=st, template=st, template_version=it,
     token_a=st, ocpi_peer_url=st, roam_helper={"type": "object"}, job_id=st, workflow_run_id=st, status={"const": "PENDING"},
     status_url=st, destroy_url=st, expires_at=nst, locations=it, chargers=it),
 "Cpo": S(cpo_id=st, party=R("Party"), requested_party_id=nst, name_prefix=st, template=st, template_version=it, seed={"type": ["integer", "null"]},
     ws_url=nst, ttl_seconds={"type": ["integer", "null"]}, expires_at=nst, created_at=st, job_id=st,
     ocpi_version={"enum": ["2.2.1", "2.1.1"]}, ocpi_registered={"type": "boolean"},
     status={"enum": ["PENDING", "PROVISIONING", "READY", "FAILED"]},
     counts=S(locations=it, chargers=it, evses=it, connectors=it, ready=it, failed=it, connected=it)),
 "CpoPage": page_of("Cpo"),
 "JobAccepted": S(job_id=st, status={"const": "PENDING"}, status_url=st, workflow_run_id=st, count=it, locations=it, chargers=it),
 "JobStatus": S(job_id=st, job_type={"enum": ["cpo", "locations", "chargers"]}, status={"enum": ["PENDING", "PROVISIONING", "READY", "FAILED"]},
     workflow_run_id=st, progress=S(total=it, pending=it, provisioning=it, ready=it, failed=it),
     results=S(created={"type": "array"}, failed={"type": "array", "items": S(identity=st, charger_id=st, location_id=st, error=st)}),
     error=nst, provisioned_at=nst,
     boot_latency_ms={"type": ["object", "null"], "description": "websocket connect started -> BootNotification accepted, over the job's chargers that booted (null before the first)",
                      "properties": {"count": it, "p50": it, "p95": it, "p99": it, "max": it}},
     ready_after_ms={"type": ["object", "null"], "description": "job written -> charger READY",
                     "properties": {"p50": it, "p95": it, "p99": it, "max": it}}),
 "LocationsCreate": {"oneOf": [{"type": "array", "items": R("LocationCreate")}, S(locations={"type": "array", "items": R("LocationCreate")})]},
 "LocationCreate": {"oneOf": [
     {"type": "object", "required": ["template"], "properties": {"template": st, "overrides": S(name=st, identity_prefix=st, ws_url=st)}},
     {"type": "object", "required": ["name", "coordinates"], "description": "raw: OCPI Location fields plus charges", "properties": {
        "name": st, "address": st, "city": st, "postal_code": st, "country": st,
        "coordinates": S(latitude=st, longitude=st), "charges": {"type": "array", "items": R("ChargerGroup")}}}]},
 "Location": S(location_id=st, cpo_id=st, name=st, address=nst, city=nst, postal_code=nst, country=nst,
     coordinates=S(latitude=st, longitude=st), template=nst, chargers=it, ocpi={"type": "object"}, created_at=st, updated_at=st),
 "LocationPage": page_of("Location"),
 "LocationPatch": {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
     "name": st, "address": nst, "city": nst, "postal_code": nst, "country": nst,
     "coordinates": {"type": "object", "required": ["latitude", "longitude"], "properties": {"latitude": st, "longitude": st}},
     "ocpi": {"type": "object", "description": "merged into the stored OCPI fields"}}},
 "Charger": S(charger_id=st, identity=st, charge_point_name=st, location_id=st, brand_slug=st, model_slug=st, vendor=st, model=st,
     serial=st, firmware=st, connectors=it, connector_type=st, max_power_kw={"type": "number"}, ocpp_version={"enum": ["OCPP1.6", "OCPP2.0.1"]},
     ws_url=st, ca_file=nst, status={"enum": ["PENDING", "PROVISIONING", "READY", "FAILED"]}, connected={"type": "boolean"}, error=nst,
     job_id=st, reconnect_pending={"type": "boolean"}, created_at=st, updated_at=st, ready_at=nst),
 "ChargerPage": page_of("Charger"),
 "ChargerUpdate": {"type": "object", "additionalProperties": False, "properties": {
     "ws_url": st, "ocpp_version": {"enum": ["OCPP1.6", "OCPP2.0.1"]}, "ca_file": nst,
     "template_name": {"type": "string", "description": "renames the chargers '<template_name> <n>'"},
     "charger_ids": {"type": "array", "minItems": 1, "items": st, "description": "only on a location: ids or identities (default: all)"}}},
 "ChargerUpdateResult": S(matched=it, changed={"type": "array", "items": S(charger_id=st, identity=st, fields={"type": "array", "items": st}, reconnects={"type": "boolean"})},
     unchanged={"type": "array", "items": st}, not_found={"type": "array", "items": st}),
 "ChargerDeleteResult": S(deleted=it, charger_ids={"type": "array", "items": st}, not_found={"type": "array", "items": st}),
}
doc = {
 "openapi": "3.1.0",
 "info": {"title": "chargefleet", "version": "0.3.0", "description": "Fleets of simulated OCPP 1.6 / 2.0.1 chargers on demand. Every route but /healthz, /metrics and /openapi.json needs `Authorization: Bearer <token>` (serve --api-token for tenant default, or `chargefleet token create --tenant NAME`); another tenant's resources are 404."},
 "security": [{"bearer": []}],
 "paths": paths,
 "components": {
   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                       "ocpiToken": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "OCPI: 'Token <base64(token)>' (raw tokens accepted too)"}},
   "responses": {"Unauthorized": resp("missing or invalid bearer token", R("Error")),
                 "Unavailable": resp("database unavailable", R("Error"))},
   "schemas": schemas},
}
print(json.dumps(doc, indent=1))

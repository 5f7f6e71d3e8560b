# Writes the OpenAPI 3.1 document of the API to stdout: python3 scripts/openapi.py > api/openapi.json
# (api/openapi.json is what the binary serves; test_api_routes checks it against the routes,
# tests/integration/openapi*.test.mjs check it against the server and `redocly lint`).
#
# Conventions, so that a client generator and the request checker can use it:
# - every object schema says `additionalProperties` (false but for the few open ones, which
#   say why) and lists its `required` fields;
# - a field the server treats as absent when it is null has a type array with "null";
# - request bodies are the component schemas named below (CreateCpoRequest, LocationsBody,
#   CreateChargersRequest, ...): the C checker looks them up by these names.
# - the seed pages' examples (../shared/seeds, the REST contract) are the request examples;
#   without that directory the examples already in api/openapi.json are kept.
import ast
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "..", "shared", "seeds")

R = lambda name: {"$ref": f"#/components/schemas/{name}"}
st = {"type": "string"}
it = {"type": "integer"}
num = {"type": "number"}
boo = {"type": "boolean"}
nst = {"type": ["string", "null"]}
nit = {"type": ["integer", "null"]}
ts = {"type": "string", "format": "date-time"}
nts = {"type": ["string", "null"], "format": "date-time"}
uuid = {"type": "string", "format": "uuid"}


def obj(props, opt=(), desc=None, title=None, **kw):
    """A strict object: every property is required except those in opt."""
    o = {"type": "object", "additionalProperties": False, "properties": props}
    o["required"] = [k for k in props if k not in opt]
    if desc:
        o["description"] = desc
    if title:
        o["title"] = title
    o.update(kw)
    return o


def reqobj(props, required=(), desc=None, nullable=False, **kw):
    """A strict request object: only the fields in required are."""
    o = {"type": ["object", "null"] if nullable else "object", "additionalProperties": False,
         "properties": props, "required": list(required)}
    if desc:
        o["description"] = desc
    o.update(kw)
    return o


def n(schema, desc=None, **kw):
    """schema, or null (the server takes null as absent)."""
    s = dict(schema)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    elif isinstance(t, list):
        s["type"] = t if "null" in t else t + ["null"]
    if "enum" in s and None not in s["enum"]:
        s["enum"] = s["enum"] + [None]
    if desc:
        s["description"] = desc
    s.update(kw)
    return s


def arr(items, **kw):
    return {"type": "array", "items": items, **kw}


def d(schema, desc):
    return {**schema, "description": desc}


def senum(values, desc=None, **kw):
    s = {"type": "string", "enum": list(values)}
    if desc:
        s["description"] = desc
    s.update(kw)
    return s


# ---- the seed pages' examples ----

def seed_payloads(text):
    """The payload = ... literals of the ```python blocks, with their block titles."""
    out = []
    for m in re.finditer(r"```python([^\n]*)\n(.*?)```", text, re.S):
        title, code = m.group(1).strip(), m.group(2)
        p = re.search(r"^payload = (.*?)^headers =", code, re.S | re.M)
        if p:
            out.append((title, ast.literal_eval(p.group(1).strip())))
    return out


def rendered_response(text):
    """The numbered JSON answer a rendered page shows after its request (seed 002)."""
    m = re.search(r"print\(response\.json\(\)\)\n((?:\d+[\[{].*?\n)(?:\d+.*?\n)*?\d+[\]}]\n)", text)
    if not m:
        return None
    return json.loads("".join(re.sub(r"^\d+", "", line) for line in m.group(1).splitlines()))


def examples_from_seeds():
    """{key: {name: {summary, value}}} for the operations the seeds show."""
    files = {f[:3]: open(os.path.join(SEEDS, f), encoding="utf-8").read()
             for f in sorted(os.listdir(SEEDS)) if re.match(r"\d{3}_.*\.txt$", f)}
    ex = {}

    def add(key, seed, items):
        group = ex.setdefault(key, {})
        for i, (title, value) in enumerate(items, 1):
            group[f"seed{seed}_{i}"] = {"summary": title or f"seed page {seed}, example {i}",
                                        "value": value}

    add("createLocations", "000", seed_payloads(files.get("000", "")))
    add("createChargers", "001", seed_payloads(files.get("001", "")))
    add("createCpo", "003", seed_payloads(files.get("003", "")))
    r = rendered_response(files.get("002", ""))
    if r is not None:
        ex["createChargers.202"] = {"seed002": {"summary": "the seed's 202 answer", "value": r}}
    return ex


def examples_from_committed():
    """The examples of the committed api/openapi.json (when the seeds are not at hand; read
    from git, as the file itself is being rewritten by the shell's redirection)."""
    try:
        text = subprocess.run(["git", "-C", ROOT, "show", "HEAD:api/openapi.json"], capture_output=True,
                              check=True, text=True).stdout
        doc = json.loads(text)
    except (OSError, ValueError, subprocess.CalledProcessError):
        print("openapi.py: no ../shared/seeds and no committed api/openapi.json: the document has no seed examples",
              file=sys.stderr)
        return {}
    ex = {}
    for item in doc.get("paths", {}).values():
        for o in item.values():
            if not isinstance(o, dict) or "operationId" not in o:
                continue
            rb = o.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "examples" in rb:
                ex[o["operationId"]] = rb["examples"]
            for code, r in o.get("responses", {}).items():
                e = r.get("content", {}).get("application/json", {}).get("examples")
                if e:
                    ex[f"{o['operationId']}.{code}"] = e
    return ex


EXAMPLES = examples_from_seeds() if os.path.isdir(SEEDS) else examples_from_committed()

# ---- request schemas (what the server accepts: api_validate*.c, api_ocpi_schema.c,
# api_commands.c, api_catalog.c) ----

WS_URL = {"type": "string", "pattern": "^wss?://[^/:]", "maxLength": 399,
          "description": "ws:// or wss:// URL of the CSMS (the charger's identity is appended)"}
OCPP_VERSION = senum(["OCPP1.6", "OCPP2.0.1"])
COUNTRY = {"type": "string", "pattern": "^[A-Z]{2,3}$",
           "description": "ISO 3166-1 alpha-2 or alpha-3 code, e.g. NL or NLD"}
LAT_RE = r"^-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)$"
LON_RE = r"^-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)$"
DATETIME_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
HHMM_RE = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def coord(lo, hi, pattern, what):
    return {"type": ["number", "string"], "minimum": lo, "maximum": hi, "pattern": pattern, "maxLength": 31,
            "description": f"{what}: a number or a decimal string, {lo}..{hi}"}


PARKING_TYPES = ["ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET", "UNDERGROUND_GARAGE"]
FACILITIES = ["HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "SPORT", "RECREATION_AREA", "NATURE",
              "MUSEUM", "BIKE_SHARING", "BUS_STOP", "TAXI_STAND", "TRAM_STOP", "METRO_STATION",
              "TRAIN_STATION", "AIRPORT", "PARKING_LOT", "CARPOOL_PARKING", "FUEL_STATION", "WIFI"]
IMAGE_CATEGORIES = ["CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"]
ENERGY_SOURCES = ["NUCLEAR", "GENERAL_FOSSIL", "COAL", "GAS", "GENERAL_GREEN", "SOLAR", "WIND", "WATER"]
ENVIRON_IMPACTS = ["NUCLEAR_WASTE", "CARBON_DIOXIDE"]
TOKEN_TYPES = ["AD_HOC_USER", "APP_USER", "OTHER", "RFID"]
LOCATION_TYPES_211 = ["ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER", "UNKNOWN"]
DT = {"type": "string", "pattern": DATETIME_RE, "description": "RFC 3339 date-time"}

ocpi_fields = {
    "parking_type": d(R("ParkingType"), "OCPI 2.2.1 parking type (ignored on OCPI 2.1.1 networks)"),
    "type": senum(LOCATION_TYPES_211, "OCPI 2.1.1 LocationType, for 2.1.1 networks"),
    "facilities": arr(senum(FACILITIES)),
    "operator": R("OcpiBusinessDetails"),
    "suboperator": R("OcpiBusinessDetails"),
    "owner": R("OcpiBusinessDetails"),
    "opening_times": R("OcpiHours"),
    "energy_mix": R("OcpiEnergyMix"),
    "images": arr(R("OcpiImage")),
    "directions": arr(R("OcpiDisplayText")),
    "related_locations": arr(R("OcpiAdditionalGeoLocation")),
    "publish_allowed_to": arr(R("OcpiPublishTokenType")),
    "publish": boo,
    "charging_when_closed": boo,
    "time_zone": {"type": "string", "maxLength": 255, "description": "IANA time zone (OCPI's spelling)"},
    "state": {"type": "string", "maxLength": 20},
}
CAMEL = ("camelCase spellings of the OCPI fields (publishAllowedTo, relatedLocations, openingTimes, "
         "locationEnergyMix / energyMix, chargingWhenClosed, timeZone, parkingType, postalCode, ownerName, ...) "
         "are renamed to these snake_case names by the server before the check, as eMabler's API spells them.")

req_schemas = {
    "CreateCpoRequest": reqobj({
        "template": {"type": "string", "description": "CPO template slug: see GET /ocpi/cpos/templates"},
        "role": n(senum(["cpo", "emsp"]), "role this CPO takes in OCPI roaming", default="cpo"),
        "country_code": n(COUNTRY, "the party's country (default: the template's)"),
        "party_id": n({"type": "string", "pattern": "^[A-Z0-9]{3}$"},
                      "3-character OCPI party id (default: the template's); one the tenant uses already is replaced (see warnings)"),
        "name_prefix": n({"type": "string", "maxLength": 100}, "put before every location name (default: the template's)"),
        "ocpi_version": n(senum(["2.2.1", "2.1.1"]), "OCPI version of the CPO's network (2.1.1: parking_type is ignored)", default="2.2.1"),
        "seed": n({"type": "integer", "minimum": -(1 << 53), "maximum": 1 << 53},
                  "same seed + template + overrides: the same topology; null: random"),
        "ttl_seconds": n({"type": "integer", "minimum": 60, "maximum": 604800},
                         "destroyed after this many seconds (60 s .. 7 days); an explicit null keeps it until deleted", default=3600),
        "overrides": reqobj({
            "locations": n({"type": "integer", "minimum": 1, "maximum": 1000}),
            "chargers_per_location": n({"type": "integer", "minimum": 0, "maximum": 10000},
                                       "spread over the location template's groups, round robin"),
        }, nullable=True, desc="template-specific overrides"),
        "ws_url": n(WS_URL, "the CSMS of its chargers (default: serve --default-ws-url)"),
    }, ["template"], "Body of POST /ocpi/cpos."),
    "OcpiCoordinates": reqobj({"latitude": coord(-90, 90, LAT_RE, "latitude"),
                               "longitude": coord(-180, 180, LON_RE, "longitude")},
                              ["latitude", "longitude"], "Latitude/longitude pair accepted by the OCPI location API."),
    "ParkingType": senum(PARKING_TYPES, "OCPI 2.2.1 parking_type"),
    "OcpiDisplayText": reqobj({"language": {"type": "string", "maxLength": 2}, "text": {"type": "string", "maxLength": 512}},
                              ["language", "text"]),
    "OcpiImage": reqobj({"url": {"type": "string", "maxLength": 255}, "thumbnail": {"type": "string", "maxLength": 255},
                         "category": senum(IMAGE_CATEGORIES), "type": {"type": "string", "maxLength": 4},
                         "width": {"type": "integer", "minimum": 0, "maximum": 99999},
                         "height": {"type": "integer", "minimum": 0, "maximum": 99999}},
                        ["url", "category", "type"]),
    "OcpiBusinessDetails": reqobj({"name": {"type": "string", "maxLength": 100}, "website": {"type": "string", "maxLength": 255},
                                   "logo": R("OcpiImage")}, ["name"]),
    "OcpiHours": reqobj({
        "twentyfourseven": boo,
        "regular_hours": arr(reqobj({"weekday": {"type": "integer", "minimum": 1, "maximum": 7, "description": "1 Monday .. 7 Sunday"},
                                     "period_begin": {"type": "string", "pattern": HHMM_RE},
                                     "period_end": {"type": "string", "pattern": HHMM_RE}},
                                    ["weekday", "period_begin", "period_end"])),
        "exceptional_openings": arr(reqobj({"period_begin": DT, "period_end": DT}, ["period_begin", "period_end"])),
        "exceptional_closings": arr(reqobj({"period_begin": DT, "period_end": DT}, ["period_begin", "period_end"])),
    }, ["twentyfourseven"]),
    "OcpiEnergyMix": reqobj({
        "is_green_energy": boo,
        "energy_sources": arr(reqobj({"source": senum(ENERGY_SOURCES), "percentage": {"type": "number", "minimum": 0, "maximum": 100}},
                                     ["source", "percentage"])),
        "environ_impact": arr(reqobj({"category": senum(ENVIRON_IMPACTS), "amount": {"type": "number", "minimum": 0}},
                                     ["category", "amount"])),
        "supplier_name": {"type": "string", "maxLength": 64},
        "energy_product_name": {"type": "string", "maxLength": 64},
    }, ["is_green_energy"]),
    "OcpiAdditionalGeoLocation": reqobj({
        "latitude": {"type": "string", "pattern": LAT_RE}, "longitude": {"type": "string", "pattern": LON_RE},
        "name": R("OcpiDisplayText")}, ["latitude", "longitude"]),
    "OcpiPublishTokenType": reqobj({"uid": {"type": "string", "maxLength": 36}, "type": senum(TOKEN_TYPES),
                                    "visual_number": {"type": "string", "maxLength": 64},
                                    "issuer": {"type": "string", "maxLength": 64},
                                    "group_id": {"type": "string", "maxLength": 36}}),
    "OcpiLocationFields": reqobj(ocpi_fields, desc="OCPI 2.2.1 Location fields chargefleet keeps and publishes. " + CAMEL),
    "OcpiCreateLocationRequest": reqobj({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "address": n({"type": "string", "maxLength": 255}),
        "city": n({"type": "string", "maxLength": 100}),
        "postal_code": n({"type": "string", "maxLength": 16}),
        "country": n(COUNTRY),
        "coordinates": R("OcpiCoordinates"),
        "timezone": n({"type": "string", "maxLength": 255}, "IANA time zone, e.g. Europe/Paris"),
        "owner_name": nst,
        "public": {"type": "boolean", "default": True},
        "charges": n(arr(R("ChargerGroup")), "charger groups to provision in the new location"),
        **ocpi_fields,
    }, ["name", "coordinates"], "One raw location (OCPI fields), optionally with its chargers. " + CAMEL),
    "LocationFromTemplateRequest": reqobj({
        "template": {"type": "string", "description": "location template slug: see GET /ocpi/templates/locations"},
        "overrides": reqobj({
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "address": n({"type": "string", "maxLength": 255}),
            "city": n({"type": "string", "maxLength": 100}),
            "postal_code": n({"type": "string", "maxLength": 16}),
            "country": n(COUNTRY),
            "coordinates": R("OcpiCoordinates"),
            "timezone": n({"type": "string", "maxLength": 255}),
            "owner_name": nst,
            "public": boo,
            "parking_type": n(R("ParkingType")),
            "ocpp_version": n(OCPP_VERSION, "rewrites every group of the template"),
            "identity_prefix": n({"type": "string", "maxLength": 42}, "replaces every group's identity prefix (no automatic L01_, L02_...)"),
            "ws_url": n(WS_URL),
        }, nullable=True, desc="the template's location fields replaced (a shallow merge); ocpp_version, identity_prefix and ws_url apply to every group"),
    }, ["template"], "A location from a template. The same template slug used twice in one body without identity_prefix gets L01_, L02_... prefixes."),
    "CreateLocationsBulkRequestLocationsItems": {"oneOf": [R("OcpiCreateLocationRequest"), R("LocationFromTemplateRequest")],
                                                 "description": "a raw location or a template reference"},
    "CreateLocationsBulkRequest": reqobj({"locations": arr(R("CreateLocationsBulkRequestLocationsItems"), minItems=1)},
                                         ["locations"], "Envelope for bulk-creating locations (the seed's shape)."),
    "LocationsBody": {"oneOf": [R("CreateLocationsBulkRequest"), arr(R("CreateLocationsBulkRequestLocationsItems"), minItems=1)],
                      "description": "Body of POST /ocpi/cpos/{cpo_id}/locations: the seed's {locations: [...]} or the bare array."},
    "ChargerTemplate": reqobj({
        "brand_slug": {"type": "string", "description": "see GET /ocpp/catalog/brands"},
        "model_slug": st,
        "connector_type": n(st, "one of the model's connector types; aliases such as CCS2, Type2, 'Type 2' are accepted case-insensitively (default: the model's first)"),
        "ocpp_version": n(OCPP_VERSION, default="OCPP1.6"),
        "ws_url": n(WS_URL, "default: the CPO's ws_url, else serve --default-ws-url"),
        "identity_prefix": n({"type": "string", "maxLength": 42}, "put before each charger id to form the OCPP identity"),
        "template_name": n(st, "base display name: charge_point_name is '<template_name> <n>'"),
        "ca_file": n({"type": "string", "pattern": "^/", "maxLength": 400}, "absolute path of a PEM CA bundle for wss"),
        "security_profile": n({"type": "integer", "minimum": 0, "maximum": 3}, "OCPP security profile: 0 none, 1 basic auth over ws, 2 basic auth over wss, 3 client certificate"),
        "password": n({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[!-~]+$"}, "basic auth password (profiles 1 and 2)"),
        "ca_pem": n({"type": "string", "maxLength": 16384}, "PEM CA certificate(s) verifying a wss CSMS"),
        "client_cert_pem": n({"type": "string", "maxLength": 16384}, "profile 3: the charger's PEM certificate"),
        "client_key_pem": n({"type": "string", "maxLength": 16384}, "profile 3: its PEM private key"),
        "reconnect": reqobj({"backoff_min_ms": n({"type": "integer", "minimum": 100, "maximum": 600000}),
                             "backoff_max_ms": n({"type": "integer", "minimum": 100, "maximum": 3600000})},
                            desc="reconnect backoff (backoff_max_ms >= backoff_min_ms)"),
        "call_timeout_s": n({"type": "integer", "minimum": 1, "maximum": 600}),
        "ping_interval_s": n({"type": "integer", "minimum": 0, "maximum": 3600}, "websocket pings (0: none)"),
        "sessions": reqobj({
            "per_hour": {"type": "number", "minimum": 0.001, "maximum": 36000, "description": "sessions started per hour per charger"},
            "duration_s": arr({"type": "integer", "minimum": 1, "maximum": 86400}, minItems=2, maxItems=2, description="[min, max] (default [600, 3600])"),
            "energy_wh": arr({"type": "number", "minimum": 1, "maximum": 1000000}, minItems=2, maxItems=2, description="[min, max] Wh a driver wants"),
            "id_tags": arr({"type": "string", "minLength": 1, "maxLength": 20}, minItems=1, maxItems=1000),
        }, ["per_hour"], "automatic charging sessions"),
    }, ["brand_slug", "model_slug"], "Shared charger properties applied to every charger in a group."),
    "ChargerGroup": reqobj({
        "template": R("ChargerTemplate"),
        "charger_ids": n(arr({"type": "string", "minLength": 1}), "identity suffixes (after identity_prefix), used first; truncated to chargers_number"),
        "chargers_number": n({"type": "integer", "minimum": 0, "maximum": 100000}, "padded with random hex suffixes up to this many"),
    }, ["template"], "One group of chargers sharing a template: charger_ids, chargers_number or both."),
    "CreateChargersRequest": arr(R("ChargerGroup"), minItems=1, description="Body of POST /ocpp/locations/{location_id}/chargers (at most 100000 chargers)."),
    "UpdateLocationRequest": reqobj({
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "address": n({"type": "string", "minLength": 1, "maxLength": 255}),
        "city": n({"type": "string", "minLength": 1, "maxLength": 100}),
        "postal_code": n({"type": "string", "minLength": 1, "maxLength": 16}),
        "country": n(COUNTRY),
        "coordinates": R("OcpiCoordinates"),
        "ocpi": d(R("OcpiLocationFields"), "merged into the stored OCPI fields"),
    }, desc="Body of PATCH /ocpi/cpos/{cpo_id}/locations/{location_id}: the fields to change.", minProperties=1),
    "UpdateChargersRequest": reqobj({
        "ws_url": WS_URL, "ocpp_version": OCPP_VERSION,
        "ca_file": n({"type": "string", "pattern": "^/", "minLength": 1, "maxLength": 400}),
        "template_name": {"type": "string", "minLength": 1, "maxLength": 100, "description": "renames the chargers '<template_name> <n>'"},
        "charger_ids": n(arr({"type": "string", "minLength": 1}, minItems=1), "ids or identities (default: every charger of the location)"),
    }, desc="Body of PUT /ocpp/locations/{location_id}/chargers: a new ws_url, ocpp_version or ca_file reconnects the chargers.",
        anyOf=[{"required": [k]} for k in ["ws_url", "ocpp_version", "ca_file", "template_name"]]),
    "UpdateChargerRequest": reqobj({
        "ws_url": WS_URL, "ocpp_version": OCPP_VERSION,
        "ca_file": n({"type": "string", "pattern": "^/", "minLength": 1, "maxLength": 400}),
        "template_name": {"type": "string", "minLength": 1, "maxLength": 100},
    }, desc="Body of PUT /ocpp/chargers/{charger_id}.",
        anyOf=[{"required": [k]} for k in ["ws_url", "ocpp_version", "ca_file", "template_name"]]),
    "CreateModelRequest": reqobj({
        "model_slug": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "brand_name": {"type": "string", "minLength": 1, "maxLength": 100},
        "vendor": {"type": "string", "minLength": 1, "maxLength": 20, "description": "OCPP chargePointVendor (default: brand_name)"},
        "model": {"type": "string", "minLength": 1, "maxLength": 20, "description": "OCPP chargePointModel (default: name)"},
        "firmware": {"type": "string", "minLength": 1, "maxLength": 50},
        "current_type": senum(["AC", "DC"]),
        "max_power_kw": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
        "connector_count": {"type": "integer", "minimum": 1, "maximum": 8},
        "connector_types": arr(senum(["TYPE1", "TYPE2", "CCS1", "CCS2", "CHADEMO", "GBT_AC", "GBT_DC", "NACS", "DOMESTIC"]), minItems=1, maxItems=3),
        "ocpp_versions": arr(OCPP_VERSION, minItems=1),
    }, ["model_slug", "name", "current_type", "max_power_kw", "connector_count", "connector_types"],
        "Body of POST /ocpp/catalog/brands/{brand}/models."),
    "CommandTarget": {**reqobj({
        "charger_id": {"type": "string", "minLength": 1, "description": "id or identity"},
        "location_id": uuid,
        "charger_ids": arr({"type": "string"}, minItems=1, description="only with location_id: ids or identities (default: all)"),
    }, desc="one charger, or a location's chargers (all or some)"),
        "oneOf": [{"required": ["charger_id"], "not": {"anyOf": [{"required": ["location_id"]}, {"required": ["charger_ids"]}]}},
                  {"required": ["location_id"], "not": {"required": ["charger_id"]}}]},
    "CommandRequest": reqobj({
        "target": R("CommandTarget"),
        "connector_id": n({"type": "integer", "minimum": 1, "maximum": 64}, "the 1.6 connectorId or the 2.0.1 evseId (default: the first)"),
        "id_tag": n({"type": "string", "minLength": 1, "maxLength": 36}),
        "id_type": n(senum(["Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress", "NoAuthorization"])),
        "transaction_id": n({"type": "string", "minLength": 1, "maxLength": 36}),
        "key": n({"type": "string", "minLength": 1, "maxLength": 128}),
        "value": {"type": "string"},
        "action": n({"type": "string", "minLength": 1, "maxLength": 64}),
        "payload": {"type": "object", "additionalProperties": True, "description": "proxy-message: the OCPP message's payload (its action's own schema)"},
    }, ["target"], "Body of POST /ocpp/commands/{command}. Which arguments each command takes (others are refused): "
        "start-session {connector_id?, id_tag?, id_type?}; stop-session {connector_id?, transaction_id?}; authorize {id_tag, id_type?}; "
        "inject-fault, clear-fault, plug, unplug, ev-suspend, ev-resume {connector_id?}; set-configuration {key, value}; "
        "proxy-message {action, payload}; restart, start-generator, stop-generator, stop-runtime, start-runtime: none."),
    "OcpiCredentialsRole": reqobj({
        "role": senum(["CPO", "EMSP", "HUB", "NAP", "NSP", "OTHER", "SCSP"]),
        "party_id": {"type": "string", "minLength": 3, "maxLength": 3},
        "country_code": {"type": "string", "minLength": 2, "maxLength": 2},
        "business_details": R("OcpiBusinessDetails")}, ["role", "party_id", "country_code", "business_details"]),
    "OcpiCredentials": reqobj({"token": {"type": "string", "maxLength": 64}, "url": st,
                               "roles": arr(R("OcpiCredentialsRole"), minItems=1)},
                              ["token", "url", "roles"], "OCPI 2.2.1 Credentials"),
    "OcpiCredentials211": reqobj({"token": {"type": "string", "maxLength": 64}, "url": st,
                                  "business_details": R("OcpiBusinessDetails"),
                                  "party_id": {"type": "string", "minLength": 3, "maxLength": 3},
                                  "country_code": {"type": "string", "minLength": 2, "maxLength": 2}},
                                 ["token", "url", "business_details", "party_id", "country_code"], "OCPI 2.1.1 Credentials"),
}

# The commands and their arguments (api_commands.c): one body schema per command, named
# <Command>CommandRequest (the checker picks the one of the path's {command}); the request
# body is any of them.
COMMAND_FIELDS = req_schemas["CommandRequest"]["properties"]
COMMANDS = [("start-session", ["connector_id", "id_tag", "id_type"], []),
            ("stop-session", ["connector_id", "transaction_id"], []),
            ("authorize", ["id_tag", "id_type"], ["id_tag"]),
            ("inject-fault", ["connector_id"], []), ("clear-fault", ["connector_id"], []),
            ("set-configuration", ["key", "value"], ["key", "value"]),
            ("restart", [], []),
            ("proxy-message", ["action", "payload"], ["action", "payload"]),
            ("start-generator", [], []), ("stop-generator", [], []),
            ("plug", ["connector_id"], []), ("unplug", ["connector_id"], []),
            ("ev-suspend", ["connector_id"], []), ("ev-resume", ["connector_id"], []),
            ("stop-runtime", [], []), ("start-runtime", [], [])]
pascal = lambda name: "".join(w.capitalize() for w in name.split("-"))


def not_null(schema):
    s = dict(schema)
    if isinstance(s.get("type"), list):
        s["type"] = [t for t in s["type"] if t != "null"]
        s["type"] = s["type"][0] if len(s["type"]) == 1 else s["type"]
    if "enum" in s:
        s["enum"] = [e for e in s["enum"] if e is not None]
    return s


for name, fields, required in COMMANDS:
    props = {"target": R("CommandTarget")}
    props.update({f: not_null(COMMAND_FIELDS[f]) if f in required else COMMAND_FIELDS[f] for f in fields})
    req_schemas[f"{pascal(name)}CommandRequest"] = reqobj(props, ["target", *required], f"Body of POST /ocpp/commands/{name}.")
req_schemas["CommandRequest"] = {
    "anyOf": [R(f"{pascal(name)}CommandRequest") for name, _, _ in COMMANDS],
    "description": "Body of POST /ocpp/commands/{command}: the schema of the path's command, <Command>CommandRequest "
                   "(StartSessionCommandRequest for start-session, SetConfigurationCommandRequest for set-configuration, ...); "
                   "the arguments of other commands are refused."}

# ---- response schemas (what the server sends) ----

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
                             "failed": arr(obj({"identity": st, "charger_id": uuid, "location_id": uuid, "error": nst}))}),
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
    "Health": obj({"status": {"const": "ok"}, "version": d(st, "chargefleet's version (chargefleet --version)"),
                   "revision": d(st, "the git commit it was built from")}),
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
                                         "status_url": st, "locations": it, "chargers": it},
                                        desc="202 of POST /ocpi/cpos/{cpo_id}/locations: poll status_url."),
    "ChargerProvisioningStatus": STATUS,
    "LocationChargerBulkAcceptedResponse": obj({"job_id": uuid, "status": R("ChargerProvisioningStatus"), "workflow_run_id": nst,
                                                "status_url": st, "count": d(it, "chargers to create")},
                                               opt=["count"], desc="202 of POST /ocpp/locations/{location_id}/chargers: poll status_url (chargefleet answers PENDING)."),
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
                    "live": R("ChargerLive"), "error": nst, "job_id": uuid, "reconnect_pending": boo,
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
    "LogPage": obj({"data": arr(R("LogEntry")), "limit": it, "offset": it}),
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
    "MalformedJson": resp("malformed JSON body", R("Error")),
    "Unauthorized": resp("missing or invalid bearer token", R("Error")),
    "MethodNotAllowed": resp("the path exists, not with this method (any path of this document, with a method it does not list)", R("Error")),
    "NoRoute": resp("no such path (any path this document does not list): detail 'no route <path>'", R("Error")),
    "LengthRequired": resp("a request body needs a Content-Length header (chunked transfer encoding is not supported); the connection closes", R("Error")),
    "PayloadTooLarge": resp("the body exceeds serve --max-body; the connection closes", R("Error")),
    "ValidationFailed": resp("validation failed: every problem, with its location", R("HTTPValidationError")),
    "Internal": resp("internal error (out of memory, no randomness)", R("Error")),
    "Unavailable": resp("database unavailable ('workflow queue unavailable (...)' when a job could not be written)", R("Error")),
}
BEARER_ERRS = {"401": RR("Unauthorized"), "500": RR("Internal"), "503": RR("Unavailable")}
BODY_ERRS = {"400": RR("MalformedJson"), "411": RR("LengthRequired"), "413": RR("PayloadTooLarge"), "422": RR("ValidationFailed")}
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
CHG = param("charger_id", "the charger id", uuid)
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
        param("follow", "1: a live Server-Sent Events stream", {"type": "integer", "enum": [0, 1]}, "query")]


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


LOGS_200 = {"description": "oldest first; with follow=1 a text/event-stream of `log` events (each data: a LogEntry) instead",
            "content": {J: {"schema": R("LogPage")},
                        "text/event-stream": {"schema": {"type": "string", "description": "event: log / data: <LogEntry JSON>, until the client leaves"}}}}
GALLERY_OPS = {"200": None}

paths = {
    "/healthz": {"get": op("getHealth", "Health: 200 when the database is reachable", ["meta"],
                           {"200": resp("healthy", R("Health")), "503": RR("Unavailable")}, auth=False)},
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
        "get": op("getCharger", "One charger, with its live state", ["chargers"], {"200": resp("the charger", R("Charger")), **e404("charger"), **BEARER_ERRS}, [CHG]),
        "put": op("updateCharger", "Update one charger", ["chargers"],
                  {"200": resp("what changed", R("ChargerUpdateResult")), **e404("charger"), **BODY_ERRS, **BEARER_ERRS},
                  [CHG], body(R("UpdateChargerRequest"), "what to change")),
        "delete": op("deleteCharger", "Delete one charger", ["chargers"], {"200": resp("deleted", R("ChargerDeleteResult")), **e404("charger"), **BEARER_ERRS}, [CHG])},
    "/ocpp/chargers/{charger_id}/logs": {"get": op("getChargerLogs", "What one charger said and heard: frames and connection events", ["logs"],
                                                   {"200": LOGS_200, **e404("charger"), **E422, **BEARER_ERRS}, [CHG] + LOGQ)},
    "/ocpp/locations/{location_id}/logs": {"get": op("getLocationLogs", "The logs of every charger of a location", ["logs"],
                                                     {"200": LOGS_200, **e404("location"), **E422, **BEARER_ERRS}, [LOC] + LOGQ)},
    "/ocpp/commands/{command}": {
        "post": op("queueCommand", "Drive chargers: queue a command for one charger or a location's chargers", ["commands"],
                   {"202": resp("queued; each command's outcome at its status_url", R("CommandsQueued")),
                    **e404("command, charger or location"), **BODY_ERRS, **BEARER_ERRS},
                   [param("command", "what to do", senum([name for name, _, _ in COMMANDS]))],
                   body(R("CommandRequest"), "the target and the command's arguments"),
                   desc="start-session {connector_id?, id_tag?, id_type?}: Authorize, then the session on Accepted; stop-session {connector_id?, transaction_id?}; "
                        "authorize {id_tag, id_type?}; inject-fault / clear-fault {connector_id?}; set-configuration {key, value} (1.6 key or 2.0.1 Component.Variable); "
                        "restart (sessions end, reconnect, boot); proxy-message {action, payload}: any message the charger's version sends; "
                        "start-generator / stop-generator: the template's automatic sessions on / off; "
                        "plug / unplug {connector_id?}: a cable (unplugging ends the session: EVDisconnected); ev-suspend / ev-resume {connector_id?}: the car stops / resumes taking energy (SuspendedEV); "
                        "stop-runtime / start-runtime: the charger switched off (sessions end: PowerLoss; websocket closed, no reconnect) / on (connects, boots). "
                        "connector_id is the 1.6 connectorId or the 2.0.1 evseId."),
        "get": op("getCommand", "One queued command: status QUEUED, RUNNING, DONE (result) or FAILED (error)", ["commands"],
                  {"200": resp("the command", R("Command")), **e404("command"), **BEARER_ERRS},
                  [param("command", "the command id (command_id of the POST's results; the same path segment names the command on POST)", uuid)])},
}

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
HTTP_BODY = {"411": RR("LengthRequired"), "413": RR("PayloadTooLarge")}
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
                            "A listed path asked with a method it does not list answers 405 (MethodNotAllowed), a path not listed 404 (NoRoute)."},
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

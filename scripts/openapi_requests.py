# The request body schemas of the OpenAPI document (scripts/openapi.py): what the server
# accepts (fleet_validate*.c, fleet_ocpi_schema.c, fleet_command.c, api_catalog.c), under the
# names the request checker looks up.
from openapi_lib import *  # noqa: F403 (the schema building blocks)

WS_URL = {"type": "string", "pattern": "^wss?://[^/:]", "maxLength": 399,
          "x-message": "ws_url must be a ws:// or wss:// URL with a host",
          "description": "ws:// or wss:// URL of the CSMS (the charger's identity is appended)"}
OCPP_VERSION = senum(["OCPP1.6", "OCPP2.0.1"])
# An OCPP identity is the last segment of the websocket URL (fleet_vctx.c vc_identity_ok)
IDENTITY_CHARS = "^[A-Za-z0-9._~-]"
IDENTITY_RULE = "the URL-safe characters A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved), not '.' or '..'"
IDENTITY_PREFIX = {"type": "string", "maxLength": 42, "pattern": IDENTITY_CHARS + "*$",
                   "x-message": "identity_prefix: at most 42 of " + IDENTITY_RULE}
CA_FILE = {"type": "string", "pattern": "^/", "maxLength": 400,
           "x-message": "ca_file must be an absolute path (inside serve's --ca-dir)"}
CA_FILE_DESC = ("a PEM CA file for wss, inside the directory serve's --ca-dir names (the path is kept "
                "canonical: links and '..' resolved, and must stay inside); without --ca-dir every ca_file "
                "is refused: give the certificate inline as ca_pem")
TARGET_ONE = "a target is one of {charger_id}, {location_id, charger_ids?} and {job_id}"
COUNTRY = {"type": "string", "pattern": "^[A-Za-z]{2,3}$",
           "x-message": "an ISO 3166-1 alpha-2 or alpha-3 code (BE or BEL)",
           "description": "ISO 3166-1 alpha-2 or alpha-3 code, e.g. NL or NLD"}
LAT_RE = r"^-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)$"
LON_RE = r"^-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)$"
DATETIME_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
HHMM_RE = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def coord(lo, hi, pattern, what):
    return {"type": ["number", "string"], "minimum": lo, "maximum": hi, "pattern": pattern, "maxLength": 31,
            "description": f"{what}: a number or a decimal string, {lo}..{hi}",
            "x-message": f"{what} must be a decimal number in {lo}..{hi}"}


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

# A location's own fields, raw or as a template's overrides (the seed's names).
LOCATION_FIELDS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 255},
    "address": n({"type": "string", "maxLength": 255}),
    "city": n({"type": "string", "maxLength": 100}),
    "postal_code": n({"type": "string", "maxLength": 16}),
    "country": n(COUNTRY),
    "coordinates": R("OcpiCoordinates"),
    "timezone": n({"type": "string", "maxLength": 255}, "IANA time zone, e.g. Europe/Paris"),
    "owner_name": nst,
}

req_schemas = {
    "CreateCpoRequest": reqobj({
        "template": {"type": "string", "description": "CPO template slug: see GET /ocpi/cpos/templates"},
        "role": n(senum(["cpo"]), "role this CPO takes in OCPI roaming: cpo (the seed's emsp is not simulated: an eMSP is the peer of a CPO's OCPI endpoints)", default="cpo"),
        "country_code": n(COUNTRY, "the party's country (default: the template's)"),
        "party_id": n({"type": "string", "pattern": "^[A-Z0-9]{3}$"},
                      "3-character OCPI party id (default: the template's); one the tenant uses already is replaced (see warnings)"),
        "name_prefix": n({"type": "string", "minLength": 1, "maxLength": 20, "pattern": IDENTITY_CHARS + "+$",
                          "x-message": "name_prefix starts every OCPP identity of this CPO: " + IDENTITY_RULE},
                         "prepended to every identity the CPO's creation makes (alice -> alice_L01_UAH_1A2B3C) and to its location names; "
                         "URL-safe characters A-Z a-z 0-9 - . _ ~ (default: none for identities, the template's name for locations)"),
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
        **LOCATION_FIELDS,
        "public": {"type": "boolean", "default": True},
        "charges": n(arr(R("ChargerGroup")), "charger groups to provision in the new location"),
        **ocpi_fields,
    }, ["name", "coordinates"], "One raw location (OCPI fields), optionally with its chargers. " + CAMEL),
    "LocationFromTemplateRequest": reqobj({
        "template": {"type": "string", "description": "location template slug: see GET /ocpi/templates/locations"},
        "overrides": reqobj({
            **LOCATION_FIELDS,
            "public": boo,
            "parking_type": n(R("ParkingType")),
            "ocpp_version": n(OCPP_VERSION, "rewrites every group of the template"),
            "identity_prefix": n(IDENTITY_PREFIX, "replaces every group's identity prefix (no automatic L01_, L02_...)"),
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
        "identity_prefix": n(IDENTITY_PREFIX, "put before each charger id to form the OCPP identity; with what a location "
                             "or CPO puts before it, at most 42 characters (room for a 6-character random suffix)"),
        "template_name": n(st, "base display name: charge_point_name is '<template_name> <n>'"),
        "ca_file": n(CA_FILE, CA_FILE_DESC),
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
        "charger_ids": n(arr({"type": "string", "minLength": 1, "maxLength": 48, "pattern": IDENTITY_CHARS + "+$",
                              "x-message": "an identity suffix: " + IDENTITY_RULE}),
                         "identity suffixes (after identity_prefix), used first; truncated to chargers_number. "
                         "identity_prefix + suffix: 1..48 characters (OCPP 1.6 and 2.0.1: identifierString of 48 "
                         "at most), " + IDENTITY_RULE),
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
        "ca_file": n(dict(CA_FILE, minLength=1), CA_FILE_DESC),
        "template_name": {"type": "string", "minLength": 1, "maxLength": 100, "description": "renames the chargers '<template_name> <n>'"},
        "charger_ids": n(arr({"type": "string", "minLength": 1}, minItems=1), "ids or identities (default: every charger of the location)"),
    }, desc="Body of PUT /ocpp/locations/{location_id}/chargers: a new ws_url, ocpp_version or ca_file reconnects the chargers.",
        minProperties=1),
    "UpdateChargerRequest": reqobj({
        "ws_url": WS_URL, "ocpp_version": OCPP_VERSION,
        "ca_file": n(dict(CA_FILE, minLength=1), CA_FILE_DESC),
        "template_name": {"type": "string", "minLength": 1, "maxLength": 100},
    }, desc="Body of PUT /ocpp/chargers/{charger_id}.",
        minProperties=1),
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
        "job_id": {**uuid, "description": "every charger this job created"},
    }, desc="one charger, a location's chargers (all or some), or a job's chargers"),
        "oneOf": [{"required": ["charger_id"], "not": {"anyOf": [{"required": ["location_id"]}, {"required": ["charger_ids"]}, {"required": ["job_id"]}], "description": TARGET_ONE}},
                  {"required": ["location_id"], "not": {"anyOf": [{"required": ["charger_id"]}, {"required": ["job_id"]}], "description": TARGET_ONE}},
                  {"required": ["job_id"], "not": {"anyOf": [{"required": ["charger_id"]}, {"required": ["location_id"]}, {"required": ["charger_ids"]}], "description": TARGET_ONE}}]},
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
        "proxy-message {action, payload}; restart, retry, start-generator, stop-generator, stop-runtime, start-runtime: none."),
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

# The commands and their arguments (fleet_command.c): one body schema per command, named
# <Command>CommandRequest (the checker picks the one of the path's {command}); the request
# body is any of them.
COMMAND_FIELDS = req_schemas["CommandRequest"]["properties"]
COMMANDS = [("start-session", ["connector_id", "id_tag", "id_type"], []),
            ("stop-session", ["connector_id", "transaction_id"], []),
            ("authorize", ["id_tag", "id_type"], ["id_tag"]),
            ("inject-fault", ["connector_id"], []), ("clear-fault", ["connector_id"], []),
            ("set-configuration", ["key", "value"], ["key", "value"]),
            ("restart", [], []), ("retry", [], []),
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

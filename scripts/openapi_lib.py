# The building blocks of the OpenAPI document's schemas (scripts/openapi.py): strict
# objects, nullable fields, enums.
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

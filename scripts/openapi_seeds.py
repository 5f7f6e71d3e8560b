# The seed pages' example requests (../shared/seeds: the REST contract), for the OpenAPI
# document's `examples` (scripts/openapi.py). Without that directory, the examples of the
# committed api/openapi.json are kept.
import ast
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "..", "shared", "seeds")

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

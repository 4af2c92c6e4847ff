"""The shipped JSON Schema of the disclosure format (1 and 1.1), generated from the validator's own tables.

`python -m ingestion.json_schema` writes `ingestion/schema/disclosure-v1.schema.json`; a test checks the
committed file is up to date. Every pattern, enum, limit, key list, the 249 country codes and the 48
criteria come from `ingestion.rulebook`, `ingestion.iso3166` and the validator modules, so the schema
cannot drift from the validator. The validator stays the authority (see DESCRIPTION).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingestion import format_1_1
from ingestion.checks import DATE, TIMESTAMP
from ingestion.iso3166 import ALPHA2
from ingestion.rulebook import (
    CLAIMED_LEVELS,
    CYBER_CERTIFICATES,
    DISCLOSURE_ID,
    ENTITY_ID,
    HTTPS_URL,
    LEI,
    MAX_ID,
    MAX_LICENSE,
    MAX_NAME,
    MAX_REPOSITORY_URL,
    MAX_RUNS_ON,
    MAX_SERVICES_PER_FILE,
    MAX_SERVICES_PER_RUN,
    MAX_TEXT,
    MAX_URL,
    MODELS,
    OPINIONS,
    OTHER_SCHEME,
    PERSONNEL,
    PROVIDER_ID,
    SCHEMA_VERSIONS,
    SCHEMES,
    WEB_URL,
    criteria_rungs,
)
from ingestion.text import FORMULA_START, HIDDEN_CLASS
from ingestion.validate import TOP_KEYS
from ingestion.validate_open_source import OPEN_SOURCE_KEYS
from ingestion.validate_parts import (
    CERTIFICATION_KEYS,
    OWNERSHIP_KEYS,
    PARENT_KEYS,
    PROVIDER_OPTIONAL,
    PROVIDER_REQUIRED,
    SUM_TOLERANCE,
)
from ingestion.validate_runs_on import PLATFORM_KEYS, SERVICE_KEYS
from ingestion.validate_services import (
    AUDIT_KEYS,
    CADA_BOOLS,
    CADA_REQUIRED,
    SAFEGUARDS,
    SERVICE_OPTIONAL,
    SERVICE_REQUIRED,
)

SCHEMA_PATH = Path(__file__).with_name("schema") / "disclosure-v1.schema.json"

DESCRIPTION = (
    "Documents spec/disclosure-v1.md (schema_version \"1\" and \"1.1\") for submitters; generated from the "
    "validator's rule tables by ingestion/json_schema.py. The validator (ingestion/validate.py) is the "
    "authority. It also checks what this schema cannot express: LEI check digits (E008); ownership "
    f"percentages summing to at most 100 (+{SUM_TOLERANCE - 100:.2f}) (E011); control-chain cycles (E012); "
    "certificate services that are service_ids of the disclosure (E014); dates compared with the "
    "evaluation date and valid_from <= valid_until (E010); impossible calendar dates such as 2026-02-30 "
    "(E006); each holder, parent entity, certificate and certificate service listed once (E006); a "
    "service_id unique in the file and across providers, and a disclosure_id unique across submissions "
    "(E013); a runs_on list that names the service itself or repeats a service_id or a (platform, "
    "operator_country) (E016); that each SPDX licence id and exception exists (E006); duplicate JSON keys; "
    "the 5 MiB and 32-level limits and the run's budget "
    f"of {MAX_SERVICES_PER_RUN} services by default, $SEALREG_MAX_SERVICES_PER_RUN (E015); the inbox entry "
    "itself (a regular file, E017)."
)

_NO_FORMULA = "(?![" + "".join(re.escape(c) for c in FORMULA_START) + "])"  # `text_problem`: no formula start
_LINE = f"[^{HIDDEN_CLASS}\t\n\r]"  # one character of one-line text (no hidden character, no line break)


def _anchored(regex: re.Pattern) -> str:
    """A validator regex (used with fullmatch) as an anchored JSON Schema pattern."""
    return f"^{regex.pattern}$"


def _string(regex: re.Pattern, description: str | None = None, **extra: object) -> dict:
    out: dict = {"type": "string", **extra, "pattern": _anchored(regex)}
    if description:
        out["description"] = description
    return out


def _text(max_len: int) -> dict:
    """`Checker.text`: non-blank, at most `max_len` characters, one line, no hidden character, no formula start."""
    return {"type": "string", "minLength": 1, "maxLength": max_len,
            "pattern": f"^{_NO_FORMULA}{_LINE}*\\S{_LINE}*$"}


def _object(required: tuple[str, ...], properties: dict, description: str | None = None) -> dict:
    out: dict = {"type": "object", "additionalProperties": False, "required": list(required),
                 "properties": properties}
    if description:
        out["description"] = description
    return out


def _enum(values) -> dict:
    return {"enum": sorted(values)}


def _date(description: str | None = None) -> dict:
    out = {"type": "string", "format": "date", "pattern": _anchored(DATE)}
    if description:
        out["description"] = description
    return out


def _booleans(keys) -> dict:
    return {k: {"type": "boolean"} for k in keys}


def _defs() -> dict:
    return {
        "slug": _string(PROVIDER_ID),
        "entityId": _string(ENTITY_ID),
        "country": {"enum": sorted(ALPHA2), "description": "ISO 3166-1 alpha-2, officially assigned (E007)."},
        "name": _text(MAX_NAME),
        "shortText": _text(MAX_ID),
        "pct": {"type": "number", "minimum": 0, "maximum": 100},
        "service": _service(),
        "runsOnItem": _runs_on_item(),
    }


def _cada() -> dict:
    lo, hi = CLAIMED_LEVELS
    properties = _booleans(CADA_BOOLS)
    properties["audit"] = _object(AUDIT_KEYS, {
        "auditor": {"$ref": "#/$defs/name"},
        "opinion": _enum(OPINIONS),
        "date": _date(),
        "claimed_level": {"type": "integer", "minimum": lo, "maximum": hi},
    }, "Absent: no audit. `date` must not be after the evaluation date (E010).")
    properties["cyber_certificate"] = _enum(CYBER_CERTIFICATES)
    properties["personnel"] = _enum(PERSONNEL)
    properties["safeguards"] = _object(SAFEGUARDS, _booleans(SAFEGUARDS))
    return _object(CADA_REQUIRED, properties, "Absent: the service claims no Union assurance level.")


def _runs_on_item() -> dict:
    service = _object(SERVICE_KEYS, {"service_id": {"$ref": "#/$defs/slug"}},
                      "A service it runs on: of any provider, registered or not; never the service itself (E016).")
    platform = _object(PLATFORM_KEYS, {
        "platform": {"$ref": "#/$defs/name"},
        "operator_name": {"$ref": "#/$defs/name"},
        "operator_country": {"$ref": "#/$defs/country"},
    }, "An external platform and its operator.")
    return {"oneOf": [service, platform]}


def _service_fields_1_1() -> dict:
    """The schema of each optional service field of format 1.1 (keys: `format_1_1.SERVICE_FIELDS`)."""
    return {
        "runs_on": {"type": "array", "maxItems": MAX_RUNS_ON, "items": {"$ref": "#/$defs/runsOnItem"},
                    "description": "Format 1.1: what the service is operated on (assurance-rules §7). "
                                   "No item twice (E016)."},
        "open_source": _object(OPEN_SOURCE_KEYS, {
            "repository": {"type": "string", "maxLength": MAX_REPOSITORY_URL, "pattern": _anchored(HTTPS_URL)},
            "license": {**_text(MAX_LICENSE),
                        "description": "SPDX licence expression: SPDX licence ids or LicenseRef-<idstring>, AND, OR, "
                                       "WITH <SPDX exception id>, parentheses (unknown ids and bad syntax: E006)."},
        }, "Format 1.1: the service's source code and its licence; the registry checks every licence id against "
           "the SPDX License List (OSI-approved or not, assurance-rules §8)."),
    }


def _service() -> dict:
    rungs = criteria_rungs()
    properties = {
        "service_id": {"$ref": "#/$defs/slug", "description": "Unique in the registry (E013)."},
        "name": {"$ref": "#/$defs/name"},
        "model": _enum(MODELS),
        "regions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/country"}},
        "answers": {
            "type": "object", "additionalProperties": False, "required": list(rungs),
            "properties": {cid: {"type": "integer", "minimum": 1, "maximum": top} for cid, top in rungs.items()},
            "description": "Exactly the 48 criteria of csf_criteria.csv (E009), each a rung 1..top (E006).",
        },
        "evidence": {
            "type": "object", "propertyNames": {"enum": list(rungs)},
            "additionalProperties": _object(("url",), {
                "url": {"type": "string", "maxLength": MAX_URL, "pattern": _anchored(HTTPS_URL)},
                "note": {"type": "string", "maxLength": MAX_TEXT,
                         "pattern": f"^{_NO_FORMULA}[^{HIDDEN_CLASS}]*$"},
            }),
        },
        "cada": _cada(),
        **_service_fields_1_1(),
    }
    assert set(properties) == {*SERVICE_REQUIRED, *SERVICE_OPTIONAL, *format_1_1.SERVICE_FIELDS}
    return _object(SERVICE_REQUIRED, properties)


def _provider() -> dict:
    properties = {
        "provider_id": {"$ref": "#/$defs/slug"},
        "legal_name": {"$ref": "#/$defs/name"},
        "country": {"$ref": "#/$defs/country"},
        "lei": _string(LEI, "ISO 17442; check digits mod 97 = 1 (E008)."),
        "website": {"type": "string", "maxLength": MAX_URL, "pattern": _anchored(WEB_URL)},
    }
    assert set(properties) == {*PROVIDER_REQUIRED, *PROVIDER_OPTIONAL}
    return _object(PROVIDER_REQUIRED, properties)


def _top_properties() -> dict:
    return {
        "schema_version": {"enum": list(SCHEMA_VERSIONS), "description": '"1.1" adds the optional service fields '
                           + " and ".join(format_1_1.SERVICE_FIELDS) + "."},
        "disclosure_id": _string(DISCLOSURE_ID, "Unique across all submissions (E013)."),
        "submitted_at": {"type": "string", "format": "date-time", "pattern": _anchored(TIMESTAMP),
                         "description": "RFC 3339 with zone; not after the end of the evaluation date (UTC)."},
        "provider": _provider(),
        "ownership": {
            "type": "array", "items": _object(OWNERSHIP_KEYS, {
                "holder_id": {"$ref": "#/$defs/entityId"},
                "holder_name": {"$ref": "#/$defs/name"},
                "country": {"$ref": "#/$defs/country"},
                "capital_pct": {"$ref": "#/$defs/pct"},
                "voting_pct": {"$ref": "#/$defs/pct"},
                "controls": {"type": "boolean"},
            }),
            "description": "Direct holders; capital_pct and voting_pct each sum to at most 100 (+0.01).",
        },
        "parents": {
            "type": "array", "items": _object(PARENT_KEYS, {
                "entity_id": {"$ref": "#/$defs/entityId"},
                "name": {"$ref": "#/$defs/name"},
                "country": {"$ref": "#/$defs/country"},
                "controlled_by": {"$ref": "#/$defs/entityId"},
                "controlled_by_name": {"$ref": "#/$defs/name"},
                "controlled_by_country": {"$ref": "#/$defs/country"},
            }),
            "description": "Who controls each entity above the direct controlling holder; no cycles; each "
                           "entity_id once.",
        },
        "services": {"type": "array", "minItems": 1, "maxItems": MAX_SERVICES_PER_FILE,
                     "items": {"$ref": "#/$defs/service"}},
        "certifications": {
            "type": "array", "items": _object(CERTIFICATION_KEYS, {
                "scheme": {"anyOf": [_enum(SCHEMES), _string(OTHER_SCHEME)]},
                "certificate_id": {"$ref": "#/$defs/shortText"},
                "issuer": {"$ref": "#/$defs/name"},
                "valid_from": _date(),
                "valid_until": _date("Not before valid_from (E010)."),
                "services": {"type": "array", "uniqueItems": True, "items": {"type": "string"},
                             "description": "service_ids of this disclosure (E014)."},
            }),
        },
    }


def _version_1_has_no_1_1_fields() -> dict:
    """In a "1" file every field of format 1.1 is unknown (E004)."""
    return {
        "if": {"properties": {"schema_version": {"const": "1"}}, "required": ["schema_version"]},
        "then": {"properties": {"services": {"items": {
            "properties": {field: False for field in format_1_1.SERVICE_FIELDS}}}}},
    }


def build_schema() -> dict:
    """The JSON Schema (draft 2020-12) of disclosure formats 1 and 1.1."""
    properties = _top_properties()
    assert set(properties) == set(TOP_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sealreg.example/schema/disclosure-v1.schema.json",
        "title": "sealreg disclosure, version 1 and 1.1",
        "description": DESCRIPTION,
        "type": "object",
        "additionalProperties": False,
        "required": list(TOP_KEYS),
        "properties": properties,
        "allOf": [_version_1_has_no_1_1_fields()],
        "$defs": _defs(),
    }


def render() -> str:
    """The schema file's text: 2-space indented JSON, ASCII, one trailing newline."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=True) + "\n"


def main() -> None:
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()

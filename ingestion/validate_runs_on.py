"""Rules for `services[].runs_on` (format 1.1): what a service is operated on, E007 and E016."""

from __future__ import annotations

from ingestion.checks import Checker
from ingestion.problems import child, show
from ingestion.rulebook import MAX_NAME, MAX_RUNS_ON, PROVIDER_ID

SERVICE_KEYS = ("service_id",)
PLATFORM_KEYS = ("platform", "operator_name", "operator_country")
SHAPES_HINT = 'either {"service_id"} or {"platform", "operator_name", "operator_country"}'


def check_runs_on(c: Checker, value: object, path: str, own_id: str | None) -> None:
    """Check one service's `runs_on` list: at most MAX_RUNS_ON items, each exactly one of the two shapes;
    the service itself or a repeated item is E016."""
    if not isinstance(value, list):
        c.wrong_type(path, "an array of {service_id} or {platform, operator_name, operator_country}", value)
        return
    if len(value) > MAX_RUNS_ON:
        c.add("E006", path, f"lists {len(value)} items; the limit is {MAX_RUNS_ON}")
    services: dict[str, int] = {}
    platforms: dict[tuple[str, str], int] = {}
    for i, item in enumerate(value):
        ipath = f"{path}[{i}]"
        if not isinstance(item, dict):
            c.wrong_type(ipath, f"an object ({SHAPES_HINT})", item)
        elif "service_id" in item:
            _service_item(c, item, ipath, own_id, services, i)
        elif any(key in item for key in PLATFORM_KEYS):
            _platform_item(c, item, ipath, platforms, i)
        else:
            for key in item:
                c.add("E004", child(ipath, key), f"unknown field; an item is {SHAPES_HINT}")
            c.add("E003", f"{ipath}.service_id", f"required field is missing; an item is {SHAPES_HINT}")


def _service_item(c: Checker, item: dict, path: str, own_id: str | None, seen: dict[str, int], i: int) -> None:
    for key in item:
        if key not in SERVICE_KEYS:
            c.add("E004", child(path, key), "unknown field; an item with service_id has no other field "
                  "(a platform is its own item)")
    sid = c.pattern(item, "service_id", f"{path}.service_id", PROVIDER_ID,
                    "service id (lower case letters, digits and '-', 2-64 characters)")
    if sid is None:
        return
    if sid == own_id:
        c.add("E016", f"{path}.service_id", f"the service cannot run on itself ({show(sid)})")
    elif sid in seen:
        c.add("E016", f"{path}.service_id", f"{show(sid)} is already listed at runs_on[{seen[sid]}]; list it once")
    else:
        seen[sid] = i


def _platform_item(c: Checker, item: dict, path: str, seen: dict[tuple[str, str], int], i: int) -> None:
    c.obj(item, path, PLATFORM_KEYS)
    platform = c.text(item, "platform", f"{path}.platform", MAX_NAME)
    c.text(item, "operator_name", f"{path}.operator_name", MAX_NAME)
    country = c.country(item, "operator_country", f"{path}.operator_country")
    if platform is None or country is None:
        return
    key = (platform, country)
    if key in seen:
        c.add("E016", f"{path}.platform", f"platform {show(platform)} operated from {country} is already listed "
              f"at runs_on[{seen[key]}]; list it once")
    else:
        seen[key] = i


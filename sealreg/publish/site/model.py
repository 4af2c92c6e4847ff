"""The page model: service and provider rows as the pages read them, for a whole release or one unit of work.

The parent process loads the whole release (its home pages and page digests read every service); a worker
process loads, per unit of work, only the services and providers of that unit and the rows they link to.
Both go through `load`, so a page gets the same rows, in the same order, wherever it is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sealreg.publish.site.data import Tables, group, natural
from sealreg.publish.site.writer import is_safe

#: Columns equal for every service of a release: shown on the index and by the release script, never on a
#: service or provider page (a page that showed them would change every night).
RELEASE_WIDE_COLUMNS = ("evaluated_on",)
_IN = "where {} in (select unnest(?::varchar[]))"


@dataclass
class Model:
    """Rows of a release (or of one unit of work) linked as the pages show them."""

    #: provider_id -> provider row (with `href` and `chain_steps`)
    providers: dict[Any, dict]
    #: by name, then id; each with `href`, `provider`, `flags`, `runs_on` and `runs_under`
    services: list[dict]
    #: provider_id -> its certificate rows
    certs: dict[Any, list[dict]]
    #: by service, then field; each with its `service`
    changes: list[dict]
    #: the evaluation dates of the services loaded (read before they leave the rows)
    evaluated_on: list[Any]


def chain(value: str | None) -> list[str]:
    """Control chain as readable steps: "a → B Holding (SE) → C LLC (US)" as its three steps; None as none."""
    return [step.strip() for step in (value or "").split("→") if step.strip()]


def _by_name(services: list[dict]) -> list[dict]:
    return sorted(services, key=lambda s: (str(s["name"] or "").casefold(), s["service_id"]))


def _service_href(s: dict) -> str | None:
    return f"services/{s['service_id']}.html" if is_safe(s["service_id"]) else None


def load(t: Tables, service_ids: Sequence[str] | None = None, provider_ids: Sequence[str] | None = None) -> Model:
    """The whole release; or, with `service_ids`, those services; or, with `provider_ids`, those providers and
    their services (each with everything its page shows: provider, flags, supply chain, certificates, changes)."""
    if service_ids is None and provider_ids is None:
        services = t.rows("services")
        dependencies = t.rows("service_dependencies")
        linked: list[dict] = []
        providers, flags = t.rows("providers"), t.rows("washing_flags")
        certs, changes = t.rows("certifications"), t.rows("changes")
    else:
        if service_ids is not None:
            services = t.rows("services", _IN.format("service_id"), [list(service_ids)])
        else:
            services = t.rows("services", _IN.format("provider_id"), [list(provider_ids or [])])
        ids = sorted({s["service_id"] for s in services if s["service_id"] is not None})
        dependencies = t.rows("service_dependencies",
                              f"{_IN.format('service_id')} or dependency in (select unnest(?::varchar[]))", [ids, ids])
        # the registered services these rows link to or from (their page's name and address)
        others = ({d["service_id"] for d in dependencies} | {d["dependency"] for d in dependencies}) - set(ids) - {None}
        linked = t.rows("services", _IN.format("service_id"), [sorted(others)]) if others else []
        owners = provider_ids if provider_ids is not None else sorted(
            {s["provider_id"] for s in services if s["provider_id"] is not None})
        providers = t.rows("providers", _IN.format("provider_id"), [list(owners)])
        flags = t.rows("washing_flags", _IN.format("service_id"), [ids])
        certs = t.rows("certifications", _IN.format("provider_id"), [list(owners)])
        changes = t.rows("changes", _IN.format("service_id"), [ids])
    return _link(services, linked, dependencies, providers, flags, certs, changes)


def _link(services: list[dict], linked: list[dict], dependencies: list[dict], provider_rows: list[dict],
          flag_rows: list[dict], cert_rows: list[dict], change_rows: list[dict]) -> Model:
    providers = {p["provider_id"]: p for p in provider_rows}
    for p in providers.values():
        p["href"] = f"providers/{p['provider_id']}.html" if is_safe(p["provider_id"]) else None
        p["chain_steps"] = chain(p["control_chain"])
    services = _by_name(services)
    evaluated_on = [s.get("evaluated_on") for s in services]
    for s in services:
        for column in RELEASE_WIDE_COLUMNS:
            s.pop(column, None)
    flags = group(flag_rows, "service_id")
    for s in services:
        s["href"] = _service_href(s)
        s["provider"] = providers.get(
            s["provider_id"], {"provider_id": s["provider_id"], "href": None, "legal_name": None, "country": None}
        )
        # the flags published in this release; s["flag_count"] is dbt's count, which keeps the flags
        # of a revoked service's last evaluation after its disclosure (and so its flag rows) left
        s["flags"] = sorted(flags.get(s["service_id"], []), key=lambda f: natural(f["flag"]))
    for s in linked:
        s["href"] = _service_href(s)
    # ids are a key; if one repeats, the last by name stands for it
    by_id = {s["service_id"]: s for s in _by_name(linked + services)} if linked else {
        s["service_id"]: s for s in services}
    _attach_supply_chain(services, dependencies, by_id)
    changes = sorted(change_rows, key=lambda c: (natural(c["service_id"]), natural(c["field"])))
    for c in changes:
        c["service"] = by_id.get(c["service_id"])
    return Model(providers, services, group(cert_rows, "provider_id"), changes, evaluated_on)


def _attach_supply_chain(services: list[dict], dependencies: list[dict], by_id: dict[Any, dict]) -> None:
    """Each service's `runs_on` (its service_dependencies rows, nearest first) and `runs_under` (the
    services that depend on it), each dependency row linked to the page of a registered service."""
    runs_on, runs_under = {}, {}
    for d in dependencies:
        target = by_id.get(d["dependency"]) if d["kind"] == "service" else None
        d["href"] = target["href"] if target else None
        d["name"] = target["name"] if target else None
        runs_on.setdefault(d["service_id"], []).append(d)
        if target is not None:
            dependant = by_id.get(d["service_id"], {})
            runs_under.setdefault(d["dependency"], []).append(
                {**d, "href": dependant.get("href"), "name": dependant.get("name")})
    for s in services:
        s["runs_on"] = sorted(runs_on.get(s["service_id"], []), key=lambda d: (d["depth"], natural(d["dependency"])))
        s["runs_under"] = sorted(
            runs_under.get(s["service_id"], []), key=lambda d: (d["depth"], natural(d["service_id"]))
        )

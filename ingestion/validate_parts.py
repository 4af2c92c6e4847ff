"""Rules for the provider, ownership, parents (control-chain cycles) and certifications parts."""

from __future__ import annotations

import math

from ingestion.checks import Checker
from ingestion.lei import checksum_ok
from ingestion.problems import show
from ingestion.rejected import NO_SENDER, Sender
from ingestion.rulebook import (
    ENTITY_ID,
    LEI,
    MAX_ID,
    MAX_NAME,
    MAX_URL,
    OTHER_SCHEME,
    PROVIDER_ID,
    SCHEMES,
    WEB_URL,
)

PROVIDER_REQUIRED = ("provider_id", "legal_name", "country")
PROVIDER_OPTIONAL = ("lei", "website")
OWNERSHIP_KEYS = ("holder_id", "holder_name", "country", "capital_pct", "voting_pct", "controls")
PARENT_KEYS = ("entity_id", "name", "country", "controlled_by", "controlled_by_name", "controlled_by_country")
CERTIFICATION_KEYS = ("scheme", "certificate_id", "issuer", "valid_from", "valid_until", "services")
SUM_TOLERANCE = 100.01
ID_HINT = "id (letters, digits, '.', '_', '-'; starting with a letter or digit; at most 100 characters)"


def check_provider(c: Checker, value: object) -> Sender:
    """Check `$.provider`; returns its provider_id and legal_name, each only if valid."""
    p = c.obj(value, "$.provider", PROVIDER_REQUIRED, PROVIDER_OPTIONAL)
    if p is None:
        return NO_SENDER
    pid = c.pattern(p, "provider_id", "$.provider.provider_id", PROVIDER_ID,
                    "provider id (lower case letters, digits and '-', 2-64 characters)")
    name = c.text(p, "legal_name", "$.provider.legal_name", MAX_NAME)
    c.country(p, "country", "$.provider.country")
    lei = c.pattern(p, "lei", "$.provider.lei", LEI, "LEI (20 characters: 18 upper-case letters/digits, 2 digits)")
    if lei is not None and not checksum_ok(lei):
        c.add("E008", "$.provider.lei", f"{show(lei)} fails the ISO 17442 check digits (mod 97 must be 1)")
    website = c.string(p, "website", "$.provider.website")
    if website is not None and (len(website) > MAX_URL or not WEB_URL.fullmatch(website)):
        c.add("E006", "$.provider.website", f"{show(website)} is not an http(s):// URL")
    return Sender(pid, name)


def check_ownership(c: Checker, items: list) -> list[tuple[str, str]]:
    """Check `$.ownership[]`; returns (holder_id, path) of the controlling holders."""
    capital: list[float] = []
    voting: list[float] = []
    seen: set[str] = set()
    controllers: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        path = f"$.ownership[{i}]"
        o = c.obj(item, path, OWNERSHIP_KEYS)
        if o is None:
            continue
        hid = c.pattern(o, "holder_id", f"{path}.holder_id", ENTITY_ID, f"holder {ID_HINT}")
        if hid is not None:
            if hid in seen:
                c.add("E006", f"{path}.holder_id", f"holder {show(hid)} is listed twice; list each holder once")
            seen.add(hid)
        c.text(o, "holder_name", f"{path}.holder_name", MAX_NAME)
        c.country(o, "country", f"{path}.country")
        cap = c.number(o, "capital_pct", f"{path}.capital_pct", 0, 100)
        vot = c.number(o, "voting_pct", f"{path}.voting_pct", 0, 100)
        controls = c.boolean(o, "controls", f"{path}.controls")
        capital += [cap] if cap is not None else []
        voting += [vot] if vot is not None else []
        if hid is not None and (controls or (vot is not None and vot > 50)):
            controllers.append((hid, f"{path}.holder_id"))
    for name, values in (("capital_pct", capital), ("voting_pct", voting)):
        total = math.fsum(values)
        if total > SUM_TOLERANCE:
            c.add("E011", "$.ownership", f"{name} of the holders adds up to {total:g} %, more than 100 %")
    return controllers


def check_parents(c: Checker, items: list, provider_id: str | None, controllers: list[tuple[str, str]]) -> None:
    """Check `$.parents[]` and that the control chain (provider -> holders -> parents) has no cycle (E012)."""
    edges: dict[str, list[tuple[str, str]]] = {}
    if provider_id is not None and controllers:
        edges[provider_id] = list(controllers)
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"$.parents[{i}]"
        o = c.obj(item, path, PARENT_KEYS)
        if o is None:
            continue
        eid = c.pattern(o, "entity_id", f"{path}.entity_id", ENTITY_ID, f"entity {ID_HINT}")
        by = c.pattern(o, "controlled_by", f"{path}.controlled_by", ENTITY_ID, f"entity {ID_HINT}")
        c.text(o, "name", f"{path}.name", MAX_NAME)
        c.text(o, "controlled_by_name", f"{path}.controlled_by_name", MAX_NAME)
        c.country(o, "country", f"{path}.country")
        c.country(o, "controlled_by_country", f"{path}.controlled_by_country")
        if eid is None:
            continue
        if eid in seen:
            c.add("E006", f"{path}.entity_id", f"entity {show(eid)} is listed twice; give one controller per entity")
            continue
        seen.add(eid)
        if by is not None:
            edges.setdefault(eid, []).append((by, f"{path}.controlled_by"))
    for cycle_path, names in _cycles(edges):
        c.add("E012", cycle_path, "control chain has a cycle: " + " -> ".join(show(n, 40) for n in names[:12])
              + (" -> ..." if len(names) > 12 else ""))


def _cycles(edges: dict[str, list[tuple[str, str]]]) -> list[tuple[str, list[str]]]:
    """Every cycle found by an iterative depth-first search, reported at the smallest edge path in it."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[tuple[str, list[str]]] = []
    for start, out in edges.items():
        if start in state:
            continue
        nodes, labels, iters = [start], [""], [iter(out)]
        where = {start: 0}
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[nodes[-1]] = 2
                del where[nodes.pop()]
                labels.pop()
                iters.pop()
                continue
            target, label = nxt
            st = state.get(target)
            if st is None:
                state[target] = 1
                where[target] = len(nodes)
                nodes.append(target)
                labels.append(label)
                iters.append(iter(edges.get(target, ())))
            elif st == 1:
                k = where[target]
                cycle_labels = labels[k + 1:] + [label]
                found.append((min(cycle_labels, key=_label_key), nodes[k:] + [target]))
    return found


def _label_key(label: str) -> tuple[int, str]:
    return (0 if label.startswith("$.parents") else 1, label)


def check_certifications(c: Checker, items: list, service_ids: set[str] | None) -> None:
    """Check `$.certifications[]`; `service_ids` None means the services part was unusable (skip E014)."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"$.certifications[{i}]"
        o = c.obj(item, path, CERTIFICATION_KEYS)
        if o is None:
            continue
        scheme = c.string(o, "scheme", f"{path}.scheme")
        if scheme is not None and scheme not in SCHEMES and not OTHER_SCHEME.fullmatch(scheme):
            c.add("E006", f"{path}.scheme", f"{show(scheme)} is not a known scheme ({', '.join(sorted(SCHEMES))})"
                  " nor other:<name>")
        cid = c.text(o, "certificate_id", f"{path}.certificate_id", MAX_ID)
        if cid is not None:
            if cid in seen:
                c.add("E006", f"{path}.certificate_id", f"certificate {show(cid)} is listed twice")
            seen.add(cid)
        c.text(o, "issuer", f"{path}.issuer", MAX_NAME)
        start = c.date(o, "valid_from", f"{path}.valid_from")
        end = c.date(o, "valid_until", f"{path}.valid_until")
        if start is not None and end is not None and start > end:
            c.add("E010", f"{path}.valid_until", f"certificate ends ({end}) before it starts ({start})")
        services = c.array(o, "services", f"{path}.services")
        listed: set[str] = set()
        for j, sid in enumerate(services or ()):
            spath = f"{path}.services[{j}]"
            if not isinstance(sid, str):
                c.wrong_type(spath, "a string (a service_id)", sid)
            elif sid in listed:
                c.add("E006", spath, f"service {show(sid)} is listed twice")
            elif service_ids is not None and sid not in service_ids:
                c.add("E014", spath, f"{show(sid)} is not a service_id of this disclosure")
            if isinstance(sid, str):
                listed.add(sid)

"""Synthetic disclosure-v1 inboxes at regulator scale, reproducible from a seed.

`generate(out_dir, n_providers, seed)` writes one valid disclosure per provider (plus, for a few
providers, an older superseded submission; a share of the services say what they run on, format 1.1)
and `round(n_providers * invalid_share)` broken files
covering the rejection codes E001-E015. `mutate(out_dir, share, seed)` rewrites a share of the
valid files as newer submissions with changed answers (the "incremental night").

Everything is drawn from `random.Random(seed)` (runs_on from a second source derived from it), files
are written with sorted names and a fixed JSON layout, so the same arguments give byte-identical files.
All names are fictional (.example).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import random
from pathlib import Path

from ingestion.lei import with_check_digits

SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"
AS_OF = dt.date(2026, 11, 28)

# --- reference data (read from the dbt seeds, the same files the validator and the marts use) ------
CRITERIA: dict[str, int] = {}  # criterion_id -> top rung, rulebook order
with open(SEEDS / "csf_criteria.csv", newline="", encoding="utf-8") as _fh:
    for _row in csv.DictReader(_fh):
        CRITERIA[_row["criterion_id"]] = max(int(_row["rung"]), CRITERIA.get(_row["criterion_id"], 0))
assert len(CRITERIA) == 48
with open(SEEDS / "countries.csv", newline="", encoding="utf-8") as _fh:
    UNION = [r["iso2"] for r in csv.DictReader(_fh)]  # EU + EEA

EU_MAIN = ["DE", "FR", "NL", "IE", "SE", "FI", "IT", "ES", "PL", "AT", "BE", "DK", "LU", "CZ", "PT"]
THIRD = ["US", "US", "US", "CN", "CH", "GB", "GB", "JP", "SG", "IN", "CA", "HK"]
CONTROLLER_THIRD = ["US", "US", "US", "CN", "CH", "GB"]
NON_EU_REGIONS = ["US", "GB", "CH", "JP", "SG", "IN", "CA", "AU", "BR"]
LEGAL_FORM = {"DE": "GmbH", "AT": "GmbH", "FR": "SAS", "NL": "B.V.", "BE": "SA", "LU": "S.A.", "IE": "Limited",
              "SE": "AB", "FI": "Oy", "DK": "ApS", "IT": "S.r.l.", "ES": "S.L.", "PL": "sp. z o.o.",
              "CZ": "s.r.o.", "PT": "Lda.", "US": "Inc.", "CN": "Co., Ltd.", "CH": "AG", "GB": "Ltd",
              "JP": "K.K.", "SG": "Pte. Ltd.", "IN": "Pvt. Ltd.", "CA": "Inc.", "HK": "Limited"}
ZONES = ["Z", "+00:00", "+01:00", "+02:00", "+03:00", "-05:00"]
SYLLABLES = ["aur", "lum", "nor", "vel", "kas", "tor", "mir", "zen", "bal", "sol", "cor", "dan", "eld", "fyr",
             "gal", "hel", "ist", "jor", "kel", "lin", "mar", "nex", "ost", "pol", "qua", "rin", "sil", "tek",
             "ul", "vik", "wes", "xan", "yl", "zor"]
SERVICE_KINDS = {
    "IaaS": ["compute", "objectstore", "blockstore", "network", "baremetal", "gpu"],
    "PaaS": ["kubernetes", "postgres", "kafka", "functions", "ai-inference", "datalake"],
    "SaaS": ["mail", "office", "crm", "backup", "collab", "erp"],
}
SCHEMES = ["ISO27001", "ISO27001", "SecNumCloud", "C5-Type1", "C5-Type2", "CSA-STAR-1", "CSA-STAR-2",
           "EUCS-basic", "EUCS-substantial", "EUCS-high", "Gaia-X-L1", "Gaia-X-L2", "Gaia-X-L3",
           "other:TISAX", "other:BSI-IT-Grundschutz"]
CYBER = ["none", "basic", "substantial", "high"]
PERSONNEL = ["any", "eu_located", "eu_citizens", "eu_citizens_cleared"]
SAFEGUARDS = ("no_delivery_restraint", "no_data_access", "no_continuity_disruption", "no_forced_sanctions")
# Supply chain (format 1.1 runs_on): the share of services that name what they run on, by model; the tiers
# a service can sit on (a service runs on services one tier below, so chains reach depth 5 through an
# external platform under tier 0); external platforms (operator country inside or outside the Union).
RUNS_ON_SHARE = {"IaaS": 0.08, "PaaS": 0.4, "SaaS": 0.55}
TIERS = {"IaaS": (0,), "PaaS": (1, 2), "SaaS": (2, 3, 4)}
PLATFORMS = [
    ("Example Hyperscale Compute", "Example Cloud Inc.", "US"), ("Northwind Cloud Platform", "Northwind Corp.", "US"),
    ("Dragon Cloud Engine", "Dragon Cloud Co., Ltd.", "CN"), ("Alpine Metal", "Alpine Metal AG", "CH"),
    ("Nordic Bare Metal", "Nordic Metal Oy", "FI"), ("Rhein Colocation", "Rhein Rechenzentren GmbH", "DE"),
    ("Seine Edge Platform", "Seine Edge SAS", "FR"),
]
UNREGISTERED_SHARE = 0.03  # runs_on items naming a service id no provider registered
PLATFORM_SHARE = 0.15  # services above tier 0 that also name an external platform
CHAINED_SHARE = 0.5  # runs_on picks among the services below that run on something themselves
CYCLES_PER_PROVIDERS = 500  # one pair of services running on each other per this many providers
INVALID_CODES = ("E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010", "E011",
                 "E012", "E013", "E014", "E015")




def _word(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def _ts(rng: random.Random, start: dt.datetime, end: dt.datetime) -> str:
    """An RFC 3339 timestamp in a random zone whose UTC instant lies in [start, end)."""
    instant = start + dt.timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
    zone = rng.choice(ZONES)
    if zone in ("Z", "+00:00"):
        return instant.strftime("%Y-%m-%dT%H:%M:%S") + zone
    sign = 1 if zone[0] == "+" else -1
    local = instant + sign * dt.timedelta(hours=int(zone[1:3]))
    return local.strftime("%Y-%m-%dT%H:%M:%S") + zone


def _day(d: dt.date) -> str:
    return d.isoformat()


def _pcts(rng: random.Random, total_tenths: int, k: int) -> list[int]:
    """k non-negative shares (in tenths of a percent) summing to total_tenths, each < 500 (no majority)."""
    if k == 0:
        return []
    cuts = sorted(rng.randrange(total_tenths + 1) for _ in range(k - 1))
    parts = [b - a for a, b in zip([0] + cuts, cuts + [total_tenths], strict=True)]
    return [min(p, 499) for p in parts]


class _Gen:
    """Builds one provider's disclosure; `rng` is the run's single random source."""

    def __init__(self, rng: random.Random, as_of: dt.date):
        self.rng = rng
        self.as_of = as_of

    # --- provider profile -------------------------------------------------------------------------
    def provider(self, index: int) -> dict:
        rng = self.rng
        stem = _word(rng, rng.choice((2, 3)))
        pid = f"{stem}-{index:05d}"
        kind = rng.choices(["eu", "eu_sub", "dispersed", "foreign"], weights=[45, 25, 18, 12])[0]
        country = rng.choice(THIRD) if kind == "foreign" else rng.choice(EU_MAIN)
        # sovereignty in [0, 1]: drives answers, regions, CADA level
        base = {"eu": 0.72, "dispersed": 0.6, "eu_sub": 0.42, "foreign": 0.22}[kind]
        sov = min(1.0, max(0.0, rng.gauss(base, 0.16)))
        name = f"{stem.capitalize()} Cloud {LEGAL_FORM[country]}"
        prov = {"provider_id": pid, "legal_name": name, "country": country}
        if rng.random() < 0.7:
            base18 = f"{rng.randrange(10**4):04d}00" + "".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(12))
            prov["lei"] = with_check_digits(base18)
        if rng.random() < 0.85:
            prov["website"] = f"https://{pid}.example"
        ownership, parents, controller_country = self.control(pid, stem, country, kind)
        n_services = rng.choices([1, 2, 3, 4, 5], weights=[10, 20, 35, 20, 15])[0]
        services = [self.service(pid, i, sov, country, controller_country) for i in range(n_services)]
        certs = self.certifications(pid, [s["service_id"] for s in services], sov)
        return {
            "schema_version": "1",
            "disclosure_id": "",  # set by the caller with the date
            "submitted_at": "",
            "provider": prov,
            "ownership": ownership,
            "parents": parents,
            "services": services,
            "certifications": certs,
        }

    def control(self, pid: str, stem: str, country: str, kind: str) -> tuple[list, list, str]:
        """Direct holders and the parents chain (1-4 levels above the provider); ultimate controller country."""
        rng = self.rng
        if kind == "dispersed":  # no controller: several holders below 50 %, some outside the Union
            k = rng.randint(3, 6)
            shares = _pcts(rng, rng.randint(800, 1000), k)
            holders = []
            for j, tenths in enumerate(shares):
                c = rng.choice(THIRD) if rng.random() < 0.3 else rng.choice(EU_MAIN)
                vote = min(499, max(0, tenths + rng.randint(-20, 20)))
                holders.append(self._holder(f"{stem}-investor-{j}", f"{_word(rng).capitalize()} Capital",
                                            c, tenths / 10, vote / 10, False))
            # vote shares may exceed the capital total a little: keep the sum within 100
            total_votes = sum(h["voting_pct"] for h in holders)
            if total_votes > 100:
                for h in holders:
                    h["voting_pct"] = h["capital_pct"]
            return holders, [], country
        depth = rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0]  # levels of control above the provider
        if kind == "eu":
            countries = [rng.choice(EU_MAIN) for _ in range(depth)]
        elif kind == "eu_sub":
            countries = [rng.choice(EU_MAIN) for _ in range(depth - 1)] + [rng.choice(CONTROLLER_THIRD)]
        else:  # foreign
            countries = [country] * (depth - 1) + [rng.choice(CONTROLLER_THIRD + [country])]
        ids = [f"{stem}-holding-{lvl}" for lvl in range(depth)]
        names = [f"{stem.capitalize()} {'Holding' if lvl < depth - 1 else 'Group'} {lvl} {LEGAL_FORM.get(c, 'Ltd')}"
                 for lvl, c in enumerate(countries)]
        cap = rng.choice([1000, 1000, 1000, rng.randint(510, 990)])
        controls = rng.random() < 0.9
        vote = cap if controls else max(cap, 510)
        holders = [self._holder(ids[0], names[0], countries[0], cap / 10, vote / 10, controls)]
        rest_cap, rest_vote = 1000 - cap, 1000 - vote
        if rest_cap > 0:
            k = rng.randint(1, 3)
            caps = _pcts(rng, rest_cap, k)
            votes = _pcts(rng, rest_vote, k) if rest_vote > 0 else [0] * k
            for j in range(k):
                c = rng.choice(THIRD) if rng.random() < 0.35 else rng.choice(EU_MAIN)
                holders.append(self._holder(f"{stem}-minority-{j}", f"{_word(rng).capitalize()} Partners",
                                            c, caps[j] / 10, votes[j] / 10, False))
        parents = [
            {"entity_id": ids[lvl], "name": names[lvl], "country": countries[lvl],
             "controlled_by": ids[lvl + 1], "controlled_by_name": names[lvl + 1],
             "controlled_by_country": countries[lvl + 1]}
            for lvl in range(depth - 1)
        ]
        return holders, parents, countries[-1]

    @staticmethod
    def _holder(hid, name, country, cap, vote, controls) -> dict:
        return {"holder_id": hid, "holder_name": name, "country": country,
                "capital_pct": int(cap) if cap == int(cap) else cap,
                "voting_pct": int(vote) if vote == int(vote) else vote, "controls": controls}

    # --- services ---------------------------------------------------------------------------------
    def service(self, pid: str, i: int, sov: float, country: str, controller_country: str) -> dict:
        rng = self.rng
        model = rng.choices(["IaaS", "PaaS", "SaaS"], weights=[35, 35, 30])[0]
        kind = rng.choice(SERVICE_KINDS[model])
        sid = f"{pid}-{kind}-{i}"
        eu_regions = rng.sample(EU_MAIN, rng.randint(1, 3))
        regions = eu_regions
        if rng.random() < (0.55 if country not in UNION else 0.08):
            regions = eu_regions + rng.sample(NON_EU_REGIONS, rng.randint(1, 2))
        svc_sov = min(1.0, max(0.0, sov + rng.gauss(0, 0.08)))
        answers = {}
        for cid, top in CRITERIA.items():
            r = 1 + svc_sov * (top - 1) + rng.gauss(0, 0.7)
            answers[cid] = min(top, max(1, round(r)))
        if rng.random() < 0.15:  # some washing: overclaims on the flagged criteria
            answers["SOV-1.1"] = rng.choice([3, 4])
            answers["SOV-3.4"] = 5
            answers["SOV-2.1"] = 3
            answers["SOV-7.1"] = rng.choice([4, 5])
        s = {"service_id": sid, "name": f"{pid.split('-')[0].capitalize()} {kind.replace('-', ' ').title()} {i}",
             "model": model, "regions": regions, "answers": answers}
        if rng.random() < 0.3:
            picks = rng.sample(list(CRITERIA), rng.randint(1, 4))
            ev = {}
            for cid in sorted(picks, key=list(CRITERIA).index):
                item = {"url": f"https://{pid}.example/trust/{cid.lower()}"}
                if rng.random() < 0.6:
                    item["note"] = f"{cid}: see the {kind} assurance pack, section {rng.randint(1, 9)}"
                ev[cid] = item
            s["evidence"] = ev
        block = self.cada(svc_sov, controller_country not in UNION)
        if block is not None:
            s["cada"] = block
        return s

    def cada(self, sov: float, third_country: bool) -> dict | None:
        """A CADA block aiming at a level 0..4 correlated with sovereignty; None for ~25 % of services."""
        rng = self.rng
        if rng.random() < 0.25 - 0.15 * sov:
            return None
        target = min(4, max(0, round(sov * 4.6 + rng.gauss(0, 0.8) - 0.6)))
        ok = lambda p: rng.random() < p  # noqa: E731 - gate met with probability p
        block = {
            "statement_of_conformity": target >= 1 or ok(0.6),
            "subcontractor_register": target >= 1 or ok(0.6),
            "data_location_checkable": target >= 1 or ok(0.6),
        }
        if target >= 2 or ok(0.25):
            r = rng.random()
            if r < 0.72:
                age = rng.randint(10, 360)
            elif r < 0.9:
                age = rng.randint(366, 800)  # expired audit
            else:
                age = rng.randint(0, 9)
            block["audit"] = {
                "auditor": f"{_word(rng).capitalize()} Assurance {rng.choice(['GmbH', 'SAS', 'B.V.', 'Oy', 'AB'])}",
                "opinion": "positive" if ok(0.93) else "negative",
                "date": _day(self.as_of - dt.timedelta(days=age)),
                "claimed_level": max(2, min(4, target + (1 if ok(0.15) else 0) - (1 if ok(0.1) else 0))),
            }
        safeguards_all = target >= 2 and (not third_country or ok(0.7))
        block.update({
            "cyber_certificate": CYBER[min(3, max(0, (2 if target >= 2 else rng.randint(0, 2))
                                                  + (1 if target >= 4 else 0) + (1 if ok(0.1) else 0)))],
            "personnel": PERSONNEL[min(3, max(0, target - 1 if target >= 2 else rng.randint(0, 2)))],
            "support_in_union": target >= 2 or ok(0.5),
            "sbom": target >= 2 or ok(0.4),
            "no_third_country_ai_training": target >= 2 or ok(0.5),
            "safeguards": {k: safeguards_all or ok(0.5) for k in SAFEGUARDS},
            "source_code_access": target >= 3 or ok(0.2),
            "no_third_country_kill_switch": target >= 4 or ok(0.6),
        })
        return block

    def certifications(self, pid: str, service_ids: list[str], sov: float) -> list[dict]:
        rng = self.rng
        certs = []
        for j in range(rng.choices([0, 1, 2, 3], weights=[20, 35, 30, 15])[0]):
            scheme = rng.choice(SCHEMES)
            start = self.as_of - dt.timedelta(days=rng.randint(30, 1500))
            end = start + dt.timedelta(days=rng.choice([364, 730, 1095]))  # some have expired by as_of
            covered = sorted(rng.sample(service_ids, rng.randint(1, len(service_ids)))) if rng.random() < 0.95 else []
            certs.append({
                "scheme": scheme,
                "certificate_id": f"{scheme.replace(':', '-').upper()}-{pid.upper()}-{j}",
                "issuer": f"{_word(rng).capitalize()} Certification {rng.choice(['GmbH', 'SAS', 'Ltd', 'AB'])}",
                "valid_from": _day(start),
                "valid_until": _day(end),
                "services": covered,
            })
        return certs


def _stamp(doc: dict, when: str) -> dict:
    doc["submitted_at"] = when
    doc["disclosure_id"] = f"{doc['provider']['provider_id']}-{when[:10]}"
    return doc


def _dump(doc: object) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _clear(out: Path) -> None:
    for old in out.glob("*.json"):
        old.unlink()


def generate(out_dir: Path | str, n_providers: int, seed: int, invalid_share: float = 0.02,
             as_of: dt.date = AS_OF, superseded_share: float = 0.03) -> dict:
    """Write `n_providers` valid disclosures (one per provider, ~3 % also with an older superseded one)
    and `round(n_providers * invalid_share)` invalid files into `out_dir` (its old *.json are removed).

    Returns counts: {"providers", "services", "valid_files", "invalid_files", "invalid_codes"}.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    rng = random.Random(seed)
    gen = _Gen(rng, as_of)
    start = dt.datetime.combine(as_of - dt.timedelta(days=330), dt.time())
    end = dt.datetime.combine(as_of, dt.time()) - dt.timedelta(hours=1)
    files: dict[str, bytes] = {}
    valid_docs: list[dict] = []
    n_services = 0
    for index in range(n_providers):
        doc = gen.provider(index)
        when = _ts(rng, start + dt.timedelta(days=60), end)
        _stamp(doc, when)
        n_services += len(doc["services"])
        valid_docs.append(doc)
        if rng.random() < superseded_share:  # an older submission, replaced by the one above
            old = copy.deepcopy(doc)
            for s in old["services"]:
                for cid in rng.sample(list(CRITERIA), 6):
                    s["answers"][cid] = max(1, s["answers"][cid] - 1)
            old_when = _ts(rng, start, start + dt.timedelta(days=55))
            _stamp(old, old_when)
            files[f"{old['disclosure_id']}.json"] = _dump(old)
    runs_on = add_supply_chain(valid_docs, seed)  # after the superseded copies: those stay format 1
    for doc in valid_docs:
        files[f"{doc['disclosure_id']}.json"] = _dump(doc)
    n_invalid = round(n_providers * invalid_share)
    codes = []
    for k in range(n_invalid):
        code = INVALID_CODES[k % len(INVALID_CODES)]
        name, data = _invalid(gen, rng, code, n_providers + k, valid_docs, as_of)
        files[name] = data
        codes.append(code)
    for name in sorted(files):
        (out / name).write_bytes(files[name])
    return {"providers": n_providers, "services": n_services, "valid_files": len(files) - n_invalid,
            "invalid_files": n_invalid, "invalid_codes": sorted(set(codes)), **runs_on}


def add_supply_chain(docs: list[dict], seed: int) -> dict:
    """Give a share of the services a format-1.1 `runs_on` (in place; such files become "1.1"): services
    one tier below, some external platforms, some unregistered ids, a few two-service cycles. A random
    source of its own, so the rest of the data is the same with or without it. Returns counts."""
    rng = random.Random(f"runs-on-{seed}")
    pairs = [(d, s) for d in docs for s in d["services"]]
    tier: dict[str, int] = {}
    by_tier: dict[int, list[str]] = {}
    for _, s in pairs:
        tier[s["service_id"]] = t = rng.choice(TIERS[s["model"]])
        by_tier.setdefault(t, []).append(s["service_id"])
    chained: dict[int, list[str]] = {}  # services of each tier that run on something
    for d, s in sorted(pairs, key=lambda p: tier[p[1]["service_id"]]):  # stable: lower tiers first
        if rng.random() >= RUNS_ON_SHARE[s["model"]]:
            continue
        t = tier[s["service_id"]]
        below = chained.get(t - 1) if rng.random() < CHAINED_SHARE and chained.get(t - 1) else by_tier.get(t - 1, [])
        items = [{"service_id": sid} for sid in rng.sample(below, min(len(below), rng.choice((1, 1, 1, 2))))]
        if rng.random() < UNREGISTERED_SHARE:
            items.append({"service_id": f"unregistered-{rng.randrange(10**6):06d}"})
        if t == 0 or rng.random() < PLATFORM_SHARE:
            platform, operator, country = rng.choice(PLATFORMS)
            items.append({"platform": platform, "operator_name": operator, "operator_country": country})
        if items:
            s["runs_on"] = items
            d["schema_version"] = "1.1"
            chained.setdefault(t, []).append(s["service_id"])
    multi = [d for d in docs if len(d["services"]) >= 2]
    for d in rng.sample(multi, min(len(multi), max(1, len(docs) // CYCLES_PER_PROVIDERS))):
        a, b = d["services"][:2]
        for one, other in ((a, b), (b, a)):
            items = one.setdefault("runs_on", [])
            if {"service_id": other["service_id"]} not in items:
                items.append({"service_id": other["service_id"]})
        d["schema_version"] = "1.1"
    with_runs_on = [s for _, s in pairs if s.get("runs_on")]
    return {"runs_on_services": len(with_runs_on), "runs_on_items": sum(len(s["runs_on"]) for s in with_runs_on)}


def _invalid(gen: _Gen, rng: random.Random, code: str, index: int, valid: list[dict],
             as_of: dt.date) -> tuple[str, bytes]:
    """One broken file meant to be rejected with `code` (named `zz-invalid-<n>-<code>.json`)."""
    doc = gen.provider(index)
    # after every valid submission (so an E013 file never takes an id or service from a valid one)
    _stamp(doc, f"{_day(as_of)}T12:00:00Z")
    name = f"zz-invalid-{index:05d}-{code}.json"
    s0 = doc["services"][0]
    if code == "E001":
        return name, _dump(doc)[: rng.randint(50, 400)]  # truncated upload
    if code == "E002":
        doc["schema_version"] = "2"
    elif code == "E003":
        del doc["provider"]["legal_name"]
    elif code == "E004":
        s0["cada_level"] = 3
    elif code == "E005":
        s0["regions"] = "DE"
    elif code == "E006":
        s0["answers"]["SOV-1.2"] = 9
    elif code == "E007":
        doc["provider"]["country"] = "EU"
    elif code == "E008":
        good = with_check_digits("5299000" + f"{index:011d}")
        doc["provider"]["lei"] = good[:18] + f"{(int(good[18:]) + 1) % 100:02d}"
    elif code == "E009":
        del s0["answers"]["SOV-8.4"]
    elif code == "E010":
        doc["certifications"] = [{"scheme": "ISO27001", "certificate_id": "ISO-BAD-DATES", "issuer": "Cert AB",
                                  "valid_from": "2026-05-01", "valid_until": "2025-05-01", "services": []}]
    elif code == "E011":
        doc["ownership"] = [gen._holder("h-a", "Holder A", "DE", 70, 70, True),
                            gen._holder("h-b", "Holder B", "FR", 45, 45, False)]
    elif code == "E012":
        doc["ownership"] = [gen._holder("loop-a", "Loop A", "DE", 100, 100, True)]
        doc["parents"] = [
            {"entity_id": "loop-a", "name": "Loop A", "country": "DE", "controlled_by": "loop-b",
             "controlled_by_name": "Loop B", "controlled_by_country": "NL"},
            {"entity_id": "loop-b", "name": "Loop B", "country": "NL", "controlled_by": "loop-a",
             "controlled_by_name": "Loop A", "controlled_by_country": "DE"},
        ]
    elif code == "E013":  # a later file claiming a service another provider already owns
        victim = valid[rng.randrange(len(valid))] if valid else doc
        s0["service_id"] = victim["services"][0]["service_id"]
        doc["certifications"] = []
    elif code == "E014":
        doc["certifications"] = [{"scheme": "ISO27001", "certificate_id": "ISO-GHOST", "issuer": "Cert AB",
                                  "valid_from": "2025-05-01", "valid_until": "2028-05-01",
                                  "services": ["no-such-service"]}]
    elif code == "E015":
        nested: object = "deep"
        for _ in range(40):
            nested = [nested]
        s0["evidence"] = {"SOV-1.1": {"url": "https://example.eu/x", "note": nested}}
    return name, _dump(doc)


def mutate(out_dir: Path | str, share: float, seed: int,
           when: dt.datetime = dt.datetime(2026, 11, 29, 1, 30, tzinfo=dt.UTC)) -> list[str]:
    """Re-submit `round(share * providers)` providers: a newer submission (submitted `when`, new
    disclosure_id, new file) of their disclosure in force, with changed answers and sometimes a renewed
    audit. The older file stays in the inbox, as it would in a real archive: the newer one replaces it
    by the latest-`submitted_at` rule. Returns the new file names; run the next refresh with
    as_of >= `when`'s date.
    """
    out = Path(out_dir)
    rng = random.Random(seed)
    latest: dict[str, tuple[dt.datetime, str]] = {}
    docs: dict[str, dict] = {}
    for path in sorted(out.glob("*.json")):
        if path.name.startswith("zz-invalid-"):
            continue
        doc = json.loads(path.read_bytes())
        docs[path.name] = doc
        pid = doc["provider"]["provider_id"]
        key = (dt.datetime.fromisoformat(doc["submitted_at"]).astimezone(dt.UTC), path.name)
        if pid not in latest or key > latest[pid]:
            latest[pid] = key
    candidates = sorted(name for _, name in latest.values())
    chosen = rng.sample(candidates, min(len(candidates), round(share * len(candidates))))
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    written = []
    for name in sorted(chosen):
        doc = docs[name]
        for s in doc["services"]:
            for cid in rng.sample(list(CRITERIA), rng.randint(3, 10)):
                s["answers"][cid] = min(CRITERIA[cid], max(1, s["answers"][cid] + rng.choice([-1, 1])))
            audit = (s.get("cada") or {}).get("audit")
            if audit is not None and rng.random() < 0.3:
                audit["date"] = _day(when.date() - dt.timedelta(days=rng.randint(1, 30)))
        pid = doc["provider"]["provider_id"]
        doc["submitted_at"] = stamp
        doc["disclosure_id"] = f"{pid}-{stamp[:10]}"
        n = 1
        while (out / f"{doc['disclosure_id']}.json").exists():
            n += 1
            doc["disclosure_id"] = f"{pid}-{stamp[:10]}-r{n}"
        new_name = f"{doc['disclosure_id']}.json"
        (out / new_name).write_bytes(_dump(doc))
        written.append(new_name)
    return written

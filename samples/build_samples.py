"""Regenerates the bundled sample disclosures in samples/disclosures/.

The samples are authored here (answers as one rung string per service, in criterion order
SOV-1.1 .. SOV-8.4, objectives separated by "|"), so they stay reviewable and consistent.
Run:  .venv/bin/python samples/build_samples.py
Then: .venv/bin/python samples/expected.py   (the independent oracle; writes expected.json)

All names, LEIs and domains are fictional (.example). Evaluation date of the samples: 2026-11-28.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

from ingestion.lei import with_check_digits

HERE = Path(__file__).resolve().parent
OUT = HERE / "disclosures"
SEEDS = HERE.parent / "dbt_project" / "seeds"

CRITERIA: list[str] = []
for row in csv.DictReader(open(SEEDS / "csf_criteria.csv", newline="", encoding="utf-8")):
    if row["criterion_id"] not in CRITERIA:
        CRITERIA.append(row["criterion_id"])
assert len(CRITERIA) == 48




def answers(spec: str) -> dict[str, int]:
    groups = [g.split() for g in spec.split("|")]
    assert [len(g) for g in groups] == [8, 6, 5, 6, 7, 5, 7, 4], spec
    rungs = [int(x) for g in groups for x in g]
    return dict(zip(CRITERIA, rungs, strict=True))


SAFE_ALL = {"no_delivery_restraint": True, "no_data_access": True,
            "no_continuity_disruption": True, "no_forced_sanctions": True}
SAFE_NONE = {k: False for k in SAFE_ALL}


def cada(*, soc=True, reg=True, dlc=True, audit=None, cyber="substantial", personnel="eu_located",
         support=True, sbom=True, no_ai=True, safeguards=None, source=False, kill=True):
    block = {
        "statement_of_conformity": soc,
        "subcontractor_register": reg,
        "data_location_checkable": dlc,
    }
    if audit is not None:
        auditor, opinion, date, level = audit
        block["audit"] = {"auditor": auditor, "opinion": opinion, "date": date, "claimed_level": level}
    block.update({
        "cyber_certificate": cyber,
        "personnel": personnel,
        "support_in_union": support,
        "sbom": sbom,
        "no_third_country_ai_training": no_ai,
        "safeguards": dict(safeguards if safeguards is not None else SAFE_ALL),
        "source_code_access": source,
        "no_third_country_kill_switch": kill,
    })
    return block


def service(sid, name, model, regions, spec, *, evidence=None, cada_block=None, open_source=None, runs_on=None):
    s = {"service_id": sid, "name": name, "model": model, "regions": regions, "answers": answers(spec)}
    if evidence:
        s["evidence"] = evidence
    if cada_block is not None:
        s["cada"] = cada_block
    if open_source is not None:  # format 1.1: (repository, SPDX licence expression)
        s["open_source"] = {"repository": open_source[0], "license": open_source[1]}
    if runs_on is not None:
        s["runs_on"] = runs_on  # format 1.1
    return s


def on_service(service_id):
    """A runs_on item naming a service (format 1.1)."""
    return {"service_id": service_id}


def on_platform(platform, operator_name, operator_country):
    """A runs_on item naming an external platform (format 1.1)."""
    return {"platform": platform, "operator_name": operator_name, "operator_country": operator_country}




def holder(hid, name, country, cap, vote, controls):
    return {"holder_id": hid, "holder_name": name, "country": country,
            "capital_pct": cap, "voting_pct": vote, "controls": controls}


def parent(eid, name, country, by, by_name, by_country):
    return {"entity_id": eid, "name": name, "country": country, "controlled_by": by,
            "controlled_by_name": by_name, "controlled_by_country": by_country}


def cert(scheme, cid, issuer, vfrom, vuntil, services):
    return {"scheme": scheme, "certificate_id": cid, "issuer": issuer,
            "valid_from": vfrom, "valid_until": vuntil, "services": services}


def disclosure(pid, submitted_at, legal_name, country, *, lei_base=None, website=True,
               ownership, parents, services, certifications, schema_version="1"):
    date = submitted_at[:10]
    prov = {"provider_id": pid, "legal_name": legal_name, "country": country}
    if lei_base:
        prov["lei"] = with_check_digits(lei_base)
    if website:
        prov["website"] = f"https://{pid}.example"
    return {
        "schema_version": schema_version,
        "disclosure_id": f"{pid}-{date}",
        "submitted_at": submitted_at,
        "provider": prov,
        "ownership": ownership,
        "parents": parents,
        "services": services,
        "certifications": certifications,
    }


def ev(url, note=None):
    e = {"url": url}
    if note:
        e["note"] = note
    return e


DOCS = []

# ---------------------------------------------------------------------------------------------
# 1. Aurora Cloud (DE): EU-owned, strongest answers; SEAL-4 + UAL-4, SEAL-4 + UAL-3, SEAL-3 ...
DOCS.append(disclosure(
    "aurora-cloud", "2026-11-02T10:15:00+01:00", "Aurora Cloud GmbH", "DE",
    lei_base="529900AURORACLD0DE",
    ownership=[
        holder("aurora-gruender", "Aurora Gründer Holding GmbH", "DE", 62, 62, True),
        holder("zukunftsfonds-digital", "Zukunftsfonds Digitale Infrastruktur GmbH & Co. KG", "DE", 38, 38, False),
    ],
    parents=[],
    services=[
        service("aurora-compute", "Aurora Compute", "IaaS", ["DE", "AT"],
                "4 5 4 5 5 5 4 5 | 3 5 5 5 5 5 | 5 5 5 5 5 | 5 5 5 5 5 5 | 5 5 5 5 5 5 5 | 5 5 5 5 5 | 5 5 5 5 5 5 5 | 5 5 5 5",
                evidence={
                    "SOV-1.1": ev("https://aurora-cloud.example/governance", "Board and shareholders seated in Frankfurt"),
                    "SOV-3.4": ev("https://aurora-cloud.example/regions", "Two regions: Frankfurt and Vienna, no fallback"),
                    "SOV-7.1": ev("https://aurora-cloud.example/trust/eucs-high"),
                },
                cada_block=cada(audit=("Hanse Prüfgesellschaft mbH", "positive", "2026-06-12", 4),
                                cyber="high", personnel="eu_citizens_cleared", source=True)),
        service("aurora-objectstore", "Aurora Object Storage", "IaaS", ["DE"],
                "4 4 4 5 5 3 4 5 | 3 5 5 5 4 5 | 5 5 5 5 5 | 4 5 5 5 5 5 | 5 5 5 5 5 5 5 | 5 5 5 5 5 | 5 4 5 5 5 5 5 | 5 5 5 3",
                cada_block=cada(audit=("Hanse Prüfgesellschaft mbH", "positive", "2026-06-12", 3),
                                cyber="high", personnel="eu_citizens", source=True)),
        service("aurora-postgres", "Aurora Managed PostgreSQL", "PaaS", ["DE"],
                "4 5 4 4 5 4 4 5 | 3 5 5 5 4 5 | 5 5 5 5 4 | 5 5 5 5 5 5 | 5 4 5 5 5 5 5 | 5 5 4 4 3 | 5 5 5 5 5 5 5 | 5 5 5 4",
                cada_block=cada(audit=("Hanse Prüfgesellschaft mbH", "positive", "2026-06-12", 4),
                                cyber="high", personnel="eu_citizens", source=True)),
        service("aurora-inference", "Aurora AI Inference", "PaaS", ["DE"],
                "4 5 4 4 5 4 4 5 | 3 5 5 5 4 5 | 5 5 5 5 4 | 5 5 5 5 5 5 | 4 3 5 5 5 4 5 | 5 5 4 4 2 | 5 5 5 5 5 5 5 | 5 5 5 4",
                evidence={"SOV-3.5": ev("https://aurora-cloud.example/ai", "EU open-weight models on imported accelerators")},
                cada_block=cada(audit=("Hanse Prüfgesellschaft mbH", "positive", "2026-06-12", 3),
                                cyber="substantial", personnel="eu_located")),
    ],
    certifications=[
        cert("EUCS-high", "EUCS-H-DE-2025-0042", "Zertifizierungsstelle Nord GmbH", "2025-09-01", "2028-08-31",
             ["aurora-compute", "aurora-objectstore"]),
        cert("C5-Type2", "C5-2026-AUR-117", "Hanse Prüfgesellschaft mbH", "2026-02-01", "2027-01-31",
             ["aurora-compute", "aurora-objectstore", "aurora-postgres", "aurora-inference"]),
        cert("ISO27001", "ISO27001-DE-88213", "Zertifizierungsstelle Nord GmbH", "2024-05-10", "2027-05-09",
             ["aurora-compute", "aurora-objectstore", "aurora-postgres", "aurora-inference"]),
    ],
))

# 2. LumenStack (FR): EU-owned via a family holding (parents chain inside the Union); SEAL-3/UAL-3,
#    UAL capped by claimed_level 2, and a service without CADA block.
DOCS.append(disclosure(
    "lumenstack", "2026-09-14T08:00:00Z", "LumenStack SAS", "FR",
    lei_base="969500LUMENSTACK0F",
    ownership=[
        holder("lumenstack-participations", "LumenStack Participations SAS", "FR", 70, 80, True),
        holder("fonds-souverain-numerique", "Fonds Souverain Numérique FPCI", "FR", 15, 10, False),
        holder("lumenstack-fcpe", "FCPE LumenStack Salariés", "FR", 15, 10, False),
    ],
    parents=[
        parent("lumenstack-participations", "LumenStack Participations SAS", "FR",
               "moreau-famille", "Moreau Famille Holding SAS", "FR"),
    ],
    services=[
        service("lumen-kubernetes", "Lumen Kubernetes Engine", "PaaS", ["FR"],
                "4 5 3 4 4 4 3 5 | 3 5 5 4 5 5 | 5 4 4 5 4 | 4 5 4 4 4 4 | 4 3 4 4 4 4 4 | 4 4 4 3 3 | 5 5 4 4 4 4 5 | 4 4 4 4",
                evidence={
                    "SOV-2.2": ev("https://lumenstack.example/legal/immunity", "SecNumCloud 3.2 §19.6 assessment"),
                    "SOV-7.1": ev("https://lumenstack.example/trust/secnumcloud"),
                },
                cada_block=cada(audit=("Cabinet Vérité Audit SAS", "positive", "2026-04-20", 3),
                                cyber="high", personnel="eu_citizens")),
        service("lumen-mail", "Lumen Mail", "SaaS", ["FR", "BE"],
                "4 5 3 4 4 3 3 4 | 3 4 5 4 5 5 | 4 4 4 5 3 | 4 4 4 4 4 4 | 3 3 3 4 4 3 3 | 4 4 3 3 2 | 4 5 4 4 4 4 5 | 4 4 4 4",
                cada_block=cada(audit=("Cabinet Vérité Audit SAS", "positive", "2026-04-20", 2),
                                cyber="high", personnel="eu_citizens_cleared", source=True)),
        service("lumen-vps", "Lumen VPS", "IaaS", ["FR"],
                "4 4 3 4 4 3 2 4 | 3 4 4 4 4 4 | 3 3 3 5 1 | 3 4 4 4 3 3 | 3 2 3 4 4 3 2 | 4 3 3 2 2 | 4 4 4 3 3 4 2 | 3 3 3 3"),
    ],
    certifications=[
        cert("SecNumCloud", "SNC-2025-031", "ANSSI (fictional record)", "2025-03-01", "2028-02-28",
             ["lumen-kubernetes", "lumen-vps"]),
        cert("ISO27001", "FR-ISMS-44871", "Certif Europe SAS", "2025-01-20", "2028-01-19",
             ["lumen-kubernetes", "lumen-mail", "lumen-vps"]),
    ],
))

# 3. Polarnode (FI): two submissions; the newer one (2026-10-20) replaces the older entirely:
#    changed answers, new audit, and polarnode-legacy-vps is dropped.
POLAR_OWN = [holder("polar-founders", "Polar Founders Oy", "FI", 100, 100, True)]
DOCS.append(disclosure(
    "polarnode", "2026-03-16T08:30:00+02:00", "Polarnode Oy", "FI",
    lei_base="743700POLARNODE0FI",
    ownership=copy.deepcopy(POLAR_OWN), parents=[],
    services=[
        service("polarnode-vm", "Polarnode Virtual Machines", "IaaS", ["FI"],
                "4 4 2 5 5 2 2 3 | 3 3 3 3 4 4 | 3 3 3 4 2 | 3 5 4 4 4 3 | 2 2 2 4 4 3 2 | 4 3 3 2 2 | 3 4 4 3 3 4 2 | 3 3 2 4",
                cada_block=cada(cyber="basic", personnel="eu_located")),
        service("polarnode-backup", "Polarnode Backup", "SaaS", ["FI", "SE"],
                "4 4 2 5 5 2 2 3 | 3 3 3 3 4 4 | 4 3 3 4 1 | 3 5 4 4 4 3 | 2 2 2 4 4 3 2 | 3 3 3 2 2 | 3 4 4 3 3 4 2 | 3 3 2 4"),
        service("polarnode-legacy-vps", "Polarnode Legacy VPS", "IaaS", ["FI"],
                "3 3 2 4 4 1 1 2 | 3 2 2 3 3 3 | 2 2 2 4 1 | 2 4 4 4 3 2 | 2 1 2 3 3 2 1 | 3 2 2 1 2 | 2 3 3 2 2 3 1 | 2 2 2 3"),
    ],
    certifications=[],
))
DOCS.append(disclosure(
    "polarnode", "2026-10-20T14:45:00+03:00", "Polarnode Oy", "FI",
    lei_base="743700POLARNODE0FI",
    ownership=copy.deepcopy(POLAR_OWN), parents=[],
    services=[
        service("polarnode-vm", "Polarnode Virtual Machines", "IaaS", ["FI"],
                "4 4 3 5 5 3 3 4 | 3 4 4 3 4 4 | 5 4 4 5 2 | 4 5 4 4 4 4 | 3 2 3 4 4 3 3 | 4 4 3 3 2 | 4 5 4 4 4 4 5 | 4 3 3 4",
                evidence={"SOV-3.1": ev("https://polarnode.example/docs/byok", "Customer-held keys in an EU HSM")},
                cada_block=cada(audit=("Kaamos Assurance Oy", "positive", "2026-09-15", 2),
                                cyber="substantial", personnel="eu_located")),
        service("polarnode-backup", "Polarnode Backup", "SaaS", ["FI", "SE"],
                "4 4 3 5 5 3 3 4 | 3 4 4 3 4 4 | 5 4 4 5 1 | 3 5 4 4 4 3 | 2 2 2 4 4 3 2 | 3 3 3 2 2 | 3 4 4 4 3 4 2 | 3 3 3 4",
                cada_block=cada(audit=("Kaamos Assurance Oy", "positive", "2026-09-15", 2),
                                cyber="basic", personnel="eu_located")),
    ],
    certifications=[
        cert("ISO27001", "FI-27001-2026-0912", "Kaamos Assurance Oy", "2026-07-01", "2029-06-30", ["polarnode-vm"]),
    ],
))

# 4. Meridian Cloud Services Europe (IE): EU subsidiary, chain NL -> LU -> US holder.
#    Claims SOV-1.1 rung 4/3 -> W1-control. Third-country control with all four safeguards (UAL-2)
#    and with one missing (UAL-1). Direct holder is in the Union, so ownership_ok is true.
DOCS.append(disclosure(
    "meridian-cloud-eu", "2026-10-05T16:20:00Z", "Meridian Cloud Services Europe Limited", "IE",
    lei_base="635400MERIDIANEU01",
    ownership=[holder("meridian-eu-holdings", "Meridian EU Holdings B.V.", "NL", 100, 100, True)],
    parents=[
        parent("meridian-eu-holdings", "Meridian EU Holdings B.V.", "NL",
               "meridian-international", "Meridian International S.à r.l.", "LU"),
        parent("meridian-international", "Meridian International S.à r.l.", "LU",
               "meridian-corp", "Meridian Corporation Inc.", "US"),
    ],
    services=[
        service("meridian-compute-eu", "Meridian Compute (EU Sovereign Regions)", "IaaS", ["IE", "DE", "NL"],
                "4 2 2 1 3 3 2 3 | 2 3 3 3 2 2 | 4 4 4 4 2 | 4 4 3 4 3 3 | 3 2 3 2 3 2 3 | 4 4 2 3 2 | 5 5 4 4 4 3 3 | 3 3 3 4",
                evidence={"SOV-1.1": ev("https://meridian-cloud-eu.example/sovereign-board",
                                        "EU board of directors with veto over data access requests")},
                cada_block=cada(audit=("Liffey Assurance Partners", "positive", "2026-05-30", 3),
                                cyber="substantial", personnel="eu_citizens", safeguards=SAFE_ALL,
                                source=True, kill=False)),
        service("meridian-analytics", "Meridian Analytics", "SaaS", ["IE", "US"],
                "3 2 2 1 3 3 2 3 | 2 3 3 3 2 2 | 4 4 4 3 2 | 4 3 3 3 3 3 | 3 2 3 2 3 2 3 | 4 4 2 3 2 | 4 5 3 4 4 3 3 | 3 3 3 4",
                cada_block=cada(audit=("Liffey Assurance Partners", "positive", "2026-05-30", 2),
                                cyber="substantial", personnel="eu_located",
                                safeguards={**SAFE_ALL, "no_forced_sanctions": False}, kill=False)),
    ],
    certifications=[
        cert("C5-Type2", "C5-2026-MER-009", "Liffey Assurance Partners", "2026-03-01", "2027-02-28",
             ["meridian-compute-eu"]),
        cert("CSA-STAR-2", "STAR2-MER-2025-77", "Cloud Trust Registry (fictional)", "2025-12-01", "2026-11-30",
             ["meridian-compute-eu", "meridian-analytics"]),
        cert("ISO27001", "IE-ISMS-2024-5521", "Liffey Assurance Partners", "2024-09-01", "2027-08-31",
             ["meridian-compute-eu", "meridian-analytics"]),
    ],
))

# 5. Jadeport Cloud Europe (NL): chain LU -> HK -> CN. W1 (rung 3); third-country control
#    without any safeguard: audited, but stops at UAL-1.
DOCS.append(disclosure(
    "jadeport-cloud", "2026-08-28T02:00:00Z", "Jadeport Cloud Europe B.V.", "NL",
    lei_base="724500JADEPORTNL01",
    ownership=[holder("jadeport-europe", "Jadeport Europe S.A.", "LU", 100, 100, True)],
    parents=[
        parent("jadeport-europe", "Jadeport Europe S.A.", "LU",
               "jadeport-international", "Jadeport International Limited", "HK"),
        parent("jadeport-international", "Jadeport International Limited", "HK",
               "jadeport-group", "Jadeport Technology Group Co., Ltd.", "CN"),
    ],
    services=[
        service("jadeport-ecs", "Jadeport Elastic Compute", "IaaS", ["NL", "DE"],
                "3 2 2 1 3 2 2 2 | 2 2 2 3 1 1 | 3 3 3 4 1 | 3 3 3 3 3 2 | 2 1 2 2 1 2 2 | 3 3 2 2 1 | 4 4 3 3 3 3 2 | 3 2 2 3",
                cada_block=cada(audit=("Polder Compliance B.V.", "positive", "2026-07-10", 2),
                                cyber="substantial", personnel="eu_located", safeguards=SAFE_NONE, kill=False)),
    ],
    certifications=[
        cert("ISO27001", "NL-27001-JCE-2026", "Polder Compliance B.V.", "2026-01-15", "2029-01-14", ["jadeport-ecs"]),
    ],
))

# 6. Alpenwolke (CH): provider outside the Union claiming SOV-2.1 rung 3 -> W3-jurisdiction.
#    Third-country control (CH), all safeguards -> UAL-2. other:<name> certification.
DOCS.append(disclosure(
    "alpenwolke", "2026-09-30T11:00:00+02:00", "Alpenwolke AG", "CH",
    lei_base="506700ALPENWOLKECH",
    ownership=[holder("alpenwolke-holding", "Alpenwolke Holding AG", "CH", 100, 100, True)],
    parents=[
        parent("alpenwolke-holding", "Alpenwolke Holding AG", "CH",
               "familienstiftung-gerber", "Familienstiftung Gerber", "CH"),
    ],
    services=[
        service("alpenwolke-s3", "Alpenwolke Object Storage", "IaaS", ["CH", "DE"],
                "2 3 3 3 2 3 3 4 | 3 4 5 3 4 4 | 5 4 4 4 3 | 4 5 4 4 4 4 | 3 3 3 4 4 3 3 | 4 4 3 3 2 | 4 4 4 4 4 4 2 | 3 3 3 4",
                cada_block=cada(audit=("Rigi Revision AG", "positive", "2026-08-20", 2),
                                cyber="substantial", personnel="eu_located", safeguards=SAFE_ALL, kill=False)),
        service("alpenwolke-nextdesk", "Alpenwolke NextDesk", "SaaS", ["CH"],
                "2 3 3 3 2 3 3 3 | 3 3 4 4 4 4 | 4 4 4 3 3 | 4 4 4 4 4 3 | 3 3 3 4 4 3 3 | 4 4 4 3 2 | 3 4 4 4 4 4 2 | 3 3 3 4"),
    ],
    certifications=[
        cert("ISO27001", "CH-ISMS-2025-3310", "Rigi Revision AG", "2025-04-01", "2028-03-31",
             ["alpenwolke-s3", "alpenwolke-nextdesk"]),
        cert("other:ISAE-3000-Type2", "ISAE3000-AW-2026", "Rigi Revision AG", "2026-01-01", "2026-12-31",
             ["alpenwolke-s3"]),
    ],
))

# 7. Bluefjord (NO): EEA provider; NO/IS count as inside the Union (no W2/W3); UAL-3 and UAL-1.
DOCS.append(disclosure(
    "bluefjord", "2026-10-28T09:30:00+01:00", "Bluefjord Datasenter AS", "NO",
    lei_base="598400BLUEFJORDNO1",
    ownership=[
        holder("fjordkraft-invest", "Fjordkraft Invest AS", "NO", 51, 51, True),
        holder("reykjanes-ventures", "Reykjanes Ventures ehf.", "IS", 49, 49, False),
    ],
    parents=[],
    services=[
        service("bluefjord-greencompute", "Bluefjord GreenCompute", "IaaS", ["NO", "IS"],
                "4 4 3 5 5 4 4 5 | 3 5 5 4 4 5 | 5 4 4 5 4 | 5 5 4 4 4 4 | 3 3 4 4 4 4 4 | 5 4 4 3 2 | 5 5 4 4 4 4 5 | 4 4 4 4",
                evidence={"SOV-3.4": ev("https://bluefjord.example/regions", "Data centres in Stavanger and Reykjanesbær")},
                cada_block=cada(audit=("Nordlys Revisjon AS", "positive", "2026-10-01", 3),
                                cyber="substantial", personnel="eu_citizens")),
        service("bluefjord-archive", "Bluefjord Cold Archive", "SaaS", ["NO"],
                "4 4 3 5 5 4 4 5 | 3 5 4 4 4 5 | 5 5 5 5 3 | 4 5 4 4 4 4 | 3 3 4 4 4 4 4 | 4 4 4 3 2 | 4 5 4 4 4 4 5 | 4 4 4 4",
                cada_block=cada(personnel="eu_citizens")),
    ],
    certifications=[
        cert("ISO27001", "NO-27001-BF-2025", "Nordlys Revisjon AS", "2025-06-01", "2028-05-31",
             ["bluefjord-greencompute", "bluefjord-archive"]),
        cert("Gaia-X-L2", "GX-L2-BF-0193", "Gaia-X Digital Clearing House (fictional)", "2026-02-15", "2027-02-14",
             ["bluefjord-greencompute"]),
    ],
))

# 8. Kestrel Aplicaciones (ES): region US while answering SOV-3.4 rung 5 -> W2-regions.
#    Two 50/50 founders, no controller: the provider is its own ultimate controller.
DOCS.append(disclosure(
    "kestrel-apps", "2026-07-07T07:07:00+02:00", "Kestrel Aplicaciones S.L.", "ES",
    lei_base="959800KESTRELAPPES",
    ownership=[
        holder("founder-lucia-ortega", "Lucía Ortega Ramos", "ES", 50, 50, False),
        holder("founder-pau-serra", "Pau Serra i Vidal", "ES", 50, 50, False),
    ],
    parents=[],
    services=[
        service("kestrel-crm", "Kestrel CRM", "SaaS", ["ES", "PT", "US"],
                "4 3 3 5 4 2 2 3 | 3 4 5 3 4 4 | 3 3 4 5 2 | 3 4 4 4 3 3 | 3 3 2 4 4 3 3 | 3 3 2 2 2 | 3 4 4 4 3 3 5 | 3 3 3 3",
                evidence={"SOV-3.4": ev("https://kestrel-apps.example/privacy", "Data stays in Madrid and Lisbon")},
                cada_block=cada(cyber="basic", personnel="eu_located")),
        service("kestrel-forms", "Kestrel Forms", "SaaS", ["ES"],
                "4 3 3 5 4 2 2 3 | 3 4 5 3 4 4 | 4 3 4 5 2 | 3 4 4 4 3 3 | 3 3 2 4 4 3 3 | 4 3 3 3 2 | 3 4 4 4 3 3 5 | 3 3 3 3",
                cada_block=cada(cyber="basic", personnel="eu_located")),
    ],
    certifications=[
        cert("other:ENS-Media", "ENS-M-2026-1187", "Entidad Certificadora Ibérica (fictional)", "2026-02-01", "2028-01-31",
             ["kestrel-crm", "kestrel-forms"]),
    ],
))

# 9. Vistula Data (PL): W4-certificate twice (certificate expired 2026-06-30; no certificate at all)
#    and one service covered by an other:<name> certificate.
DOCS.append(disclosure(
    "vistula-data", "2026-11-28T08:00:00Z", "Vistula Data S.A.", "PL",
    lei_base="259400VISTULADATA1",
    ownership=[holder("vistula-holding", "Vistula Holding sp. z o.o.", "PL", 100, 100, True)],
    parents=[
        parent("vistula-holding", "Vistula Holding sp. z o.o.", "PL",
               "fundacja-nowak", "Fundacja Rodziny Nowak", "PL"),
    ],
    services=[
        service("vistula-vault", "Vistula Vault", "IaaS", ["PL"],
                "4 4 3 5 5 3 3 4 | 3 4 4 4 4 4 | 5 4 4 5 2 | 4 5 4 4 4 4 | 3 3 3 4 4 3 3 | 4 4 3 3 2 | 4 4 4 4 4 4 5 | 4 3 3 4",
                evidence={"SOV-7.1": ev("https://vistula-data.example/certificates")},
                cada_block=cada(audit=("Mazowsze Audyt sp. z o.o.", "positive", "2026-03-05", 2),
                                cyber="substantial", personnel="eu_located")),
        service("vistula-sign", "Vistula eSign", "SaaS", ["PL"],
                "4 4 3 5 5 3 3 5 | 3 5 5 4 4 4 | 5 5 5 5 4 | 4 5 4 4 4 4 | 3 3 3 4 4 4 4 | 4 4 3 3 2 | 5 5 5 5 5 5 5 | 4 3 4 4"),
        service("vistula-k8s-backup", "Vistula Kubernetes Backup", "PaaS", ["PL", "CZ"],
                "4 4 3 5 5 3 3 4 | 3 4 4 4 4 4 | 4 4 4 5 2 | 4 5 4 4 4 4 | 3 3 3 4 4 3 3 | 5 4 4 4 2 | 4 4 4 4 4 4 5 | 4 3 3 4",
                cada_block=cada(cyber="substantial", personnel="eu_located")),
    ],
    certifications=[
        cert("ISO27001", "PL-ISMS-2023-0415", "Certyfikacja Wisła sp. z o.o.", "2023-07-01", "2026-06-30",
             ["vistula-vault"]),
        cert("other:KRI-Cloud-Register", "KRI-CLD-2026-022", "Rejestr Chmurowy (fictional)", "2026-01-10", "2027-01-09",
             ["vistula-k8s-backup"]),
    ],
))

# 10. Danubit (AT): dispersed non-EU holders 20 % US + 15 % GB = 35 % -> ownership_ok true;
#     nobody controls -> own ultimate controller.
DOCS.append(disclosure(
    "danubit", "2026-09-01T12:00:00+02:00", "Danubit Cloud GmbH", "AT",
    lei_base="529900DANUBITAT001",
    ownership=[
        holder("danubit-gruender", "Danubit Gründer GmbH", "AT", 40, 40, False),
        holder("alpine-growth-fund", "Alpine Growth Fund GmbH & Co. KG", "DE", 25, 25, False),
        holder("redwood-harbor", "Redwood Harbor Capital LP", "US", 20, 20, False),
        holder("thames-bridge", "Thames Bridge Ventures Ltd", "GB", 15, 15, False),
    ],
    parents=[],
    services=[
        service("danubit-k8s", "Danubit Managed Kubernetes", "PaaS", ["AT", "DE"],
                "3 4 4 3 4 3 3 4 | 3 4 4 4 4 4 | 4 4 4 5 3 | 5 5 4 4 4 4 | 3 3 3 4 4 3 3 | 5 5 5 4 2 | 4 4 4 4 4 4 5 | 4 4 4 4",
                cada_block=cada(cyber="substantial", personnel="eu_located")),
        service("danubit-objectstore", "Danubit Object Storage", "IaaS", ["AT"],
                "4 4 4 3 4 3 3 4 | 3 4 5 4 4 4 | 5 4 5 5 3 | 5 5 4 4 4 4 | 3 3 3 4 4 3 3 | 5 5 4 4 2 | 5 4 4 4 4 4 5 | 4 4 4 4",
                cada_block=cada(audit=("Donau Prüfung GmbH", "positive", "2026-08-01", 2),
                                cyber="substantial", personnel="eu_located")),
    ],
    certifications=[
        cert("C5-Type1", "C5T1-DAN-2026", "Donau Prüfung GmbH", "2026-03-15", "2027-03-14",
             ["danubit-k8s", "danubit-objectstore"]),
    ],
))

# 11. Corvus Hosting (BE): one 30 % US holder -> ownership_ok false (control stays in BE);
#     audit with a negative opinion -> UAL-1; a service without CADA block.
DOCS.append(disclosure(
    "corvus-hosting", "2026-10-12T10:00:00+02:00", "Corvus Hosting NV", "BE",
    lei_base="549300CORVUSHOSTBE",
    ownership=[
        holder("dubois-famille", "Famille Dubois SA", "BE", 55, 55, True),
        holder("great-lakes-infra", "Great Lakes Infrastructure Partners LLC", "US", 30, 30, False),
        holder("luxinvest-digital", "Luxinvest Digital SCSp", "LU", 15, 15, False),
    ],
    parents=[],
    services=[
        service("corvus-vps", "Corvus VPS", "IaaS", ["BE", "NL"],
                "4 2 3 3 4 2 2 3 | 3 3 3 3 4 4 | 3 3 3 5 1 | 3 4 4 4 3 3 | 2 2 2 4 4 3 2 | 3 3 2 2 1 | 3 4 4 3 3 4 2 | 3 2 2 3",
                cada_block=cada(audit=("Scheldt Audit BV", "negative", "2026-09-01", 2),
                                cyber="substantial", personnel="eu_located")),
        service("corvus-wordpress", "Corvus Managed WordPress", "SaaS", ["BE"],
                "4 2 3 3 4 2 2 3 | 3 3 3 3 4 4 | 2 3 3 5 1 | 3 4 4 4 3 3 | 2 2 2 4 4 3 2 | 3 3 3 2 1 | 2 4 4 3 3 4 2 | 3 2 2 3"),
    ],
    certifications=[
        cert("ISO27001", "BE-27001-CRV-2025", "Scheldt Audit BV", "2025-05-01", "2028-04-30", ["corvus-vps"]),
    ],
))

# 12. Halcyon Systems (PT): a US holder with 60 % of the votes but "controls": false -> still the
#     controller (voting_pct > 50); third-country control, W1 on halcyon-erp, three of four safeguards.
DOCS.append(disclosure(
    "halcyon-systems", "2026-06-19T15:30:00+01:00", "Halcyon Systems, S.A.", "PT",
    lei_base="213800HALCYONSYSPT",
    ownership=[
        holder("atlantic-crest", "Atlantic Crest Ventures LLC", "US", 45, 60, False),
        holder("halcyon-fundadores", "Halcyon Fundadores SGPS, S.A.", "PT", 55, 40, False),
    ],
    parents=[],
    services=[
        service("halcyon-erp", "Halcyon ERP", "SaaS", ["PT", "ES"],
                "3 2 3 2 4 2 2 3 | 3 3 3 3 4 4 | 4 3 3 4 2 | 3 4 4 4 3 3 | 2 2 2 4 4 3 2 | 3 3 2 3 1 | 3 4 3 3 3 3 2 | 3 2 2 3",
                evidence={"SOV-1.1": ev("https://halcyon-systems.example/about",
                                        "Founders hold the majority of the capital")},
                cada_block=cada(audit=("Tejo Auditores, Lda.", "positive", "2026-05-15", 2),
                                cyber="substantial", personnel="eu_located",
                                safeguards={**SAFE_ALL, "no_data_access": False}, kill=False)),
        service("halcyon-datalake", "Halcyon Data Lake", "PaaS", ["PT"],
                "2 2 3 2 4 2 2 3 | 3 3 3 3 4 4 | 4 3 3 4 2 | 3 4 4 4 3 3 | 2 2 2 4 4 3 2 | 4 3 3 3 1 | 3 4 3 3 3 3 2 | 3 2 2 3"),
    ],
    certifications=[
        cert("CSA-STAR-1", "STAR1-HAL-2026", "Cloud Trust Registry (fictional)", "2026-01-01", "2026-12-31",
             ["halcyon-erp", "halcyon-datalake"]),
    ],
))

# 13. Baltic Edge (EE): audit age at the 365-day boundary: 2025-06-15 (expired), 2025-11-27
#     (366 days: expired), 2025-11-28 (365 days: in date).
DOCS.append(disclosure(
    "baltic-edge", "2026-11-20T09:00:00+02:00", "Baltic Edge OÜ", "EE",
    lei_base="894500BALTICEDGEEE",
    ownership=[
        holder("founder-kadri-tamm", "Kadri Tamm", "EE", 60, 60, True),
        holder("nordic-seed", "Nordic Seed Fund AB", "SE", 25, 25, False),
        holder("riga-angels", "Riga Angels SIA", "LV", 15, 15, False),
    ],
    parents=[],
    services=[
        service("baltic-edge-compute", "Baltic Edge Compute", "IaaS", ["EE", "LV", "LT"],
                "4 4 3 4 5 4 3 5 | 3 4 4 4 4 4 | 5 4 4 5 3 | 4 5 4 4 4 4 | 3 3 3 4 4 4 3 | 4 4 4 3 2 | 5 5 4 4 4 4 5 | 4 4 3 4",
                cada_block=cada(audit=("Tallinn Assurance OÜ", "positive", "2025-06-15", 3),
                                cyber="substantial", personnel="eu_citizens")),
        service("baltic-edge-dns", "Baltic Edge Managed DNS", "PaaS", ["EE"],
                "4 4 3 4 5 4 3 5 | 3 4 4 4 4 4 | 4 4 4 5 2 | 4 5 4 4 4 4 | 3 3 3 4 4 4 3 | 5 5 4 3 2 | 4 5 4 4 4 4 5 | 4 4 3 4",
                cada_block=cada(audit=("Tallinn Assurance OÜ", "positive", "2025-11-27", 2),
                                cyber="substantial", personnel="eu_located")),
        service("baltic-edge-mail", "Baltic Edge Mail", "SaaS", ["EE", "FI"],
                "4 4 3 4 5 4 3 5 | 3 4 4 4 4 4 | 4 4 4 5 2 | 4 5 4 4 4 4 | 3 3 3 4 4 4 3 | 4 4 3 3 2 | 4 5 4 4 4 4 5 | 4 4 3 4",
                cada_block=cada(audit=("Tallinn Assurance OÜ", "positive", "2025-11-28", 2),
                                cyber="substantial", personnel="eu_located")),
    ],
    certifications=[
        cert("ISO27001", "EE-ISMS-2025-118", "Tallinn Assurance OÜ", "2025-02-01", "2028-01-31",
             ["baltic-edge-compute", "baltic-edge-dns", "baltic-edge-mail"]),
        cert("EUCS-substantial", "EUCS-S-EE-2026-007", "Tallinn Assurance OÜ", "2026-04-01", "2029-03-31",
             ["baltic-edge-compute"]),
    ],
))

# 14. Adriatic Cloud (HR): no LEI, no website, no certifications; self-assessed only (UAL-1) and a
#     CADA block that fails the UAL-1 gate (no subcontractor register) despite a positive audit.
DOCS.append(disclosure(
    "adriatic-cloud", "2026-05-04T13:00:00+02:00", "Adriatic Cloud d.o.o.", "HR",
    website=False,
    ownership=[holder("adriatic-holding", "Adriatic Holding d.o.o.", "HR", 100, 100, True)],
    parents=[],
    services=[
        service("adriatic-vps", "Adriatic VPS", "IaaS", ["HR"],
                "4 3 2 4 4 2 2 3 | 3 3 3 3 4 4 | 3 3 2 4 1 | 3 4 4 4 3 3 | 2 2 2 4 4 3 2 | 3 3 2 2 1 | 3 3 4 3 3 3 2 | 3 2 2 3",
                cada_block=cada(cyber="none", personnel="eu_located", sbom=False)),
        service("adriatic-git", "Adriatic Git Hosting", "PaaS", ["HR", "SI"],
                "4 3 2 4 4 2 2 3 | 3 3 3 3 4 4 | 3 3 2 4 1 | 4 4 4 4 3 3 | 2 2 2 4 4 3 2 | 4 4 4 2 1 | 3 3 4 3 3 3 2 | 3 2 2 3",
                cada_block=cada(reg=False, audit=("Jadran Revizija d.o.o.", "positive", "2026-02-10", 2),
                                cyber="substantial", personnel="eu_located")),
    ],
    certifications=[],
))


# ---------------------------------------------------------------------------------------------
# Reference checks (assurance-rules §6; reference files: samples/references/, build_references.py).
# Each provider below is contradicted by an authority outside it; the flags come from GLEIF or a register.
REF_LEI = {  # provider_id -> LEI base (18 characters) of the §6 sample providers
    "nimbus-souverain": "969500NIMBUSSOUV0F",
    "ferroline-cloud": "529900FERROLINE0DE",
    "atlantis-data": "635400ATLANTISDAIE",
    "certitude-cloud": "969500CERTITUDE0FR",
}

# 15. Nimbus Souverain (FR): declares a French holding as the end of its chain, but GLEIF's direct
#     consolidation records lead via NL to a US group: W5-undeclared-parent on both services, W1 on
#     the one answering SOV-1.1 rung 4, and the UAL gates see third-country control (UAL-3 -> UAL-1).
DOCS.append(disclosure(
    "nimbus-souverain", "2026-10-15T09:00:00+02:00", "Nimbus Souverain SAS", "FR",
    lei_base=REF_LEI["nimbus-souverain"],
    ownership=[holder("nimbus-participations", "Nimbus Participations SAS", "FR", 100, 100, True)],
    parents=[],
    services=[
        service("nimbus-compute", "Nimbus Compute", "IaaS", ["FR"],
                "4 5 3 4 4 4 3 5 | 3 5 5 4 5 5 | 5 4 4 5 4 | 4 5 4 4 4 4 | 4 3 4 4 4 4 4 | 4 4 4 3 3 | 5 5 4 4 4 4 5 | 4 4 4 4",
                cada_block=cada(audit=("Cabinet Vérité Audit SAS", "positive", "2026-05-10", 3),
                                cyber="high", personnel="eu_citizens", safeguards=SAFE_NONE)),
        service("nimbus-backup", "Nimbus Backup", "SaaS", ["FR"],
                "2 4 3 4 4 3 2 4 | 3 4 4 4 4 4 | 3 3 3 5 1 | 3 4 4 4 3 3 | 3 2 3 4 4 3 2 | 4 3 3 2 2 | 3 4 4 3 3 4 2 | 3 3 3 3"),
    ],
    certifications=[
        cert("ISO27001", "FR-ISMS-NIM-2026", "Certif Europe SAS", "2026-01-10", "2029-01-09", ["nimbus-compute"]),
    ],
))

# 16. Ferroline Cloud (DE): an LEI with valid check digits that GLEIF does not know: W6-identity.
DOCS.append(disclosure(
    "ferroline-cloud", "2026-11-05T11:00:00+01:00", "Ferroline Cloud GmbH", "DE",
    lei_base=REF_LEI["ferroline-cloud"],
    ownership=[holder("ferroline-gruender", "Ferroline Gründer GbR", "DE", 100, 100, True)],
    parents=[],
    services=[
        service("ferroline-vm", "Ferroline Virtual Machines", "IaaS", ["DE"],
                "4 4 3 5 5 3 3 4 | 3 4 4 3 4 4 | 5 4 4 5 2 | 4 5 4 4 4 4 | 3 2 3 4 4 3 3 | 4 4 3 3 2 | 3 5 4 4 4 4 5 | 4 3 3 4",
                cada_block=cada()),
    ],
    certifications=[],
))

# 17. Atlantis Data Services (declares IE): GLEIF's legal address is in GB. W6-identity
#     (country_mismatch) and, as SOV-2.1 is answered "exclusively EU", W3-jurisdiction on GLEIF's country.
DOCS.append(disclosure(
    "atlantis-data", "2026-10-01T08:30:00Z", "Atlantis Data Services Ltd", "IE",
    lei_base=REF_LEI["atlantis-data"],
    ownership=[holder("atlantis-founders", "Atlantis Founders Ltd", "IE", 100, 100, True)],
    parents=[],
    services=[
        service("atlantis-analytics", "Atlantis Analytics", "SaaS", ["IE"],
                "4 4 3 4 4 3 3 4 | 3 4 4 4 4 4 | 4 4 3 4 2 | 4 4 4 4 4 3 | 3 3 3 4 4 3 3 | 4 3 3 2 2 | 3 4 4 3 3 4 2 | 3 3 3 3",
                cada_block=cada()),
    ],
    certifications=[],
))

# 18. Certitude Cloud (FR): a SecNumCloud qualification that ANSSI's register lists as withdrawn and a
#     C5 attestation BSI's register does not know: W7-certificate-register and (SOV-7.1 rung 4, no
#     certificate that counts) W4-certificate on certitude-vault; certitude-files holds a corroborated one.
DOCS.append(disclosure(
    "certitude-cloud", "2026-11-12T14:00:00+01:00", "Certitude Cloud SAS", "FR",
    lei_base=REF_LEI["certitude-cloud"],
    ownership=[holder("certitude-fondateurs", "Certitude Fondateurs SAS", "FR", 100, 100, True)],
    parents=[],
    services=[
        service("certitude-vault", "Certitude Vault", "IaaS", ["FR"],
                "4 4 3 4 4 3 3 4 | 3 4 4 4 4 4 | 4 4 4 5 2 | 4 4 4 4 4 3 | 3 3 3 4 4 3 3 | 4 4 3 3 2 | 4 4 4 4 3 4 3 | 3 3 3 4",
                cada_block=cada()),
        service("certitude-files", "Certitude Files", "SaaS", ["FR"],
                "4 4 3 4 4 3 3 4 | 3 4 4 4 4 4 | 4 4 4 5 2 | 4 4 4 4 4 3 | 3 3 3 4 4 3 3 | 4 4 3 3 2 | 4 4 4 4 3 4 3 | 3 3 3 4",
                cada_block=cada()),
    ],
    certifications=[
        cert("SecNumCloud", "SNC-2024-077", "ANSSI (fictional record)", "2024-06-01", "2027-05-31",
             ["certitude-vault"]),
        cert("C5-Type2", "C5-2025-CRT-9", "Hanse Prüfgesellschaft mbH", "2025-10-01", "2026-12-31",
             ["certitude-vault"]),
        cert("SecNumCloud", "SNC-2025-112", "ANSSI (fictional record)", "2025-09-01", "2028-08-31",
             ["certitude-files"]),
    ],
))


# ---------------------------------------------------------------------------------------------
# Open source (assurance-rules §8). Opencirrus (NL), format 1.1 with `open_source` (assurance-rules §8). Every service answers
#     SOV-6.3 with an open-source rung except opencirrus-ai (rung 2, "source visible").
#     - opencirrus-kubernetes  Apache-2.0: open_source, no flag.
#     - opencirrus-gitforge    GPL-2.0-only WITH Classpath-exception-2.0 OR MIT: open_source (the
#                              exception after WITH does not count).
#     - opencirrus-search      SSPL-1.0 OR Elastic-2.0 with rung 4: source_available -> W9-open-source,
#                              SOV-6 capped at 2; the reason names Elastic-2.0 and SSPL-1.0.
#     - opencirrus-ai          LicenseRef-opencirrus-community-1.0 with rung 2: source_available,
#                              no flag (the answer does not claim open source).
#     - opencirrus-console     no `open_source`: undeclared, no flag, never preferred by open source first.
OPENCIRRUS = "4 5 4 4 5 4 4 5 | 3 5 5 5 4 5 | 5 5 5 5 4 | 5 5 5 5 5 5 | 5 4 5 5 5 5 5 | 5 5 {} 4 3 | 4 5 5 5 5 5 5 | 5 5 5 4"
OPENCIRRUS_CADA = dict(audit=("Amstel Assurance B.V.", "positive", "2026-08-20", 2), cyber="substantial",
                       personnel="eu_located")
DOCS.append(disclosure(
    "opencirrus", "2026-11-18T09:30:00+01:00", "Opencirrus B.V.", "NL",
    schema_version="1.1",
    ownership=[holder("opencirrus-cooperatie", "Opencirrus Coöperatie U.A.", "NL", 100, 100, True)],
    parents=[],
    services=[
        service("opencirrus-kubernetes", "Opencirrus Kubernetes", "PaaS", ["NL", "DE"], OPENCIRRUS.format(5),
                cada_block=cada(**OPENCIRRUS_CADA),
                open_source=("https://code.opencirrus.example/kubernetes", "Apache-2.0")),
        service("opencirrus-gitforge", "Opencirrus Git Forge", "SaaS", ["NL"], OPENCIRRUS.format(4),
                cada_block=cada(**OPENCIRRUS_CADA),
                open_source=("https://code.opencirrus.example/gitforge",
                             "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT")),
        service("opencirrus-search", "Opencirrus Search", "PaaS", ["NL"], OPENCIRRUS.format(4),
                cada_block=cada(**OPENCIRRUS_CADA),
                open_source=("https://code.opencirrus.example/search", "SSPL-1.0 OR Elastic-2.0")),
        service("opencirrus-ai", "Opencirrus AI Studio", "SaaS", ["NL"], OPENCIRRUS.format(2),
                cada_block=cada(**OPENCIRRUS_CADA),
                open_source=("https://code.opencirrus.example/ai-studio", "LicenseRef-opencirrus-community-1.0")),
        service("opencirrus-console", "Opencirrus Console", "SaaS", ["NL"], OPENCIRRUS.format(3),
                cada_block=cada(**OPENCIRRUS_CADA)),
    ],
    certifications=[
        cert("ISO27001", "NL-ISMS-2026-0431", "Amstel Assurance B.V.", "2026-03-01", "2029-02-28",
             ["opencirrus-kubernetes", "opencirrus-gitforge", "opencirrus-search", "opencirrus-ai",
              "opencirrus-console"]),
    ],
))


# ---------------------------------------------------------------------------------------------
# 19-21. Supply chain (format 1.1, services[].runs_on; assurance-rules §7). No LEIs and no
#        certificates (SOV-7.1 below rung 4), so only the dependency caps move these levels.
SUITE_SPEC = "4 5 4 4 5 4 4 5 | 3 5 5 5 4 5 | 5 5 5 5 4 | 5 5 5 5 5 5 | 5 4 5 5 5 5 5 | 5 5 4 4 3 | 3 5 5 5 5 5 5 | 5 5 5 4"
DOCS_SPEC = "4 5 4 4 4 4 4 5 | 3 5 4 5 4 5 | 5 5 4 5 4 | 5 5 5 4 5 5 | 5 4 5 5 4 5 5 | 5 4 4 4 3 | 3 5 5 4 5 5 5 | 5 5 4 4"
FORMS_SPEC = "4 4 4 4 5 4 4 4 | 3 5 5 4 4 5 | 4 5 5 5 4 | 5 5 5 5 4 5 | 4 4 5 5 5 5 4 | 5 5 4 4 3 | 3 5 4 5 5 5 5 | 5 4 5 4"
MID_SPEC = "3 3 3 3 4 3 3 3 | 3 4 4 4 3 4 | 4 4 4 4 3 | 4 4 4 4 4 4 | 3 3 4 4 4 3 3 | 4 4 3 3 2 | 3 4 4 4 4 4 4 | 4 4 4 3"
HYPERSCALE = on_platform("Example Hyperscale Compute", "Example Cloud Inc.", "US")

# 19. Sovra Suite (FR): the classic case. Its 1.0 file of August (no runs_on) is replaced by the 1.1
#     file of November, which states that Sovra Office runs on a US hyperscaler (capped at SEAL-1 /
#     UAL-1); Sovra Docs runs on a bundled EU IaaS (aurora-objectstore) and an EU bare-metal platform,
#     which cap nothing.
SOVRA_OWN = [holder("sovra-fondateurs", "Sovra Fondateurs SAS", "FR", 100, 100, True)]
DOCS.append(disclosure(
    "sovra-suite", "2026-08-03T09:00:00+02:00", "Sovra Suite SAS", "FR",
    ownership=SOVRA_OWN, parents=[],
    services=[service("sovra-office", "Sovra Office", "SaaS", ["FR"], SUITE_SPEC,
                      cada_block=cada(audit=("Audit Hexagone SAS", "positive", "2026-07-01", 3),
                                      personnel="eu_citizens"))],
    certifications=[],
))
DOCS.append(disclosure(
    "sovra-suite", "2026-11-05T09:00:00+01:00", "Sovra Suite SAS", "FR", schema_version="1.1",
    ownership=SOVRA_OWN, parents=[],
    services=[
        service("sovra-office", "Sovra Office", "SaaS", ["FR"], SUITE_SPEC,
                cada_block=cada(audit=("Audit Hexagone SAS", "positive", "2026-07-01", 3), personnel="eu_citizens"),
                runs_on=[HYPERSCALE]),
        service("sovra-docs", "Sovra Docs", "SaaS", ["FR", "DE"], DOCS_SPEC,
                cada_block=cada(audit=("Audit Hexagone SAS", "positive", "2026-07-01", 2)),
                runs_on=[on_service("aurora-objectstore"),
                         on_platform("Nordic Bare Metal", "Nordic Metal Oy", "FI")]),
    ],
    certifications=[],
))

# 20. Kite Software (AT): Kite Forms runs on Sovra Office, so the US platform two steps down caps it
#     too (kite-forms → sovra-office → Example Hyperscale Compute (US)); Kite Backup names a storage
#     service no provider has registered (unassessed: SEAL-1 / UAL-1).
DOCS.append(disclosure(
    "kite-software", "2026-11-12T08:00:00+01:00", "Kite Software GmbH", "AT", schema_version="1.1",
    ownership=[holder("kite-founders", "Kite Gründer GmbH", "AT", 100, 100, True)], parents=[],
    services=[
        service("kite-forms", "Kite Forms", "SaaS", ["AT"], FORMS_SPEC,
                cada_block=cada(audit=("Alpen Audit GmbH", "positive", "2026-05-20", 2)),
                runs_on=[on_service("sovra-office")]),
        service("kite-backup", "Kite Backup", "SaaS", ["AT", "DE"], MID_SPEC,
                cada_block=cada(audit=("Alpen Audit GmbH", "positive", "2026-05-20", 2)),
                runs_on=[on_service("orbit-vault-eu")]),
    ],
    certifications=[],
))

# 21. Ringa Data (SI): a cycle. Ringa DB runs on Ringa Queue and Ringa Queue on Ringa DB; each is
#     capped by the other's own level (DB's SEAL by the queue, the queue's UAL by the DB).
DOCS.append(disclosure(
    "ringa-data", "2026-10-30T12:00:00+01:00", "Ringa Data d.o.o.", "SI", schema_version="1.1",
    ownership=[holder("ringa-holding", "Ringa Holding d.o.o.", "SI", 100, 100, True)], parents=[],
    services=[
        service("ringa-db", "Ringa DB", "PaaS", ["SI"], SUITE_SPEC,
                cada_block=cada(audit=("Ljubljana Revizija d.o.o.", "positive", "2026-09-15", 2)),
                runs_on=[on_service("ringa-queue")]),
        service("ringa-queue", "Ringa Queue", "PaaS", ["SI", "HR"], MID_SPEC,
                cada_block=cada(audit=("Ljubljana Revizija d.o.o.", "positive", "2026-09-15", 3),
                                personnel="eu_citizens"),
                runs_on=[on_service("ringa-db")]),
    ],
    certifications=[],
))


# ---------------------------------------------------------------------------------------------
# Broken files (quarantine demo). Each is otherwise valid and carries exactly one defect.
def small_valid(pid, legal_name, country, lei_base):
    return disclosure(
        pid, "2026-11-10T10:00:00Z", legal_name, country, lei_base=lei_base,
        ownership=[holder(f"{pid}-owner", f"{legal_name} Holding", country, 100, 100, True)],
        parents=[],
        services=[service(f"{pid}-app", f"{legal_name} App", "SaaS", [country],
                          "3 3 3 3 3 3 3 3 | 2 3 3 3 3 3 | 3 3 3 3 3 | 3 3 3 3 3 3 | 3 3 3 3 3 3 3 | 3 3 3 3 3 | 3 3 3 3 3 3 3 | 3 3 3 3",
                          cada_block=cada())],
        certifications=[],
    )


BROKEN: dict[str, object] = {}

b = small_valid("forgelei-hosting", "Forgelei Hosting SRL", "RO", "254900FORGELEIRO01")
good = b["provider"]["lei"]
bad = good[:18] + f"{(int(good[18:]) + 11) % 100:02d}"
b["provider"]["lei"] = bad
BROKEN["broken-forged-lei.json"] = b

b = small_valid("halfdone-cloud", "Halfdone Cloud Kft.", "HU", "529900HALFDONEHU01")
del b["services"][0]["answers"]["SOV-5.3"]
BROKEN["broken-incomplete-answers.json"] = b

b = small_valid("typo-systems", "Typo Systems ApS", "DK", "549300TYPOSYSTEMS1")
svc = b["services"][0]
svc["evidnce"] = {"SOV-3.4": {"url": "https://typo-systems.example/regions", "note": "Copenhagen only"}}
BROKEN["broken-unknown-field.json"] = b

b = small_valid("overowned-cloud", "Overowned Cloud Ltd", "MT", "213800OVEROWNEDMT1")
b["ownership"] = [
    holder("overowned-founders", "Overowned Founders Ltd", "MT", 60, 60, True),
    holder("valletta-capital", "Valletta Capital plc", "MT", 50, 40, False),
]
BROKEN["broken-ownership-over-100.json"] = b

NOT_JSON = ('{\n  "schema_version": "1",\n  "disclosure_id": "truncated-upload-2026-11-12",\n'
            '  "submitted_at": "2026-11-12T10:00:00Z",\n  "provider": {\n    "provider_id": "truncated-upload",\n'
            '    "legal_name": "Truncated Upload SIA",\n    "country": "LV",\n')


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for d in DOCS:
        path = OUT / f"{d['disclosure_id']}.json"
        assert not path.exists(), path
        path.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, d in BROKEN.items():
        (OUT / name).write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "broken-not-json.json").write_text(NOT_JSON, encoding="utf-8")
    print(f"wrote {len(DOCS)} valid and {len(BROKEN) + 1} broken files to {OUT}")


if __name__ == "__main__":
    main()

"""Suite `raw`: the tables written by ingestion (docs/design.md, spec/disclosure-v1.md)."""

from __future__ import annotations

from expectations.checks import (
    Suite,
    between,
    computed,
    derived,
    in_set,
    is_null,
    matches,
    not_null,
    pair_at_least,
    per_disclosure,
    rows_at_least,
    table,
    unique,
    unique_together,
)
from expectations.reference_frames import REFERENCE_FRAMES, REFERENCE_TABLES

COUNTRY = r"^[A-Z]{2}$"
SLUG = r"^[a-z0-9][a-z0-9-]{1,63}$"
SCHEMES = (
    r"^(?:ISO27001|SecNumCloud|C5-Type1|C5-Type2|CSA-STAR-1|CSA-STAR-2|EUCS-basic|EUCS-substantial|EUCS-high"
    r"|Gaia-X-L[1-3]|other:.+)$"
)
D = "spec/disclosure-v1.md"
CRITERIA_PER_SERVICE = 48

DISCLOSURES = table(
    "raw.disclosures",
    ["disclosure_id", "provider_id", "submitted_at", "legal_name", "country", "lei", "website",
     "file_name", "file_sha256", "signing_key_fingerprint"],
    ("disclosure_id",),
    [
        rows_at_least(
            1, "at least one accepted disclosure in the run",
            hint="no accepted disclosure: the inbox is empty or every file was rejected (see raw.rejections)",
        ),
        not_null("disclosure_id", f"{D}: disclosure_id is required"),
        unique("disclosure_id", f"{D}: disclosure_id unique across all submissions (E013)"),
        not_null("provider_id", f"{D}: provider.provider_id is required"),
        matches("provider_id", SLUG, f"{D}: provider_id pattern ^[a-z0-9][a-z0-9-]{{1,63}}$"),
        not_null("submitted_at", f"{D}: submitted_at is required"),
        not_null("legal_name", f"{D}: provider.legal_name is required"),
        not_null("country", f"{D}: provider.country is required"),
        matches("country", COUNTRY, f"{D}: country is ISO 3166-1 alpha-2, upper case (E007)"),
        matches("lei", r"^[A-Z0-9]{18}[0-9]{2}$", f"{D}: lei is 20 characters (null when absent)"),
        not_null("file_name", "docs/design.md: every disclosure row names its inbox file"),
        not_null("file_sha256", "docs/design.md: every disclosure row records its file digest"),
        matches("file_sha256", r"^[0-9a-f]{64}$", "docs/design.md: file_sha256 is a hex sha256 digest"),
        matches("signing_key_fingerprint", r"^[0-9a-f]{64}$",
                "docs/security.md: a signed disclosure records the sha256 fingerprint of its key (null: unsigned)"),
    ],
)

SERVICES = per_disclosure(table(
    "raw.services",
    ["disclosure_id", "provider_id", "service_id", "position", "name", "model", "has_cada",
     "audit_opinion", "audit_claimed_level", "cyber_certificate", "personnel"],
    ("disclosure_id", "service_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("provider_id", f"{D}: services belong to the disclosure's provider"),
        not_null("service_id", f"{D}: services[].service_id is required"),
        matches("service_id", SLUG, f"{D}: service_id matches the provider_id pattern"),
        unique_together(["disclosure_id", "service_id"], f"{D}: service_id unique within a disclosure"),
        in_set("model", ["IaaS", "PaaS", "SaaS"], f"{D}: services[].model is IaaS, PaaS or SaaS"),
        not_null("model", f"{D}: services[].model is required"),
        not_null("has_cada", "docs/design.md: has_cada is a bool on every service"),
        in_set("audit_opinion", ["positive", "negative"], f"{D}: cada.audit.opinion is positive or negative"),
        between("audit_claimed_level", 2, 4, f"{D}: cada.audit.claimed_level is 2..4"),
        in_set("cyber_certificate", ["none", "basic", "substantial", "high"],
               f"{D}: cada.cyber_certificate enum"),
        in_set("personnel", ["any", "eu_located", "eu_citizens", "eu_citizens_cleared"],
               f"{D}: cada.personnel enum"),
    ],
))

# The answer's criterion's number of rungs in the rulebook seed, computed by DuckDB on the answers frame
# (one read of raw.answers for every answer check).
MAX_RUNG = ("(select max(rb.rung) from read_csv('{seeds}/csf_criteria.csv', header = true) rb "
            "where rb.criterion_id = raw.answers.criterion_id)")

ANSWERS = per_disclosure(table(
    "raw.answers",
    ["disclosure_id", "service_id", "criterion_id", "rung"],
    ("disclosure_id", "service_id", "criterion_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("service_id", f"{D}: answers belong to a service"),
        not_null("criterion_id", f"{D}: answers are keyed by criterion id"),
        matches("criterion_id", r"^SOV-[1-8]\.[0-9]+$", f"{D}: criterion ids are SOV-n.k"),
        unique_together(["disclosure_id", "service_id", "criterion_id"], f"{D}: one answer per criterion"),
        not_null("rung", f"{D}: every answer is an integer rung"),
        between("rung", 1, 5, f"{D}: rung is 1..5 (E006)"),
        computed(not_null("max_rung", f"{D}: criterion ids are those of csf_criteria.csv (E009)"), MAX_RUNG,
                 ("criterion_id",)),
        pair_at_least("max_rung", "rung", f"{D}: rung is 1..(rungs of that criterion) (E006)"),
    ],
    "each answer, with `max_rung`: its criterion's number of rungs in the rulebook seed",
))

OWNERSHIP = per_disclosure(table(
    "raw.ownership",
    ["disclosure_id", "position", "holder_id", "holder_name", "country", "capital_pct", "voting_pct", "controls"],
    ("disclosure_id", "position"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("holder_id", f"{D}: ownership[].holder_id is required"),
        unique_together(["disclosure_id", "position"], "docs/design.md: position indexes the holder list"),
        matches("country", COUNTRY, f"{D}: holder country is ISO alpha-2, upper case (E007)"),
        not_null("capital_pct", f"{D}: capital_pct is required"),
        between("capital_pct", 0, 100, f"{D}: capital_pct in [0, 100] (E006)"),
        not_null("voting_pct", f"{D}: voting_pct is required"),
        between("voting_pct", 0, 100, f"{D}: voting_pct in [0, 100] (E006)"),
        not_null("controls", f"{D}: ownership[].controls is a bool"),
    ],
))

PARENTS = per_disclosure(table(
    "raw.parents",
    ["disclosure_id", "position", "entity_id", "name", "country", "controlled_by", "controlled_by_name",
     "controlled_by_country"],
    ("disclosure_id", "position"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("entity_id", f"{D}: parents[].entity_id is required"),
        not_null("controlled_by", f"{D}: parents[].controlled_by is required"),
        unique_together(["disclosure_id", "position"], "docs/design.md: position indexes the parents list"),
        matches("country", COUNTRY, f"{D}: parent country is ISO alpha-2, upper case (E007)"),
        matches("controlled_by_country", COUNTRY, f"{D}: controller country is ISO alpha-2 (E007)"),
    ],
))

SERVICE_REGIONS = per_disclosure(table(
    "raw.service_regions",
    ["disclosure_id", "service_id", "position", "region"],
    ("disclosure_id", "service_id", "position"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("service_id", f"{D}: regions belong to a service"),
        unique_together(["disclosure_id", "service_id", "position"], "docs/design.md: position indexes the regions"),
        not_null("region", f"{D}: services[].regions are ISO codes"),
        matches("region", COUNTRY, f"{D}: region is ISO alpha-2, upper case (E007)"),
    ],
))

EVIDENCE = per_disclosure(table(
    "raw.evidence",
    ["disclosure_id", "service_id", "criterion_id", "url", "note"],
    ("disclosure_id", "service_id", "criterion_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("service_id", f"{D}: evidence belongs to a service"),
        not_null("criterion_id", f"{D}: evidence is keyed by criterion id"),
        unique_together(["disclosure_id", "service_id", "criterion_id"], f"{D}: one evidence item per criterion"),
        matches("url", r"^https://", f"{D}: evidence url must be https://"),
    ],
))

CERTIFICATIONS = per_disclosure(table(
    "raw.certifications",
    ["disclosure_id", "position", "scheme", "certificate_id", "issuer", "valid_from", "valid_until"],
    ("disclosure_id", "certificate_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("certificate_id", f"{D}: certifications[].certificate_id is required"),
        unique_together(["disclosure_id", "position"], "docs/design.md: position indexes the certifications list"),
        matches("scheme", SCHEMES, f"{D}: scheme from the known list or other:<name>"),
        not_null("valid_from", f"{D}: valid_from is required"),
        not_null("valid_until", f"{D}: valid_until is required"),
        pair_at_least("valid_until", "valid_from", f"{D}: valid_from <= valid_until (E010)"),
    ],
))

CERTIFICATION_SERVICES = per_disclosure(table(
    "raw.certification_services",
    ["disclosure_id", "certificate_id", "service_id"],
    ("disclosure_id", "certificate_id", "service_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("certificate_id", f"{D}: links a certificate"),
        not_null("service_id", f"{D}: certifications[].services lists service ids"),
        unique_together(["disclosure_id", "certificate_id", "service_id"],
                        f"{D}: a certificate lists each service once"),
    ],
))

SERVICE_RUNS_ON = per_disclosure(table(
    "raw.service_runs_on",
    ["disclosure_id", "service_id", "position", "dependency_service_id", "platform", "operator_name",
     "operator_country"],
    ("disclosure_id", "service_id", "position"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("service_id", f"{D}: runs_on belongs to a service"),
        unique_together(["disclosure_id", "service_id", "position"], "docs/design.md: position indexes runs_on"),
        matches("dependency_service_id", SLUG, f"{D}: runs_on[].service_id matches the provider_id pattern"),
        matches("operator_country", COUNTRY, f"{D}: runs_on[].operator_country is ISO alpha-2 (E007)"),
    ],
))

RUNS_ON_SHAPES = derived(
    "runs_on_shapes",
    """
    select disclosure_id, service_id, position,
           case when dependency_service_id is not null
                     and (platform is not null or operator_name is not null or operator_country is not null)
                  or dependency_service_id is null
                     and (platform is null or operator_name is null or operator_country is null)
                  or dependency_service_id = service_id
                then service_id || '[' || position || ']' end as bad_item
    from raw.service_runs_on
    """,
    ("raw.service_runs_on",),
    ("disclosure_id", "service_id", "position"),
    [
        is_null("bad_item", f"{D}: a runs_on item is a service_id or a full platform, never the service itself"
                " (E016)"),
    ],
    "each runs_on row; `bad_item` names one that is neither shape or names its own service",
    order_by="disclosure_id, service_id, position",
)

OPEN_SOURCE_LICENSES = per_disclosure(table(
    "raw.open_source_licenses",
    ["disclosure_id", "service_id", "repository", "license", "license_id", "is_exception"],
    ("disclosure_id", "service_id", "license_id"),
    [
        not_null("disclosure_id", "docs/design.md: every raw row carries its disclosure_id"),
        not_null("service_id", f"{D}: open_source belongs to a service"),
        not_null("license", f"{D}: open_source.license is required"),
        not_null("license_id", f"{D}: one row per id of the parsed SPDX expression"),
        not_null("is_exception", f"{D}: each id is a licence or an exception after WITH"),
        unique_together(["disclosure_id", "service_id", "license_id"], "docs/design.md: one row per distinct id"),
        matches("repository", r"^https://", f"{D}: open_source.repository is an https URL (E006)"),
    ],
))

DECISIONS = table(
    "raw.decisions",
    ["decision_id", "seq", "service_id", "action", "reason", "decided_by", "decided_at", "prev_hash", "hash"],
    ("decision_id",),
    [
        not_null("decision_id", "assurance-rules §5: a decision has a decision_id"),
        unique("decision_id", "assurance-rules §5: decision_id is unique"),
        unique("seq", "docs/design.md: the decision log is one hash chain, seq unique"),
        not_null("service_id", "assurance-rules §5: a decision names a service"),
        in_set("action", ["suspend", "revoke", "reinstate", "transfer", "withdraw"],
               "assurance-rules §5: action suspend|revoke|reinstate; docs/security.md: transfer; "
               "withdraw corrects an erroneous decision"),
        not_null("decided_at", "assurance-rules §5: decided_at is required"),
    ],
)

REJECTIONS = table(
    "raw.rejections",
    ["run_id", "file", "code", "path", "message"],
    ("file", "code", "path"),
    [
        not_null("file", f"{D}: every rejection names its file"),
        matches("code", r"^[ER][0-9]{3}$",
                f"{D}: rejection codes are E001..E016 and, for reference files, R001..R004 (project may add more)"),
        not_null("message", f"{D}: every rejection carries a sentence"),
    ],
)

INPUT_FILES = table(
    "raw.input_files",
    ["file_name", "file_sha256", "size_bytes", "status", "disclosure_id"],
    ("file_name",),
    [
        not_null("file_name", "docs/design.md: every inbox file is listed"),
        in_set("status", ["accepted", "rejected"], "docs/design.md: status is accepted or rejected"),
        not_null("status", "docs/design.md: status is accepted or rejected"),
    ],
)

# Bits of a HUGEINT mask that stand for the rulebook's criterion ids in `answers_per_service` (the others are
# counted as distinct strings).
MASK_BITS = 127

# `n_criteria` is the number of distinct criterion ids a service answers: each id of the rulebook seed has one bit
# of a mask (OR over the service's answers, then a bit count), any other id is counted with `count(distinct)`.
# Both sets are disjoint, so the sum is the distinct count; `count(distinct)` over every answer costs 3x more.
ANSWER_COUNTS = derived(
    "answers_per_service",
    f"""
    with ids as (
        select criterion_id, (row_number() over (order by criterion_id) - 1)::int as bit
        from (select distinct criterion_id from read_csv('{{seeds}}/csf_criteria.csv', header = true))
    ),
    a as (
        select a.disclosure_id, a.service_id, a.criterion_id, case when i.bit < {MASK_BITS} then i.bit end as bit
        from raw.answers a left join ids i on i.criterion_id = a.criterion_id
    )
    select s.disclosure_id, s.service_id, count(a.criterion_id) as n_answers,
           coalesce(bit_count(bit_or(1::hugeint << a.bit)), 0)
           + count(distinct case when a.bit is null then a.criterion_id end) as n_criteria
    from raw.services s
    left join a on a.disclosure_id = s.disclosure_id and a.service_id = s.service_id
    group by s.disclosure_id, s.service_id
    """,
    ("raw.services", "raw.answers"),
    ("disclosure_id", "service_id"),
    [
        between("n_answers", CRITERIA_PER_SERVICE, CRITERIA_PER_SERVICE,
                f"{D}: exactly 48 answers per service (E009)"),
        between("n_criteria", CRITERIA_PER_SERVICE, CRITERIA_PER_SERVICE,
                f"{D}: the 48 answers cover 48 distinct criteria (E009)"),
    ],
    "per service: number of answers and of distinct criteria answered",
    order_by="s.disclosure_id, s.service_id",
)

ORPHANS = derived(
    "orphans",
    """
    select 'services' as child_table,
           case when d.disclosure_id is null then c.disclosure_id end as orphan
    from raw.services c left join raw.disclosures d using (disclosure_id)
    union all
    select 'services.provider_id',
           case when d.disclosure_id is null then c.disclosure_id || '/' || c.provider_id end
    from raw.services c left join raw.disclosures d
         on d.disclosure_id = c.disclosure_id and d.provider_id = c.provider_id
    union all
    select 'ownership', case when d.disclosure_id is null then c.disclosure_id end
    from raw.ownership c left join raw.disclosures d using (disclosure_id)
    union all
    select 'parents', case when d.disclosure_id is null then c.disclosure_id end
    from raw.parents c left join raw.disclosures d using (disclosure_id)
    union all
    select 'certifications', case when d.disclosure_id is null then c.disclosure_id end
    from raw.certifications c left join raw.disclosures d using (disclosure_id)
    union all
    select 'answers', case when s.service_id is null then c.disclosure_id || '/' || c.service_id end
    from (select distinct disclosure_id, service_id from raw.answers) c
    left join raw.services s using (disclosure_id, service_id)
    union all
    select 'service_regions', case when s.service_id is null then c.disclosure_id || '/' || c.service_id end
    from (select distinct disclosure_id, service_id from raw.service_regions) c
    left join raw.services s using (disclosure_id, service_id)
    union all
    select 'evidence', case when s.service_id is null then c.disclosure_id || '/' || c.service_id end
    from (select distinct disclosure_id, service_id from raw.evidence) c
    left join raw.services s using (disclosure_id, service_id)
    union all
    select 'certification_services',
           case when s.service_id is null or k.certificate_id is null
                then c.disclosure_id || '/' || c.certificate_id || '/' || c.service_id end
    from raw.certification_services c
    left join raw.services s on s.disclosure_id = c.disclosure_id and s.service_id = c.service_id
    left join (select distinct disclosure_id, certificate_id from raw.certifications) k
         on k.disclosure_id = c.disclosure_id and k.certificate_id = c.certificate_id
    union all
    select 'service_runs_on', case when s.service_id is null then c.disclosure_id || '/' || c.service_id end
    from (select distinct disclosure_id, service_id from raw.service_runs_on) c
    left join raw.services s using (disclosure_id, service_id)
    union all
    select 'open_source_licenses', case when s.service_id is null then c.disclosure_id || '/' || c.service_id end
    from (select distinct disclosure_id, service_id from raw.open_source_licenses) c
    left join raw.services s using (disclosure_id, service_id)
    union all
    select 'input_files', case when d.disclosure_id is null then c.file_name end
    from raw.input_files c left join raw.disclosures d using (disclosure_id)
    where c.status = 'accepted'
    """,
    ("raw.disclosures", "raw.services", "raw.ownership", "raw.parents", "raw.certifications", "raw.answers",
     "raw.service_regions", "raw.evidence", "raw.certification_services", "raw.service_runs_on",
     "raw.open_source_licenses", "raw.input_files"),
    ("child_table",),
    [
        is_null("orphan", "referential integrity: every raw row points at a loaded disclosure/service/certificate"),
    ],
    "one row per child row (or child key); `orphan` names the row whose parent is missing",
)

RAW_TABLES = (
    "raw.disclosures", "raw.ownership", "raw.parents", "raw.services", "raw.service_regions", "raw.answers",
    "raw.evidence", "raw.certifications", "raw.certification_services", "raw.service_runs_on",
    "raw.open_source_licenses", "raw.decisions", "raw.rejections", "raw.input_files", *REFERENCE_TABLES,
)

RAW_SUITE = Suite(
    layer="raw",
    tables=RAW_TABLES,
    frames=(
        DISCLOSURES, SERVICES, ANSWERS, OWNERSHIP, PARENTS, SERVICE_REGIONS, EVIDENCE, CERTIFICATIONS,
        CERTIFICATION_SERVICES, SERVICE_RUNS_ON, RUNS_ON_SHAPES, OPEN_SOURCE_LICENSES, DECISIONS, REJECTIONS,
        INPUT_FILES, ANSWER_COUNTS, ORPHANS, *REFERENCE_FRAMES,
    ),
)

"""Suite `final`: the published marts in schema `main` (spec/registry-contract.md, spec/assurance-rules.md)."""

from __future__ import annotations

from expectations.checks import (
    Suite,
    between,
    derived,
    in_set,
    is_null,
    matches,
    not_null,
    pair_at_least,
    pair_equal,
    pairs_in_set,
    rows_at_least,
    table,
)

C = "registry-contract"
A = "assurance-rules"
COUNTRY = r"^[A-Z]{2}$"
OBJECTIVES = [f"SOV-{i}" for i in range(1, 9)]
#: a service's status and the SEAL/UAL levels: the published vocabulary, defined here only (the gate checks it;
#: the site, the methodology page and `sealreg shortlist` read it; `listed` first, then in order of display)
STATUSES = ["listed", "expired", "suspended", "revoked", "not_listed"]
_STATUS_RULE = f"{A} §5: status is {'|'.join(STATUSES)}"
LEVELS = range(0, 5)
FLAGS = {"W1-control": "SOV-1", "W2-regions": "SOV-3", "W3-jurisdiction": "SOV-2", "W4-certificate": "SOV-7",
         "W5-undeclared-parent": "SOV-1", "W6-identity": "SOV-2", "W7-certificate-register": "SOV-7",
         "W8-dependency": None, "W9-open-source": "SOV-6"}
LEI_CHECKS = ["not_checked", "not_declared", "unknown", "invalid", "country_mismatch", "lapsed", "verified"]
CORROBORATIONS = ["self_declared", "not_found", "holder_mismatch", "withdrawn", "suspended", "in_progress",
                  "expired", "corroborated"]
REVIEW_KINDS = ["W5-undeclared-parent", "W6-identity", "W7-certificate-register", "gleif_parent_changed",
                "corroboration_lost"]
OPEN_SOURCE_STATUSES = ["open_source", "source_available", "undeclared"]
DEPENDENCY_KINDS = ["service", "platform", "unregistered"]
TOLERANCE = 1e-6


def _keys_not_null(cols: tuple[str, ...], table_name: str) -> list:
    return [not_null(c, f"{C}: key column {table_name}.{c} is never null") for c in cols]


def _seal(col: str, rule: str) -> list:
    return [not_null(col, rule), between(col, LEVELS[0], LEVELS[-1], rule)]


PROVIDERS = table(
    "main.providers",
    ["provider_id", "legal_name", "country", "lei", "ultimate_controller_name", "ultimate_controller_country",
     "third_country_control", "ownership_ok", "disclosure_id", "submitted_at", "lei_check", "gleif_legal_name",
     "gleif_country", "gleif_parent_lei", "gleif_parent_name", "gleif_parent_country",
     "third_country_control_declared", "control_evidence"],
    ("provider_id",),
    [
        rows_at_least(1, f"{C}: a release lists at least one provider"),
        *_keys_not_null(("provider_id",), "providers"),
        matches("country", COUNTRY, f"{C}: provider country is ISO alpha-2, upper case"),
        matches("ultimate_controller_country", COUNTRY, f"{A} §2: ultimate controller country is ISO alpha-2"),
        not_null("third_country_control", f"{A} §2: third_country_control is decided for every provider"),
        not_null("ownership_ok", f"{A} §2: ownership_ok (SecNumCloud §19.6) is decided for every provider"),
        not_null("disclosure_id", f"{C}: each provider comes from the disclosure in force"),
        not_null("lei_check", f"{A} §6.1: every provider has a lei_check (not_checked when no Level 1)"),
        in_set("lei_check", LEI_CHECKS, f"{A} §6.1: lei_check values"),
        not_null("third_country_control_declared", f"{A} §6.2: declared control published beside the effective"),
        in_set("control_evidence", ["declared", "gleif", "both"], f"{A} §6.2: control_evidence values"),
        pairs_in_set("third_country_control", "control_evidence",
                     [(True, "declared"), (True, "gleif"), (True, "both"), (False, None)],
                     f"{A} §6.2: effective control has evidence, and evidence means effective control"),
        matches("gleif_country", COUNTRY, f"{A} §6.1: GLEIF legal-address country is ISO alpha-2"),
        matches("gleif_parent_country", COUNTRY, f"{A} §6.2: GLEIF parent country is ISO alpha-2"),
    ],
)

SERVICES = table(
    "main.services",
    ["service_id", "provider_id", "name", "model", "sovereignty_score", "seal", "ual", "seal_own", "ual_own",
     "status", "status_reason", "weights_version", "evaluated_on", "open_source_status", "open_source_license",
     "open_source_repository"],
    ("service_id",),
    [
        rows_at_least(1, f"{C}: a release lists at least one service"),
        *_keys_not_null(("service_id",), "services"),
        not_null("provider_id", f"{C}: every service belongs to a provider"),
        in_set("model", ["IaaS", "PaaS", "SaaS"], "disclosure-v1: model is IaaS, PaaS or SaaS"),
        not_null("sovereignty_score", f"{A} §1: every service has a sovereignty score"),
        between("sovereignty_score", 0, 100, f"{A} §1: sovereignty score is 0-100"),
        *_seal("seal", f"{A} §1: overall SEAL is 0-4"),
        *_seal("ual", f"{A} §4: UAL is 0-4"),
        *_seal("seal_own", f"{A} §7: the service's own SEAL is 0-4"),
        *_seal("ual_own", f"{A} §7: the service's own UAL is 0-4"),
        pair_at_least("seal_own", "seal", f"{A} §7: dependency caps only lower a SEAL (seal <= seal_own)"),
        pair_at_least("ual_own", "ual", f"{A} §7: dependency caps only lower a UAL (ual <= ual_own)"),
        not_null("status", f"{A} §5: every service has a status"),
        in_set("status", STATUSES, _STATUS_RULE),
        pairs_in_set(
            "status", "ual",
            [("listed", n) for n in range(1, 5)] + [("expired", 1), ("not_listed", 0)]
            + [(s, n) for s in ("suspended", "revoked") for n in LEVELS],
            f"{A} §5: listed needs UAL>=1, expired is published at UAL-1, not_listed is UAL-0",
        ),
        not_null("weights_version", f"{A} §1: the weights version of the run is recorded"),
        not_null("evaluated_on", f"{A} §4: the evaluation date is recorded"),
        not_null("flag_count", f"{A} §3: every service has its count of washing flags (the site shows it)"),
        between("flag_count", 0, None, f"{A} §3: a flag count is not negative"),
        not_null("open_source_status", f"{A} §8: every service has an open-source status"),
        in_set("open_source_status", OPEN_SOURCE_STATUSES,
               f"{A} §8: open_source_status is open_source|source_available|undeclared"),
        matches("open_source_repository", r"^https://", "disclosure-v1.1: open_source.repository is an https URL"),
    ],
)

OBJECTIVE_RESULTS = table(
    "main.objective_results",
    ["service_id", "objective", "score_pct", "seal", "seal_uncapped"],
    ("service_id", "objective"),
    [
        *_keys_not_null(("service_id", "objective"), "objective_results"),
        in_set("objective", OBJECTIVES, f"{A} §1: objectives are SOV-1..SOV-8"),
        not_null("score_pct", f"{A} §1: every objective has a score"),
        between("score_pct", 0, 100, f"{A} §1: objective score is 0-100 %"),
        *_seal("seal", f"{A} §1: objective SEAL is 0-4"),
        *_seal("seal_uncapped", f"{A} §1: uncapped objective SEAL is 0-4"),
        pair_at_least("seal_uncapped", "seal", f"{A} §3: caps only lower a SEAL (seal <= seal_uncapped)"),
    ],
)

CRITERION_RESULTS = table(
    "main.criterion_results",
    ["service_id", "criterion_id", "rung", "points", "max_points", "seal"],
    ("service_id", "criterion_id"),
    [
        *_keys_not_null(("service_id", "criterion_id"), "criterion_results"),
        matches("criterion_id", r"^SOV-[1-8]\.[0-9]+$", f"{A} §1: criterion ids are SOV-n.k"),
        not_null("rung", f"{A} §1: every criterion has its answered rung"),
        between("rung", 1, 5, f"{A} §1: rung is 1..5"),
        not_null("points", f"{A} §1: points come from the rulebook"),
        between("points", 0, None, f"{A} §1: points are not negative"),
        pair_at_least("max_points", "points", f"{A} §1: points <= max_points (the top rung's points)"),
        *_seal("seal", f"{A} §1: criterion SEAL is 0-4"),
    ],
)

WASHING_FLAGS = table(
    "main.washing_flags",
    ["service_id", "flag", "objective", "cap", "reason"],
    ("service_id", "flag"),
    [
        *_keys_not_null(("service_id", "flag"), "washing_flags"),
        in_set("flag", list(FLAGS), f"{A} §3, §6, §8: flags are W1-W7 and W9"),
        pairs_in_set("flag", "objective", list(FLAGS.items()),
                     f"{A} §3, §6, §7, §8: W1, W5 cap SOV-1; W2 SOV-3; W3, W6 SOV-2; W4, W7 SOV-7; W8 no objective; "
                     "W9 SOV-6"),
        not_null("cap", f"{A} §3: every flag states its cap"),
        not_null("reason", f"{A} §3: every flag is published with its reason"),
    ],
    "may be empty",
)

SERVICE_DEPENDENCIES = table(
    "main.service_dependencies",
    ["service_id", "dependency", "kind", "operator_country", "depth", "path", "dependency_seal_own",
     "dependency_ual_own", "cap_seal", "cap_ual"],
    ("service_id", "dependency"),
    [
        *_keys_not_null(("service_id", "dependency"), "service_dependencies"),
        not_null("kind", f"{A} §7: every dependency is a service, a platform or an unregistered id"),
        in_set("kind", DEPENDENCY_KINDS, f"{A} §7: kind is service|platform|unregistered"),
        matches("operator_country", COUNTRY, f"{A} §7: a platform's operator country is ISO alpha-2"),
        not_null("depth", f"{A} §7: every dependency has its depth"),
        between("depth", 1, None, f"{A} §7: depth 1 = direct dependency"),
        not_null("path", f"{A} §7: every dependency has the path to it"),
        between("cap_seal", LEVELS[0], LEVELS[-1], f"{A} §7: a SEAL cap is 0-4"),
        between("cap_ual", LEVELS[0], LEVELS[-1], f"{A} §7: a UAL cap is 0-4"),
    ],
    "may be empty",
)

CADA_GATES = table(
    "main.cada_gates",
    ["service_id", "level", "gate", "passed"],
    ("service_id", "level", "gate"),
    [
        *_keys_not_null(("service_id", "level", "gate"), "cada_gates"),
        between("level", 1, 4, f"{A} §4: gate levels are UAL-1..UAL-4"),
        not_null("passed", f"{A} §4: every gate is decided"),
    ],
)

CERTIFICATIONS = table(
    "main.certifications",
    ["provider_id", "certificate_id", "scheme", "issuer", "valid_from", "valid_until", "service_id",
     "corroboration", "register_source_url"],
    ("provider_id", "certificate_id", "service_id"),
    [
        *_keys_not_null(("provider_id", "certificate_id"), "certifications"),
        pair_at_least("valid_until", "valid_from", "disclosure-v1: valid_from <= valid_until"),
        not_null("corroboration", f"{A} §6.3: every certificate has a corroboration (self_declared without register)"),
        in_set("corroboration", CORROBORATIONS, f"{A} §6.3: corroboration values"),
        matches("register_source_url", r"^https://", "references: a register entry is an https:// link"),
    ],
    "may be empty",
)

REVIEW_ITEMS = table(
    "main.review_items",
    ["subject_id", "kind", "detail", "first_seen_on"],
    ("subject_id", "kind"),
    [
        *_keys_not_null(("subject_id", "kind"), "review_items"),
        in_set("kind", REVIEW_KINDS, f"{C}: review kinds: new W5-W7, GLEIF parent changed, corroboration lost"),
        not_null("detail", f"{C}: every review item says what changed"),
        not_null("first_seen_on", f"{C}: every review item has the date it was first seen"),
    ],
    "may be empty",
)

DECISIONS = table(
    "main.decisions",
    ["decision_id", "service_id", "action", "reason", "decided_by", "decided_at"],
    ("decision_id",),
    [
        not_null("decision_id", f"{C}: key column decisions.decision_id is never null"),
        not_null("service_id", f"{A} §5: a decision names a service"),
        in_set("action", ["suspend", "revoke", "reinstate", "transfer", "withdraw"],
               f"{A} §5: action suspend|revoke|reinstate; docs/security.md: transfer; "
               "withdraw corrects an erroneous decision"),
    ],
    "may be empty",
)

REJECTIONS = table(
    "main.rejections",
    ["file", "code", "path", "message", "run_id"],
    ("file", "code", "path"),
    [
        not_null("file", f"{C}: key column rejections.file is never null"),
        not_null("code", f"{C}: key column rejections.code is never null"),
        matches("code", r"^[ER][0-9]{3}$", "disclosure-v1, references: rejection codes are Ennn or Rnnn"),
    ],
    "may be empty",
)

REFERENCE_SOURCES = table(
    "main.reference_sources",
    ["source", "file_sha256", "kind", "file", "rows", "first_loaded_on", "in_use"],
    ("source", "file_sha256"),
    [
        *_keys_not_null(("source", "file_sha256"), "reference_sources"),
        in_set("kind", ["gleif_level1", "gleif_level2", "scheme_register"], f"{C}: reference source kinds"),
        matches("file_sha256", r"^[0-9a-f]{64}$", "references: every snapshot is named by its file's sha256"),
        not_null("first_loaded_on", "references: the release says when each snapshot was first loaded"),
        not_null("in_use", "references: in_use says which snapshot every figure rests on"),
    ],
    "may be empty (no reference source loaded yet)",
)

SERVICE_HISTORY = table(
    "main.service_history",
    ["service_id", "valid_from", "valid_to", "seal", "ual", "sovereignty_score", "status"],
    ("service_id", "valid_from"),
    [
        *_keys_not_null(("service_id", "valid_from"), "service_history"),
        pair_at_least("valid_to", "valid_from", f"{C}: a history period ends after it starts"),
        between("seal", LEVELS[0], LEVELS[-1], f"{A} §1: SEAL is 0-4"),
        between("ual", LEVELS[0], LEVELS[-1], f"{A} §4: UAL is 0-4"),
        between("sovereignty_score", 0, 100, f"{A} §1: sovereignty score is 0-100"),
        in_set("status", STATUSES, _STATUS_RULE),
    ],
)

CHANGES = table(
    "main.changes",
    ["service_id", "field", "change", "old_value", "new_value"],
    ("service_id", "field"),
    [
        *_keys_not_null(("service_id", "field"), "changes"),
        in_set("change", ["added", "removed", "changed"], f"{C}: change is added|removed|changed"),
    ],
    "may be empty",
)

SERVICE_COUNTS = derived(
    "rows_per_service",
    """
    with o as (select service_id, count(*) as n, count(distinct objective) as d
               from main.objective_results group by service_id),
         c as (select service_id, count(*) as n from main.criterion_results group by service_id)
    select s.service_id, coalesce(o.n, 0) as n_objectives, coalesce(o.d, 0) as n_distinct_objectives,
           coalesce(c.n, 0) as n_criteria
    from main.services s left join o using (service_id) left join c using (service_id)
    where not coalesce(s.disclosure_withdrawn, false)
    """,
    ("main.services", "main.objective_results", "main.criterion_results"),
    ("service_id",),
    [
        between("n_objectives", 8, 8, f"{A} §1: every service has exactly 8 objective rows"),
        between("n_distinct_objectives", 8, 8, f"{A} §1: the 8 objective rows are the 8 objectives"),
        between("n_criteria", 48, 48, f"{A} §1: every service has exactly 48 criterion rows"),
    ],
    "per service with a disclosure in force: number of objective and criterion rows",
    order_by="s.service_id",
)

ORPHANS = derived(
    "orphans",
    """
    select 'objective_results' as child_table, case when s.service_id is null then c.service_id end as orphan
    from (select distinct service_id from main.objective_results) c left join main.services s using (service_id)
    union all
    select 'criterion_results', case when s.service_id is null then c.service_id end
    from (select distinct service_id from main.criterion_results) c left join main.services s using (service_id)
    union all
    select 'washing_flags', case when s.service_id is null then c.service_id end
    from (select distinct service_id from main.washing_flags) c left join main.services s using (service_id)
    union all
    select 'cada_gates', case when s.service_id is null then c.service_id end
    from (select distinct service_id from main.cada_gates) c left join main.services s using (service_id)
    union all
    select 'service_dependencies', case when s.service_id is null then c.service_id end
    from (select distinct service_id from main.service_dependencies) c left join main.services s using (service_id)
    union all
    select 'services.provider_id', case when p.provider_id is null then c.service_id || ' -> ' || c.provider_id end
    from main.services c left join main.providers p using (provider_id)
    where not coalesce(c.disclosure_withdrawn, false)
    union all
    select 'certifications.provider_id', case when p.provider_id is null then c.provider_id end
    from (select distinct provider_id from main.certifications) c left join main.providers p using (provider_id)
    """,
    ("main.services", "main.providers", "main.objective_results", "main.criterion_results", "main.washing_flags",
     "main.cada_gates", "main.certifications", "main.service_dependencies"),
    ("child_table",),
    [is_null("orphan", f"{C}: referential integrity (service_id in services, provider_id in providers)")],
    "one row per child key; `orphan` names the key whose parent row is missing; a revoked service whose "
    "disclosure left the inbox (disclosure_withdrawn) may point at a provider no longer listed",
)

SEAL_RECOMPUTED = derived(
    "seal_recomputed",
    """
    select s.service_id, s.seal_own, min(o.seal) as min_objective_seal
    from main.services s left join main.objective_results o using (service_id)
    where not coalesce(s.disclosure_withdrawn, false)
    group by s.service_id, s.seal_own
    """,
    ("main.services", "main.objective_results"),
    ("service_id",),
    [pair_equal("seal_own", "min_objective_seal",
                f"{A} §1, §7: the service's own SEAL = min of the 8 objective SEALs")],
    "per service with a disclosure in force: its own SEAL (before §7) next to the minimum objective SEAL",
    order_by="s.service_id",
)

FLAG_COUNTS = derived(
    "flag_counts",
    """
    select s.service_id, s.flag_count, count(w.flag) as flag_rows
    from main.services s left join main.washing_flags w using (service_id)
    where not coalesce(s.disclosure_withdrawn, false)
    group by s.service_id, s.flag_count
    """,
    ("main.services", "main.washing_flags"),
    ("service_id",),
    [pair_equal("flag_count", "flag_rows", f"{A} §3: a service's flag_count is the number of its published flags")],
    "per service with a disclosure in force: flag_count next to its washing_flags rows (a revoked service whose "
    "disclosure left keeps the count of its last evaluation, without rows)",
    order_by="s.service_id",
)

DEPENDENCY_CAPS_APPLIED = derived(
    "dependency_caps_applied",
    """
    with d as (select service_id, min(cap_seal) as cap_seal, min(cap_ual) as cap_ual
               from main.service_dependencies group by service_id),
         w as (select service_id, try_cast(cap as integer) as cap from main.washing_flags
               where flag = 'W8-dependency')
    select s.service_id, s.seal, s.ual,
           least(s.seal_own, coalesce(d.cap_seal, s.seal_own)) as seal_recomputed,
           least(s.ual_own, coalesce(d.cap_ual, s.ual_own)) as ual_recomputed,
           s.seal < s.seal_own or s.ual < s.ual_own as lowered,
           w.service_id is not null as w8_raised,
           coalesce(w.cap, s.seal) as w8_cap  -- the service's seal when no W8 is raised
    from main.services s left join d using (service_id) left join w using (service_id)
    where not coalesce(s.disclosure_withdrawn, false)
    """,
    ("main.services", "main.service_dependencies", "main.washing_flags"),
    ("service_id",),
    [
        pair_equal("seal", "seal_recomputed", f"{A} §7: seal = min(seal_own, every dependency's cap_seal)"),
        pair_equal("ual", "ual_recomputed", f"{A} §7: ual = min(ual_own, every dependency's cap_ual)"),
        pair_equal("lowered", "w8_raised", f"{A} §7: W8-dependency is raised exactly when a cap lowers seal or ual"),
        pair_equal("w8_cap", "seal", f"{A} §7: W8-dependency's cap is the resulting SEAL"),
    ],
    "per service with a disclosure in force: published seal/ual next to the values recomputed from "
    "service_dependencies, and its W8-dependency flag",
    order_by="s.service_id",
)

OBJECTIVE_RECOMPUTED = derived(
    "objective_recomputed",
    """
    with c as (
        select service_id, split_part(criterion_id, '.', 1) as objective, min(seal) as min_criterion_seal,
               100.0 * sum(points) / nullif(sum(max_points), 0) as score_recomputed
        from main.criterion_results group by all
    )
    select o.service_id, o.objective, o.seal_uncapped, c.min_criterion_seal,
           abs(o.score_pct - c.score_recomputed)::double as score_abs_diff
    from main.objective_results o left join c using (service_id, objective)
    """,
    ("main.objective_results", "main.criterion_results"),
    ("service_id", "objective"),
    [
        pair_equal("seal_uncapped", "min_criterion_seal",
                   f"{A} §1: objective SEAL (before caps) = min criterion SEAL (weakest link)"),
        not_null("score_abs_diff", f"{A} §1: every objective score is recomputable from its criterion rows"),
        between("score_abs_diff", 0, TOLERANCE,
                f"{A} §1: objective score = 100 x sum(points) / sum(max_points) (tolerance 1e-6)"),
    ],
    "per objective: published values next to the values recomputed from criterion_results",
    order_by="o.service_id, o.objective",
)

SCORE_RECOMPUTED = derived(
    "sovereignty_recomputed",
    """
    with w as (select weights_version, objective, weight::double as weight
               from read_csv('{seeds}/csf_weights.csv', header = true)),
         r as (select o.service_id, sum(w.weight * o.score_pct) as recomputed, count(w.weight) as n_weights
               from main.objective_results o join main.services s using (service_id)
               left join w on w.weights_version = s.weights_version and w.objective = o.objective
               group by o.service_id)
    select s.service_id, s.weights_version, s.sovereignty_score,
           case when r.n_weights = 8 then abs(s.sovereignty_score - r.recomputed) end as score_abs_diff
    from main.services s left join r using (service_id)
    where not coalesce(s.disclosure_withdrawn, false)
    """,
    ("main.services", "main.objective_results"),
    ("service_id",),
    [
        not_null("score_abs_diff", f"{A} §1: sovereignty score recomputable (known weights version, 8 objectives)"),
        between("score_abs_diff", 0, TOLERANCE,
                f"{A} §1: sovereignty score = sum(weight x objective score) (tolerance 1e-6)"),
    ],
    "per service with a disclosure in force: |published sovereignty score - recomputed weighted sum|",
    order_by="s.service_id",
)

CAPS_APPLIED = derived(
    "caps_applied",
    """
    select f.service_id, f.flag, f.objective, try_cast(f.cap as integer) as cap, o.seal
    from main.washing_flags f left join main.objective_results o using (service_id, objective)
    """,
    ("main.washing_flags", "main.objective_results"),
    ("service_id", "flag"),
    [pair_at_least("cap", "seal", f"{A} §3: a flagged objective's SEAL is at most the flag's cap")],
    "per washing flag: its cap next to the objective's published SEAL",
    order_by="f.service_id, f.flag",
)

UAL_VS_GATES = derived(
    "ual_vs_gates",
    """
    select s.service_id, s.ual,
           coalesce(min(g.level) filter (where not g.passed), 5) - 1 as max_ual_by_gates
    from main.services s left join main.cada_gates g using (service_id)
    group by s.service_id, s.ual
    """,
    ("main.services", "main.cada_gates"),
    ("service_id",),
    [pair_at_least("max_ual_by_gates", "ual", f"{A} §4: UAL is cumulative, never above a failed gate's level")],
    "per service: UAL next to the highest level below its first failed gate",
    order_by="s.service_id",
)

OPEN_SOURCE_DECLARED = derived(
    "open_source_declared",
    """
    select s.service_id, s.open_source_status,
           s.open_source_license is not null and s.open_source_repository is not null as declared,
           (select count(*) from main.washing_flags f
            where f.service_id = s.service_id and f.flag = 'W9-open-source') as w9_flags
    from main.services s
    """,
    ("main.services", "main.washing_flags"),
    ("service_id",),
    [
        pairs_in_set("open_source_status", "declared",
                     [("open_source", True), ("source_available", True), ("undeclared", False)],
                     f"{A} §8: a licence and repository are published exactly when open_source was declared"),
        pairs_in_set("open_source_status", "w9_flags",
                     [("open_source", 0), ("source_available", 0), ("source_available", 1), ("undeclared", 0)],
                     f"{A} §8: W9-open-source is raised only on source-available services"),
    ],
    "per service: open-source status, whether a licence is published, and its W9 flags",
    order_by="s.service_id",
)

OPEN_PERIODS = derived(
    "history_open_periods",
    """
    select service_id, count(*) filter (where valid_to is null) as open_periods
    from main.service_history group by service_id
    """,
    ("main.service_history",),
    ("service_id",),
    [between("open_periods", 0, 1, f"{C}: at most one current (valid_to null) history period per service")],
    "per service: number of open history periods",
    order_by="service_id",
)

FINAL_TABLES = (
    "main.providers", "main.services", "main.objective_results", "main.criterion_results", "main.washing_flags",
    "main.cada_gates", "main.certifications", "main.decisions", "main.rejections", "main.service_history",
    "main.changes", "main.review_items", "main.reference_sources", "main.service_dependencies",
    "main.source_freshness",
)

#: Every column the site's pages read, per published table: the `_columns` frame fails the gate when one
#: is missing, so the site reads them without checking (columns here need not be read into pandas).
PUBLISHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "main.providers": ("provider_id", "legal_name", "country", "lei", "website", "ultimate_controller_name",
                       "ultimate_controller_country", "third_country_control", "ownership_ok", "non_union_capital_pct",
                       "non_union_voting_pct", "control_chain", "disclosure_id", "submitted_at",
                       "third_country_control_declared", "control_evidence", "lei_check", "gleif_checked_on",
                       "gleif_legal_name", "gleif_country", "gleif_registration_status", "gleif_parent_check",
                       "gleif_parent_lei", "gleif_parent_name", "gleif_parent_country", "gleif_parent_path",
                       "gleif_parent_checked_on"),
    "main.services": ("service_id", "provider_id", "name", "model", "sovereignty_score", "seal", "seal_uncapped",
                      "ual", "status", "status_reason", "weights_version", "evaluated_on", "regions", "flag_count",
                      "disclosure_withdrawn", "open_source_status", "open_source_license", "open_source_repository",
                      "seal_own", "ual_own"),
    "main.objective_results": ("service_id", "objective", "objective_name", "score_pct", "seal", "seal_uncapped",
                               "weight"),
    "main.criterion_results": ("service_id", "criterion_id", "objective", "title", "rung", "rung_label", "points",
                               "max_points", "seal", "evidence_url", "evidence_note"),
    "main.washing_flags": ("service_id", "flag", "objective", "cap", "reason"),
    "main.cada_gates": ("service_id", "level", "gate", "gate_order", "passed", "detail"),
    "main.certifications": ("provider_id", "certificate_id", "service_id", "scheme", "issuer", "valid_from",
                            "valid_until", "valid_on_as_of", "corroboration", "register_source_url"),
    "main.decisions": ("decision_id", "service_id", "action", "reason", "decided_by", "decided_at", "in_force"),
    "main.service_history": ("service_id", "valid_from", "valid_to", "seal", "ual", "sovereignty_score", "status"),
    "main.changes": ("service_id", "field", "change", "old_value", "new_value"),
    "main.rejections": ("file", "code", "path", "message", "run_id"),
    "main.service_dependencies": ("service_id", "dependency", "kind", "operator_name", "operator_country", "depth",
                                  "path", "dependency_seal_own", "dependency_ual_own", "cap_seal", "cap_ual",
                                  "is_capping"),
    "main.source_freshness": ("kind", "source", "file", "loaded_on", "age_days", "max_age_days", "freshness",
                              "stale_reason"),
}

FINAL_SUITE = Suite(
    layer="final",
    tables=FINAL_TABLES,
    columns=PUBLISHED_COLUMNS,
    frames=(
        PROVIDERS, SERVICES, OBJECTIVE_RESULTS, CRITERION_RESULTS, WASHING_FLAGS, CADA_GATES, CERTIFICATIONS,
        DECISIONS, REJECTIONS, SERVICE_HISTORY, CHANGES, REVIEW_ITEMS, REFERENCE_SOURCES, SERVICE_DEPENDENCIES,
        SERVICE_COUNTS, ORPHANS, SEAL_RECOMPUTED, FLAG_COUNTS, DEPENDENCY_CAPS_APPLIED, OBJECTIVE_RECOMPUTED,
        SCORE_RECOMPUTED, CAPS_APPLIED, UAL_VS_GATES, OPEN_SOURCE_DECLARED, OPEN_PERIODS,
    ),
)

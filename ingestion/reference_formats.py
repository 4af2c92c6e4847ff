"""The reference file formats of spec/references.md as data: columns, R003 value checks and R004 keys.

Every check is a SQL predicate over the staging table of one file (columns named as in the raw table),
TRUE when the value breaks the rule; ingestion/references.py runs them all in one set-based scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.iso3166 import ALPHA2
from ingestion.rulebook import HTTPS_URL, MAX_ID, MAX_NAME, OTHER_SCHEME, SCHEMES

LEVEL1, LEVEL2, REGISTER = "gleif_level1", "gleif_level2", "scheme_register"
#: ISO 3166-1 alpha-2 plus `XK` (Kosovo), the user-assigned code GLEIF uses in its golden copy.
REFERENCE_COUNTRIES = ALPHA2 | {"XK"}
ENTITY_STATUSES = ("ACTIVE", "INACTIVE")
LEI_REGISTRATION_STATUSES = (
    "PENDING_VALIDATION", "ISSUED", "DUPLICATE", "LAPSED", "MERGED", "RETIRED", "ANNULLED", "CANCELLED",
    "TRANSFERRED", "PENDING_TRANSFER", "PENDING_ARCHIVAL",
)
#: The relationship types the registry reads (§6); the fund types GLEIF also publishes are valid but not kept.
KEPT_RELATIONSHIP_TYPES = ("IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY", "IS_INTERNATIONAL_BRANCH_OF")
RELATIONSHIP_TYPES = KEPT_RELATIONSHIP_TYPES + ("IS_FUND-MANAGED_BY", "IS_SUBFUND_OF", "IS_FEEDER_TO")
RELATIONSHIP_STATUSES = ("ACTIVE", "INACTIVE")
RR_REGISTRATION_STATUSES = (
    "PENDING_VALIDATION", "PUBLISHED", "DUPLICATE", "LAPSED", "RETIRED", "ANNULLED", "TRANSFERRED",
    "PENDING_TRANSFER", "PENDING_ARCHIVAL",
)
#: A relationship record is in force when ACTIVE and registered as one of these (a lapsed record is stale, not false).
IN_FORCE_REGISTRATIONS = ("PUBLISHED", "LAPSED")
CERTIFICATE_STATUSES = ("granted", "in_progress", "suspended", "withdrawn")


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values) -> str:
    return "(" + ", ".join(_lit(v) for v in sorted(values)) + ")"


def _blank(col: str) -> str:
    return f"({col} IS NULL OR trim({col}) = '')"


def lei_codes(col: str) -> tuple[tuple[str, str], ...]:
    """The 20 character codes of `col` as helper columns `_<col>_1`..`_<col>_20` (0 past the end)."""
    return tuple((f"_{col}_{i}", f"ord(substr({col}, {i}, 1))") for i in range(1, 21))


def lei_remainder_sql(col: str) -> str:
    """SQL over the helper columns of `lei_codes(col)`: the ISO 7064 MOD 97-10 remainder of `col`, folded
    character by character (a digit shifts it by 10, a letter, worth 10..35, by 100)."""
    rem = "0"
    for i in range(1, 21):
        c = f"_{col}_{i}"
        rem = f"(({rem}) * (10 + 90 * ({c} > 57)::INTEGER) + {c} - 48 - 7 * ({c} > 57)::INTEGER) % 97"
    return rem


def lei_ok_sql(col: str) -> str:
    """SQL: `col` is an LEI (ISO 17442: 18 alphanumerics, check digits 02-98) whose remainder is 1, as
    ingestion/lei.py checks it; false for NULL."""
    return (f"coalesce(regexp_full_match({col}, '[A-Z0-9]{{18}}(0[2-9]|[1-8][0-9]|9[0-8])') "
            f"AND {lei_remainder_sql(col)} = 1, false)")


def _date_bad(col: str) -> str:
    return f"(NOT regexp_full_match({col}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') OR try_cast({col} AS DATE) IS NULL)"


@dataclass(frozen=True)
class Check:
    """R003: `bad` (SQL over the staging table and the `helpers` columns) is TRUE when the value of
    `column` breaks the rule."""

    column: str
    bad: str
    rule: str  # what the value must be, for the message
    helpers: tuple[tuple[str, str], ...] = ()  # (name, SQL) computed once per row before the checks


@dataclass(frozen=True)
class Key:
    """R004: rows agreeing on `columns` (among rows where `where` holds) must be unique."""

    columns: tuple[str, ...]
    what: str  # the key in words, for the message
    where: str = "true"


@dataclass(frozen=True)
class Format:
    """One source kind: its file columns (GLEIF's or the register's names) mapped to raw columns."""

    kind: str
    table: str
    columns: tuple[tuple[str, str], ...]  # (header in the file, raw column)
    marker: str  # a header holding this column (and no other kind's marker) is of this kind
    checks: tuple[Check, ...]
    keys: tuple[Key, ...]
    keep: str = "true"  # rows kept in the raw table after validation

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for h, _ in self.columns)

    def header_of(self, column: str) -> str:
        return next(h for h, c in self.columns if c == column)


LEI_RULE = "an LEI: 20 characters with valid ISO 17442 check digits"


def _lei_check(col: str, optional: bool = False) -> Check:
    if optional:
        return Check(col, f"({col} IS NOT NULL AND NOT {lei_ok_sql(col)})", "empty or " + LEI_RULE, lei_codes(col))
    return Check(col, f"NOT {lei_ok_sql(col)}", LEI_RULE, lei_codes(col))


def _enum(col: str, values) -> Check:
    return Check(col, f"({col} IS NULL OR {col} NOT IN {_in(values)})", "one of " + ", ".join(values))


LEVEL1_FORMAT = Format(
    kind=LEVEL1,
    table="ref_lei_records",
    columns=(("LEI", "lei"), ("Entity.LegalName", "legal_name"),
             ("Entity.LegalAddress.Country", "legal_address_country"), ("Entity.EntityStatus", "entity_status"),
             ("Registration.RegistrationStatus", "registration_status")),
    marker="Entity.LegalName",
    checks=(
        _lei_check("lei"),
        Check("legal_name", _blank("legal_name"), "a non-empty name"),
        Check("legal_address_country",
              f"(legal_address_country IS NULL OR legal_address_country NOT IN {_in(REFERENCE_COUNTRIES)})",
              "an ISO 3166-1 alpha-2 country code"),
        _enum("entity_status", ENTITY_STATUSES),
        _enum("registration_status", LEI_REGISTRATION_STATUSES),
    ),
    keys=(Key(("lei",), "LEI"),),
)

_IN_FORCE = (f"relationship_status = 'ACTIVE' AND registration_status IN {_in(IN_FORCE_REGISTRATIONS)} "
             f"AND relationship_type IN {_in(KEPT_RELATIONSHIP_TYPES)}")
LEVEL2_FORMAT = Format(
    kind=LEVEL2,
    table="ref_relationships",
    columns=(("Relationship.StartNode.NodeID", "start_lei"), ("Relationship.EndNode.NodeID", "end_lei"),
             ("Relationship.RelationshipType", "relationship_type"),
             ("Relationship.RelationshipStatus", "relationship_status"),
             ("Registration.RegistrationStatus", "registration_status")),
    marker="Relationship.StartNode.NodeID",
    checks=(
        _lei_check("start_lei"),
        _lei_check("end_lei"),
        _enum("relationship_type", RELATIONSHIP_TYPES),
        _enum("relationship_status", RELATIONSHIP_STATUSES),
        _enum("registration_status", RR_REGISTRATION_STATUSES),
    ),
    keys=(
        Key(("start_lei", "end_lei", "relationship_type"), "start node, end node and relationship type"),
        Key(("start_lei", "relationship_type"), "in-force record of this type for the start node", _IN_FORCE),
    ),
    keep=f"relationship_type IN {_in(KEPT_RELATIONSHIP_TYPES)}",
)

_SCHEME_BAD = (f"(scheme IS NULL OR (scheme NOT IN {_in(SCHEMES)} "
               f"AND NOT regexp_full_match(scheme, {_lit(OTHER_SCHEME.pattern)})))")
REGISTER_FORMAT = Format(
    kind=REGISTER,
    table="ref_certificates",
    columns=(("scheme", "scheme"), ("certificate_id", "certificate_id"), ("holder_lei", "holder_lei"),
             ("holder_name", "holder_name"), ("status", "status"), ("valid_from", "valid_from"),
             ("valid_until", "valid_until"), ("source_url", "source_url")),
    marker="certificate_id",
    checks=(
        Check("scheme", _SCHEME_BAD, "a scheme of disclosure-v1 (" + ", ".join(sorted(SCHEMES)) + " or other:<name>)"),
        Check("certificate_id", f"({_blank('certificate_id')} OR length(certificate_id) > {MAX_ID})",
              f"a non-empty id of at most {MAX_ID} characters"),
        _lei_check("holder_lei", optional=True),
        Check("holder_name", f"({_blank('holder_name')} OR length(holder_name) > {MAX_NAME})",
              f"a non-empty name of at most {MAX_NAME} characters"),
        _enum("status", CERTIFICATE_STATUSES),
        Check("valid_from", f"(valid_from IS NULL OR {_date_bad('valid_from')})", "an ISO date (YYYY-MM-DD)"),
        Check("valid_until",
              f"(CASE WHEN valid_until IS NULL THEN status IS DISTINCT FROM 'in_progress' "
              f"ELSE {_date_bad('valid_until')} OR try_cast(valid_until AS DATE) < try_cast(valid_from AS DATE) END)",
              "an ISO date not before valid_from (empty only for in_progress)"),
        Check("source_url", f"(source_url IS NULL OR NOT regexp_full_match(source_url, {_lit(HTTPS_URL.pattern)}))",
              "an https:// link to the authority's entry"),
    ),
    keys=(Key(("scheme", "certificate_id"), "scheme and certificate_id"),),
)

FORMATS: tuple[Format, ...] = (LEVEL1_FORMAT, LEVEL2_FORMAT, REGISTER_FORMAT)
SOURCE_OF_KIND = {LEVEL1: "gleif-level1", LEVEL2: "gleif-level2"}


def source_name(kind: str, file_name: str) -> str:
    """`gleif-level1`, `gleif-level2`, or `register:<file name>` (each register file is a source)."""
    return SOURCE_OF_KIND.get(kind) or f"register:{file_name}"


def detect(header: list[str]) -> tuple[Format | None, list[str]]:
    """The format whose marker column the header holds (None if no marker or several), and the required
    columns the header lacks."""
    names = set(header)
    found = [f for f in FORMATS if f.marker in names]
    if len(found) != 1:
        return None, []
    fmt = found[0]
    return fmt, [h for h in fmt.headers if h not in names]

"""Synthetic reference files in GLEIF's golden-copy CSV layout (Level 1 "LEI2", Level 2 "RR") and scheme
registers, at GLEIF's size, reproducible from a seed.

The GLEIF files are written by DuckDB (`COPY (SELECT ...) TO`), so the 3-million-row Level 1 file takes
seconds; they carry GLEIF's own column names, most of them empty as in the real file, and fictional
LEIs (prefix `ZZ`) with valid ISO 17442 check digits. `synthetic_lei(i, seed)` gives row i's LEI in Python.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from ingestion.lei import with_check_digits
from ingestion.reference_formats import lei_codes, lei_remainder_sql

#: Level 1 columns (GLEIF LEI-CDF golden copy names) and the SQL that fills them (None: left empty).
LEVEL1_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("LEI", "lei"),
    ("Entity.LegalName", "'Synthetic ' || ['Nordvel', 'Aurum', 'Kastor', 'Lumen', 'Solcor'][i % 5 + 1] || ' ' || i "
                         "|| ' ' || form"),
    ("Entity.LegalName.xmllang", None),
    ("Entity.OtherEntityNames.OtherEntityName.1", None),
    ("Entity.OtherEntityNames.OtherEntityName.1.type", None),
    ("Entity.LegalAddress.xmllang", None),
    ("Entity.LegalAddress.FirstAddressLine", "'Street ' || (i % 97 + 1)"),
    ("Entity.LegalAddress.AdditionalAddressLine.1", None),
    ("Entity.LegalAddress.City", "city"),
    ("Entity.LegalAddress.Region", None),
    ("Entity.LegalAddress.Country", "country"),
    ("Entity.LegalAddress.PostalCode", "lpad(CAST(i % 99991 AS VARCHAR), 5, '0')"),
    ("Entity.HeadquartersAddress.FirstAddressLine", None),
    ("Entity.HeadquartersAddress.City", None),
    ("Entity.HeadquartersAddress.Region", None),
    ("Entity.HeadquartersAddress.Country", None),
    ("Entity.HeadquartersAddress.PostalCode", None),
    ("Entity.RegistrationAuthority.RegistrationAuthorityID", None),
    ("Entity.RegistrationAuthority.RegistrationAuthorityEntityID", None),
    ("Entity.LegalJurisdiction", "country"),
    ("Entity.EntityCategory", "[NULL, NULL, 'GENERAL', 'FUND', 'BRANCH'][i % 5 + 1]"),
    ("Entity.EntitySubCategory", None),
    ("Entity.LegalForm.EntityLegalFormCode", "['8888', '2HBR', 'XTIQ', '6QQB'][i % 4 + 1]"),
    ("Entity.LegalForm.OtherLegalForm", None),
    ("Entity.AssociatedEntity.AssociatedLEI", None),
    ("Entity.EntityStatus", "CASE WHEN i % 23 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END"),
    ("Entity.EntityCreationDate", None),
    ("Entity.EntityExpirationDate", None),
    ("Entity.SuccessorEntity.SuccessorLEI", None),
    ("Entity.LegalEntityEvents.LegalEntityEvent.1.LegalEntityEventType", None),
    ("Registration.InitialRegistrationDate", "'2014-0' || (i % 9 + 1) || '-12T09:31:00Z'"),
    ("Registration.LastUpdateDate", None),
    ("Registration.RegistrationStatus", "['ISSUED', 'ISSUED', 'ISSUED', 'ISSUED', 'LAPSED', 'ISSUED', 'RETIRED', "
                                        "'ISSUED'][i % 8 + 1]"),
    ("Registration.NextRenewalDate", None),
    ("Registration.ManagingLOU", "'ZZ0000000000000LOU' || lpad(CAST(i % 9 AS VARCHAR), 2, '0')"),
    ("Registration.ValidationSources", None),
    ("Registration.ValidationAuthority.ValidationAuthorityID", None),
    ("Registration.ValidationAuthority.ValidationAuthorityEntityID", None),
    ("ConformityFlag", None),
)

#: Level 2 columns (GLEIF RR-CDF golden copy names) and the SQL that fills them.
LEVEL2_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Relationship.StartNode.NodeID", "start_lei"),
    ("Relationship.StartNode.NodeIDType", "'LEI'"),
    ("Relationship.EndNode.NodeID", "end_lei"),
    ("Relationship.EndNode.NodeIDType", "'LEI'"),
    ("Relationship.RelationshipType", "CASE WHEN k % 2 = 0 THEN 'IS_DIRECTLY_CONSOLIDATED_BY' "
                                      "ELSE 'IS_ULTIMATELY_CONSOLIDATED_BY' END"),
    ("Relationship.RelationshipStatus", "CASE WHEN k % 31 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END"),
    ("Relationship.Period.1.startDate", "'2019-01-01T00:00:00Z'"),
    ("Relationship.Period.1.endDate", None),
    ("Relationship.Period.1.periodType", "'RELATIONSHIP_PERIOD'"),
    ("Relationship.Qualifiers.1.QualifierDimension", None),
    ("Relationship.Qualifiers.1.QualifierCategory", None),
    ("Relationship.Quantifiers.1.MeasurementMethod", None),
    ("Relationship.Quantifiers.1.QuantifierAmount", None),
    ("Registration.InitialRegistrationDate", "'2018-06-01T00:00:00Z'"),
    ("Registration.LastUpdateDate", "'2026-06-01T00:00:00Z'"),
    ("Registration.RegistrationStatus", "CASE WHEN k % 17 = 0 THEN 'LAPSED' WHEN k % 29 = 0 THEN 'RETIRED' "
                                        "ELSE 'PUBLISHED' END"),
    ("Registration.NextRenewalDate", "'2027-06-01T00:00:00Z'"),
    ("Registration.ManagingLOU", "'ZZ0000000000000LOU01'"),
    ("Registration.ValidationSources", "'FULLY_CORROBORATED'"),
    ("Registration.ValidationDocuments", "'ACCOUNTS_FILING'"),
    ("Registration.ValidationReference", None),
)

REGISTER_COLUMNS = ("scheme", "certificate_id", "holder_lei", "holder_name", "status", "valid_from", "valid_until",
                    "source_url")
_COUNTRIES = ["DE", "FR", "US", "GB", "NL", "IT", "ES", "CN", "JP", "LU", "IE", "CH", "SE", "CA", "XK"]
_CITIES = ["Berlin", "Paris", "New York", "London", "Amsterdam", "Milano", "Madrid", "Shanghai", "Tokyo"]
_FORMS = ["GmbH", "SAS", "Inc.", "Ltd", "B.V.", "S.p.A.", "S.L.", "Co., Ltd.", "K.K."]


def synthetic_lei(i: int, seed: int = 0) -> str:
    """Row i's LEI in the generated Level 1 file (ISO 17442 check digits)."""
    return with_check_digits(f"ZZ{seed % 100:02d}00{i:012X}")


def _lei_parts(index_sql: str, out: str, seed: int) -> tuple[str, str]:
    """(inner SELECT items, outer expression) computing `<out>`, the LEI of row `index_sql`, in SQL: the
    base's character codes as helper columns, then the check digits 98 - remainder(base || '00')."""
    base = f"'ZZ{seed % 100:02d}00' || printf('%012X', {index_sql})"
    helper = f"_{out}"
    items = [f"{base} AS {helper}_base"]
    items += [f"ord(substr({base} || '00', {i}, 1)) AS {name}" for i, (name, _) in enumerate(lei_codes(helper), 1)]
    outer = f"{helper}_base || lpad(CAST(98 - {lei_remainder_sql(helper)} AS VARCHAR), 2, '0') AS {out}"
    return ", ".join(items), outer


def _copy(query: str, columns, path: Path) -> None:
    """COPY the query's rows (in range() order: DuckDB preserves insertion order) to a CSV with GLEIF's names."""
    select = ", ".join(f"{sql or 'NULL::VARCHAR'} AS \"{name}\"" for name, sql in columns)
    target = str(path).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT {select} FROM ({query})) TO '{target}' (FORMAT csv, HEADER true)")
    finally:
        con.close()


def write_level1(path: Path, rows: int, seed: int = 0) -> Path:
    """A Level 1 golden-copy file of `rows` LEI records (row i has `synthetic_lei(i, seed)`)."""
    items, lei = _lei_parts("i", "lei", seed)
    inner = (f"SELECT i, {items}, {_pick(_COUNTRIES, 'i * 7')} AS country, {_pick(_CITIES, 'i')} AS city, "
             f"{_pick(_FORMS, 'i')} AS form FROM range({rows}) r(i)")
    _copy(f"SELECT i, {lei}, country, city, form FROM ({inner})", LEVEL1_COLUMNS, path)
    return path


def write_level2(path: Path, rows: int, level1_rows: int, seed: int = 0) -> Path:
    """A Level 2 golden-copy file of `rows` relationship records between the LEIs of a `level1_rows` file:
    record k links child k // 2 (a direct parent for even k, an ultimate one for odd k) to another entity."""
    start_items, start = _lei_parts("k // 2", "start_lei", seed)
    end_items, end = _lei_parts(f"(k // 2 + 1 + (k * 7919) % ({level1_rows} - 1)) % {level1_rows}", "end_lei", seed)
    inner = f"SELECT k, {start_items}, {end_items} FROM range({rows}) r(k)"
    _copy(f"SELECT k, {start}, {end} FROM ({inner})", LEVEL2_COLUMNS, path)
    return path


def _pick(values: list[str], index_sql: str) -> str:
    items = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"[{items}][({index_sql}) % {len(values)} + 1]"


def write_register(path: Path, scheme: str, rows: int, seed: int = 0,
                   authority: str = "https://register.example") -> Path:
    """A scheme register CSV of `rows` granted certificates held by the first Level 1 entities."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(REGISTER_COLUMNS)
        for i in range(rows):
            out.writerow([scheme, f"{scheme}-{seed}-{i:05d}", synthetic_lei(i, seed), f"Synthetic holder {i}",
                          "granted", "2025-01-01", "2027-12-31", f"{authority}/{scheme}/{i}"])
    return path

"""spec/registry-contract.md is executable: every published table is a dbt mart with an enforced contract.

The spec names tables, keys, columns and some types; the dbt YAML must declare each of them (contract
data types, key constraints, descriptions), so that a drift fails `dbt build` itself, before any
Great Expectations gate runs. The release's registry.duckdb must then carry the contract's columns,
types and descriptions.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from sealreg.publish.contract import dbt_models
from sealreg.publish.release import PUBLISHED_TABLES, TABLE_KEYS
from tests.helpers import REPO

#: Type words of the spec's "(bool)", "(double, 0–100)", "(int 0–4)", "(date)" and the contract type they mean.
SPEC_TYPES = {"bool": "boolean", "double": "double", "int": "integer", "date": "date"}


def _spec_rows(section: str) -> list[list[str]]:
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            rows.append(cells)
    return rows


def _columns_with_types(text: str) -> dict[str, str | None]:
    """`name` (type ...) pairs of a spec cell; the type is None where the note is not a type."""
    out: dict[str, str | None] = {}
    for name, note in re.findall(r"`([a-z0-9_]+)`(?:\s*\(([^)]*)\))?", text):
        word = re.match(r"[a-z]+", note or "")
        out[name] = SPEC_TYPES.get(word.group(0)) if word else None
    return out


def _spec() -> dict[str, dict]:
    """{table: {"key": [...], "columns": {column: spec type or None}}} of the contract, versions 1 and 2."""
    text = (REPO / "spec" / "registry-contract.md").read_text()
    v1, v2 = text.split("## Published tables", 1)[1].split("## Version 2 additions", 1)
    tables: dict[str, dict] = {}
    for cells in _spec_rows(v1):
        if len(cells) != 3:
            continue
        table = re.findall(r"`([a-z0-9_]+)`", cells[0])[0]
        tables[table] = {"key": re.findall(r"`([a-z0-9_]+)`", cells[1]), "columns": _columns_with_types(cells[2])}
    for cells in _spec_rows(v2):
        if len(cells) != 2:
            continue
        table = re.findall(r"`([a-z0-9_]+)`", cells[0])[0]
        entry = tables.setdefault(table, {"key": [], "columns": {}})
        cell = cells[1]
        key = re.match(r"key ((?:`[a-z0-9_]+`,?\s*)+)", cell)
        if key:
            entry["key"] = re.findall(r"`([a-z0-9_]+)`", key.group(1))
            cell = cell[key.end():]
        entry["columns"].update(_columns_with_types(cell))
    for entry in tables.values():
        for k in entry["key"]:
            entry["columns"].setdefault(k, None)
    return tables


SPEC = _spec()
MODELS = dbt_models()


def _key_constraint(model: dict) -> dict:
    """The model's key as dbt checks it: a primary_key or unique constraint or, on a large table whose index
    would cost more than writing it (docs/performance.md), a unique_combination_of_columns test on key
    columns that are all not null (then it stands for a primary key)."""
    keys = [c for c in model.get("constraints") or [] if c["type"] in ("primary_key", "unique")]
    if not keys:
        columns = {c["name"]: c for c in model["columns"]}
        tested = [t["unique_combination_of_columns"]["arguments"]["combination_of_columns"]
                  for t in model.get("data_tests") or [] if "unique_combination_of_columns" in t]
        keys = [{"type": "primary_key", "columns": key} for key in tested if key == list(TABLE_KEYS[model["name"]])
                and all("not_null" in _column_constraints(columns[k]) for k in key)]
    assert len(keys) == 1, f"{model['name']}: one primary_key or unique constraint on the key, found {keys}"
    return keys[0]


def _column_constraints(column: dict) -> set[str]:
    return {c["type"] for c in column.get("constraints") or []}


def test_the_contract_names_every_published_table():
    assert set(SPEC) == set(PUBLISHED_TABLES)
    assert len(SPEC) == 15


@pytest.mark.parametrize("table", sorted(SPEC))
def test_published_mart_has_an_enforced_contract_with_the_spec_key(table):
    model = MODELS[table]
    config = model.get("config") or {}
    assert config.get("contract") == {"enforced": True}, f"{table}: contract not enforced"
    assert config.get("persist_docs") == {"relation": True, "columns": True}, f"{table}: descriptions not persisted"
    key = _key_constraint(model)
    assert key["columns"] == list(TABLE_KEYS[table]), f"{table}: key constraint differs from the release's key"
    assert set(SPEC[table]["key"]) <= set(key["columns"]), f"{table}: key lacks the spec's {SPEC[table]['key']}"
    columns = {c["name"]: c for c in model["columns"]}
    if key["type"] == "unique":  # a nullable key part: the other parts are still never null
        nullable = [k for k in key["columns"] if "not_null" not in _column_constraints(columns[k])]
        assert len(nullable) <= 1, f"{table}: key columns {nullable} may be null"


@pytest.mark.parametrize("table", sorted(SPEC))
def test_every_spec_column_is_in_the_contract_with_the_spec_type(table):
    columns = {c["name"]: c for c in MODELS[table]["columns"]}
    for name, spec_type in SPEC[table]["columns"].items():
        assert name in columns, f"{table}.{name} is in the spec but not in the dbt contract"
        if spec_type:
            assert columns[name]["data_type"] == spec_type, f"{table}.{name}: spec says {spec_type}"


@pytest.mark.parametrize("table", sorted(SPEC))
def test_every_contract_column_has_a_type_and_a_description(table):
    for column in MODELS[table]["columns"]:
        assert column.get("data_type"), f"{table}.{column['name']}: no data_type"
        assert not column["data_type"].startswith(("decimal", "numeric")), \
            f"{table}.{column['name']}: pandas reads DECIMAL as Decimal objects: publish double (docs/interface.md)"
        assert (column.get("description") or "").strip(), f"{table}.{column['name']}: no description"
    assert (MODELS[table].get("description") or "").strip(), f"{table}: no description"


@pytest.mark.parametrize("table", sorted(PUBLISHED_TABLES))
def test_release_table_has_the_contract_columns_types_and_descriptions(sample_home, table):
    con = duckdb.connect(str(sample_home / "current" / "registry.duckdb"), read_only=True)
    try:
        published = con.execute(
            "select column_name, lower(data_type), comment from duckdb_columns() where schema_name = 'main' "
            "and table_name = ? order by column_index", [table]).fetchall()
        table_comment = con.execute("select comment from duckdb_tables() where schema_name = 'main' "
                                    "and table_name = ?", [table]).fetchone()[0]
    finally:
        con.close()
    model = MODELS[table]
    assert [(n, t) for n, t, _ in published] == [(c["name"], c["data_type"]) for c in model["columns"]]
    assert [d for _, _, d in published] == [c["description"].strip() for c in model["columns"]]
    assert table_comment == model["description"].strip()

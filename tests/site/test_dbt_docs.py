"""The dbt documentation in every release (docs/index.html): offline in a real Chromium, linked from the
methodology page, and the same catalog that `dbt docs generate` builds."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import sync_playwright

from sealreg.config import DBT_PROJECT_DIR
from sealreg.dbt_runner import dbt_executable
from sealreg.publish.chromium import CHROMIUM, CHROMIUM_ARGS
from sealreg.publish.dbt_docs import TRACKING, catalog


@pytest.fixture(scope="module")
def release(sample_home) -> Path:
    return (sample_home / "current").resolve()


def test_the_dbt_docs_open_from_file_with_no_request_leaving_the_machine(release):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/install-chromium.sh)", pytrace=False)
    page_file = release / "docs" / "index.html"
    html = page_file.read_text("utf-8")
    assert not any(address in html for address in TRACKING)
    assert 'http-equiv="Content-Security-Policy"' in html and "connect-src 'none'" in html
    remote: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: None if r.url.startswith(("file://", "data:")) else remote.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri() + "#!/model/model.sealreg.services", wait_until="load")
            page.get_by_text("Overall SEAL 0–4 after washing caps", exact=False).first.wait_for(timeout=30_000)
            body = page.inner_text("body")
            page.goto(page_file.as_uri() + "#!/seed/seed.sealreg.csf_criteria")
            page.get_by_text("The CSF rulebook", exact=False).first.wait_for(timeout=30_000)
        finally:
            browser.close()
    assert remote == [] and errors == []
    # the column types come from the catalog, the descriptions from the dbt YAML
    assert "sovereignty_score" in body and "DOUBLE" in body


def test_the_methodology_page_links_the_docs_of_its_release(release):
    html = (release / "site" / "methodology.html").read_text("utf-8")
    assert 'href="../docs/index.html"' in html
    assert (release / "site" / "../docs/index.html").resolve().is_file()
    downloads = (release / "site" / "downloads.html").read_text("utf-8")
    for path in ("docs/index.html", "datapackage.json", "dcat.jsonld", "rulebook/csf_criteria.csv", "README.md"):
        assert f'href="../{path}"' in downloads, path


def _inlined(html: str, name: str) -> dict:
    """One of the two JSON documents dbt's page carries inline."""
    start = html.index(f"{name}:", html.index('factory("project"')) + len(name) + 1
    return json.JSONDecoder().raw_decode(html, start)[0]


def test_the_catalog_is_the_one_dbt_docs_generate_builds(release, sample_home, tmp_path):
    """`dbt docs generate --no-compile` against a copy of the warehouse the release came from: the page's
    catalog has the same relations, columns, types and order as dbt-duckdb's."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_home / "warehouse" / "registry.duckdb", warehouse)
    target = tmp_path / "target"
    env = {**os.environ, "SEALREG_WAREHOUSE": str(warehouse), "SEALREG_AS_OF": "2026-11-28",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run([dbt_executable(), "docs", "generate", "--no-compile", "--project-dir", str(DBT_PROJECT_DIR),
                           "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
                           "--log-path", str(tmp_path / "logs")], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    theirs = json.loads((target / "catalog.json").read_text())
    html = (release / "docs" / "index.html").read_text("utf-8")
    manifest = _inlined(html, "manifest")  # the run's build manifest (--no-compile writes none)
    assert "model.sealreg.services" in manifest["nodes"] and "seed.sealreg.csf_criteria" in manifest["nodes"]
    assert not re.search(r'"compiled_path":\s*"/', json.dumps(manifest))  # no operator paths
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS warehouse (READ_ONLY)")
    ours = catalog(con, "warehouse", manifest, "now")
    assert len(theirs["nodes"]) > 50 and len(theirs["sources"]) > 10
    assert ours["nodes"] == theirs["nodes"] and ours["sources"] == theirs["sources"]
    shipped = _inlined(html, "catalog")
    assert shipped["nodes"] == theirs["nodes"] and shipped["sources"] == theirs["sources"]

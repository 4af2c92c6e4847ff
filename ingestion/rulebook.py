"""Reference data and limits of disclosure format 1 and 1.1: criteria rungs (from the dbt seed), enums, patterns."""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from ingestion.text import HIDDEN_CLASS
from sealreg.config import DBT_PROJECT_DIR, whole_number_from_env

CRITERIA_CSV = DBT_PROJECT_DIR / "seeds" / "csf_criteria.csv"

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32  # containers; the top-level object is depth 1, the format itself needs 5
MAX_NAME = 300  # legal_name (spec) and every other name / issuer / auditor
MAX_TEXT = 5000  # free text: evidence notes
MAX_URL = 2048
MAX_ID = 100
MAX_SERVICES_PER_FILE = 500  # E015: one provider's disclosure; each service costs ~50 KB of release
MAX_SERVICES_PER_RUN = 100_000  # E015: the run's default budget over every accepted file (see max_services_per_run)
MAX_LICENSE = 200  # open_source.license, an SPDX expression (disclosure 1.1)
MAX_REPOSITORY_URL = 500  # open_source.repository



def max_services_per_run() -> int:
    """The run's budget of services over every accepted file (E015): $SEALREG_MAX_SERVICES_PER_RUN, a whole
    number >= 1, else MAX_SERVICES_PER_RUN. A registry larger than the default raises it in its environment."""
    return whole_number_from_env("SEALREG_MAX_SERVICES_PER_RUN", MAX_SERVICES_PER_RUN, 1, "services")


SCHEMA_VERSIONS = ("1", "1.1")  # "1.1" = "1" plus the optional service fields of ingestion/format_1_1.py
MAX_RUNS_ON = 50  # items of services[].runs_on
EARLIEST_SUBMISSION = dt.datetime(2020, 1, 1)  # submitted_at before this (UTC) is E010: no disclosure is older
MODELS = frozenset({"IaaS", "PaaS", "SaaS"})
OPINIONS = frozenset({"positive", "negative"})
CYBER_CERTIFICATES = frozenset({"none", "basic", "substantial", "high"})
PERSONNEL = frozenset({"any", "eu_located", "eu_citizens", "eu_citizens_cleared"})
SCHEMES = frozenset(
    {
        "ISO27001", "SecNumCloud", "C5-Type1", "C5-Type2", "CSA-STAR-1", "CSA-STAR-2",
        "EUCS-basic", "EUCS-substantial", "EUCS-high", "Gaia-X-L1", "Gaia-X-L2", "Gaia-X-L3",
    }
)
CLAIMED_LEVELS = (2, 4)

DISCLOSURE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # starts with a letter or digit (never a formula)
PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")  # also service_id
ENTITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # holder_id, entity_id, controlled_by
OTHER_SCHEME = re.compile(f"other:[^\t\n\r{HIDDEN_CLASS}]{{1,100}}")
LEI = re.compile(r"[A-Z0-9]{18}[0-9]{2}")
_URL_TAIL = f"([/?#][^\\s{HIDDEN_CLASS}]*)?"  # no space, control, zero-width or bidirectional character
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]{1,5})?" + _URL_TAIL)
WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?" + _URL_TAIL)


@lru_cache(maxsize=1)
def criteria_rungs(path: Path = CRITERIA_CSV) -> dict[str, int]:
    """criterion_id -> highest rung, in rulebook order (48 criteria)."""
    rungs: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cid, rung = row["criterion_id"], int(row["rung"])
            rungs[cid] = max(rung, rungs.get(cid, 0))
    return rungs



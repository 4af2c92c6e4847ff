"""Run configuration: every path and setting of a refresh, resolved once into a RunContext."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("SEALREG_PROJECT_ROOT") or Path(__file__).resolve().parent.parent)
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLES_INBOX = PROJECT_ROOT / "samples" / "disclosures"
SAMPLES_REFERENCES = PROJECT_ROOT / "samples" / "references"
DEFAULT_WEIGHTS = "calculator-2026"
RULEBOOK_VERSION = "assurance-rules-v1"


WEIGHTS_CSV = DBT_PROJECT_DIR / "seeds" / "csf_weights.csv"


class UnknownWeights(ValueError):
    """A weights version the rulebook does not hold."""


def weights_versions() -> tuple[str, ...]:
    """The weights versions of the rulebook seed `csf_weights.csv`, sorted."""
    with open(WEIGHTS_CSV, newline="", encoding="utf-8") as fh:
        return tuple(sorted({row["weights_version"] for row in csv.DictReader(fh)}))


def check_weights_version(version: str) -> str:
    """`version` when the rulebook holds it; else UnknownWeights naming the versions it holds."""
    known = weights_versions()
    if version not in known:
        raise UnknownWeights(f"unknown weights version {version!r}: the rulebook holds {', '.join(known)}")
    return version


def default_home() -> Path:
    """Registry home: $SEALREG_HOME, else ./registry_home."""
    return Path(os.environ.get("SEALREG_HOME") or "registry_home").resolve()


def default_inbox() -> Path:
    """Inbox: $SEALREG_INBOX, else the bundled sample disclosures."""
    return Path(os.environ.get("SEALREG_INBOX") or SAMPLES_INBOX).resolve()


def default_references(inbox: Path) -> Path:
    """Reference folder: $SEALREG_REFERENCES, else `<inbox>/references` (for the bundled sample inbox: the
    bundled sample references)."""
    if os.environ.get("SEALREG_REFERENCES"):
        return Path(os.environ["SEALREG_REFERENCES"]).resolve()
    inbox = Path(inbox).resolve()
    return SAMPLES_REFERENCES if inbox == SAMPLES_INBOX.resolve() else inbox / "references"


#: Retention of `sealreg prune` when neither --keep-days nor $SEALREG_KEEP_DAYS says otherwise.
DEFAULT_KEEP_DAYS = 90


def default_keep_days() -> int:
    """Days of releases and quarantine folders `sealreg prune` keeps: $SEALREG_KEEP_DAYS, else DEFAULT_KEEP_DAYS."""
    raw = os.environ.get("SEALREG_KEEP_DAYS", "")
    if not raw:
        return DEFAULT_KEEP_DAYS
    if not raw.isdigit():
        raise ValueError(f"SEALREG_KEEP_DAYS must be a whole number of days, got {raw!r}")
    return int(raw)


def default_weights() -> str:
    """Weights version: $SEALREG_WEIGHTS, else DEFAULT_WEIGHTS."""
    return os.environ.get("SEALREG_WEIGHTS") or DEFAULT_WEIGHTS


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def associated_countries_from_env() -> tuple[str, ...]:
    """CADA associated third countries (Art. 18): $SEALREG_ASSOCIATED_COUNTRIES, comma-separated, empty by default."""
    raw = os.environ.get("SEALREG_ASSOCIATED_COUNTRIES", "")
    return tuple(sorted({c.strip().upper() for c in raw.split(",") if c.strip()}))


def inputs_digest(inbox: Path, decisions_log: Path, weights_version: str, associated: tuple[str, ...],
                  references: Path | None = None) -> str:
    """sha256 over everything a run reads: inbox entries (name + content digest, read like the ingest reads
    them: never followed, never blocking), reference files (name + digest), decision log, settings."""
    from ingestion.inbox import read_inbox

    digest = hashlib.sha256(f"{weights_version}|{','.join(associated)}|".encode())
    for entry in read_inbox(inbox, limit=0) if inbox.is_dir() else []:
        digest.update(entry.raw_name + b"\0" + (entry.sha256 or f"refused {entry.refusal}").encode() + b"\0")
    if references is not None:
        from ingestion.reference_files import folder_digests

        for name, sha256 in folder_digests(references):
            digest.update(f"ref:{name}\0{sha256}\0".encode())
    if decisions_log.exists():
        digest.update(decisions_log.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class RunContext:
    """Everything one refresh needs to know; built once, passed to every step."""

    home: Path
    inbox: Path
    as_of: dt.date
    weights_version: str = DEFAULT_WEIGHTS
    run_id: str = ""
    associated_countries: tuple[str, ...] = field(default_factory=tuple)
    pid: int = 0
    references: Path | None = None  # reference folder (spec/references.md); create() resolves the default

    @classmethod
    def create(
        cls,
        home: Path | str | None = None,
        inbox: Path | str | None = None,
        as_of: dt.date | str | None = None,
        weights_version: str | None = None,
        run_id: str | None = None,
        associated_countries: tuple[str, ...] | None = None,
        pid: int | None = None,
        references: Path | str | None = None,
    ) -> "RunContext":
        """Resolve options and environment; `run_id` defaults to `<as_of>-<digest of the inputs>`,
        so a rerun on the same inputs carries the same id (and publishes byte-identical tables)."""
        as_of_date = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or today_utc())
        home_path = Path(home).resolve() if home else default_home()
        inbox_path = Path(inbox).resolve() if inbox else default_inbox()
        weights = check_weights_version(weights_version or default_weights())
        associated = associated_countries if associated_countries is not None else associated_countries_from_env()
        references_path = Path(references).resolve() if references else default_references(inbox_path)
        if not run_id:
            digest = inputs_digest(inbox_path, home_path / "decisions" / "log.jsonl", weights, associated,
                                   references_path)
            run_id = f"{as_of_date.isoformat()}-{digest[:12]}"
        return cls(home=home_path, inbox=inbox_path, as_of=as_of_date, weights_version=weights,
                   run_id=run_id, associated_countries=associated, pid=pid or os.getpid(),
                   references=references_path)

    def to_dict(self) -> dict:
        """Plain form for XCom and logs."""
        return {
            "home": str(self.home),
            "inbox": str(self.inbox),
            "as_of": self.as_of.isoformat(),
            "weights_version": self.weights_version,
            "run_id": self.run_id,
            "associated_countries": list(self.associated_countries),
            "pid": self.pid,
            "references": str(self.references) if self.references else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "RunContext":
        return cls.create(
            home=data["home"],
            inbox=data["inbox"],
            as_of=data["as_of"],
            weights_version=data["weights_version"],
            run_id=data["run_id"],
            associated_countries=tuple(data.get("associated_countries", ())),
            pid=data.get("pid"),
            references=data.get("references"),
        )

    # --- paths -------------------------------------------------------------------------------
    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def baseline_warehouse(self) -> Path:
        """The last good warehouse (raw tables, models and history of the last validated run)."""
        return self.warehouse_dir / "registry.duckdb"

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def run_dir(self) -> Path:
        """Scratch folder of this process's run: `runs/<run_id>-<pid>` (the pid tells a live run from a stale one)."""
        return self.runs_dir / f"{self.run_id}-{self.pid}"

    @property
    def run_warehouse(self) -> Path:
        """The only DuckDB file this run writes."""
        return self.run_dir / "warehouse.duckdb"

    @property
    def dbt_dir(self) -> Path:
        return self.run_dir / "dbt"

    @property
    def validation_dir(self) -> Path:
        return self.run_dir / "validation"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine" / self.run_id

    @property
    def decisions_dir(self) -> Path:
        return self.home / "decisions"

    @property
    def decisions_log(self) -> Path:
        return self.decisions_dir / "log.jsonl"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def current_link(self) -> Path:
        return self.home / "current"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def lock_file(self) -> Path:
        return self.home / "lock"

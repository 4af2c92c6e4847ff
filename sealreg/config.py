"""Run configuration: every path and setting of a refresh, resolved once into a RunContext."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sealreg.errors import SealregError, SettingsError

PROJECT_ROOT = Path(os.environ.get("SEALREG_PROJECT_ROOT") or Path(__file__).resolve().parent.parent).resolve()
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SAMPLES_INBOX = PROJECT_ROOT / "samples" / "disclosures"
SAMPLES_REFERENCES = PROJECT_ROOT / "samples" / "references"
DEFAULT_WEIGHTS = "calculator-2026"
RULEBOOK_VERSION = "assurance-rules-v1"


WEIGHTS_CSV = DBT_PROJECT_DIR / "seeds" / "csf_weights.csv"


class UnknownWeights(SealregError, ValueError):
    """A weights version the rulebook does not hold."""


class NotARunId(SealregError, ValueError):
    """A name that cannot be a run id (it would reach outside the home's quarantine)."""


def weights_versions() -> tuple[str, ...]:
    """The weights versions of the rulebook seed `csf_weights.csv`, sorted."""
    with open(WEIGHTS_CSV, newline="", encoding="utf-8") as fh:
        return tuple(sorted({row["weights_version"] for row in csv.DictReader(fh)}))


@functools.cache
def rule_thresholds() -> dict[str, Any]:
    """The rules' thresholds as the dbt project names them (the `vars` of dbt_project.yml): audit age,
    revocation visibility, holding limits, each washing flag's objective, cap and claim, and the level
    of an unassessed dependency. What the models compute with; the site's explanations read them here."""
    import yaml

    with open(DBT_PROJECT_DIR / "dbt_project.yml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["vars"]


def check_weights_version(version: str) -> str:
    """`version` when the rulebook holds it; else UnknownWeights naming the versions it holds."""
    known = weights_versions()
    if version not in known:
        raise UnknownWeights(f"unknown weights version {version!r}: the rulebook holds {', '.join(known)}")
    return version


def default_home() -> Path:
    """Registry home: $SEALREG_HOME, else ./registry_home."""
    return Path(os.environ.get("SEALREG_HOME") or "registry_home").resolve()


@dataclass(frozen=True)
class RegistryHome:
    """Every path of a registry home. A module that needs a path of the home asks this object; a new
    path is one more property here."""

    root: Path

    @classmethod
    def at(cls, path: Path | str | None = None) -> "RegistryHome":
        """The home at `path` (resolved), else the default home ($SEALREG_HOME or ./registry_home)."""
        return cls(Path(path).resolve() if path else default_home())

    @classmethod
    def of(cls, home: "RegistryHome | RunContext | Path | str") -> "RegistryHome":
        """The home of a run context, or the home at a path; a RegistryHome as it is."""
        if isinstance(home, RegistryHome):
            return home
        if isinstance(home, RunContext):
            return home.paths
        return cls(Path(home))

    @property
    def current(self) -> Path:
        """Symlink to the release readers see (`releases/<release_id>`)."""
        return self.root / "current"

    def current_release(self) -> Path | None:
        """The release `current` points to (resolved), or None if there is none (yet)."""
        if not self.current.is_symlink():
            return None
        target = self.current.resolve()
        return target if target.is_dir() else None

    @property
    def current_database(self) -> Path:
        return self.current / "registry.duckdb"

    @property
    def current_manifest(self) -> Path:
        return self.current / "manifest.json"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def runs(self) -> Path:
        """Scratch folders of runs, `runs/<run_id>-<pid>`."""
        return self.root / "runs"

    def run_dir(self, run_id: str, pid: int) -> Path:
        return self.runs / f"{run_id}-{pid}"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def baseline_warehouse(self) -> Path:
        """The last good warehouse (raw tables, models and history of the last validated run)."""
        return self.warehouse / "registry.duckdb"

    @property
    def quarantine(self) -> Path:
        """Rejected inputs, `quarantine/<UTC start>-<run_id>/` (see `quarantine_folder`)."""
        return self.root / "quarantine"

    def quarantine_folder(self, run_id: str) -> Path:
        """The folder the run `run_id` quarantined into (the newest if the run was repeated). The id is
        compared with each folder's parsed name, never used as a pattern or a path below the home."""
        if run_id in ("", ".", "..") or "/" in run_id or "\0" in run_id:
            raise NotARunId(f"not a run id: {run_id!r}")
        found = sorted(p for p in self.quarantine.iterdir()
                       if quarantine_run_id(p.name) == run_id) if self.quarantine.is_dir() else []
        return found[-1] if found else self.quarantine / run_id

    @property
    def decisions(self) -> Path:
        return self.root / "decisions"

    @property
    def decisions_log(self) -> Path:
        """The hash-chained log of regulator decisions."""
        return self.decisions / "log.jsonl"

    @property
    def provider_keys(self) -> Path:
        """The hash-chained register of enrolled providers' public keys."""
        return self.root / "providers" / "keys.jsonl"

    @property
    def keys(self) -> Path:
        """Signing key, its public key and rotation statements."""
        return self.root / "keys"

    @property
    def readme(self) -> Path:
        """The home's README.md: the signing key's fingerprint for verifiers."""
        return self.root / "README.md"

    @property
    def lock(self) -> Path:
        """The refresh lock: one writing run per home."""
        return self.root / "lock"


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


#: digits a whole-number setting may have (int() refuses strings of more than 4300 digits with another message)
MAX_SETTING_DIGITS = 18


def whole_number_from_env(name: str, default: int | None, minimum: int, unit: str) -> int | None:
    """$name as a whole number of `unit`, at least `minimum`; `default` when unset or blank. Anything else
    (a sign, a decimal point, non-ASCII digits, too many digits, a value below the minimum) is refused with
    one message naming the variable, what it counts and the value found."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return whole_number(raw, minimum, f"{name} must be a whole number of {unit}")


def whole_number(raw: str, minimum: int, what: str) -> int:
    """`raw` as a whole number of at least `minimum` (ASCII digits, at most MAX_SETTING_DIGITS), else
    SettingsError "<what> (<minimum> or more), got <raw>": the rule of every whole-number setting."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_SETTING_DIGITS) or int(raw) < minimum:
        shown = repr(raw) if len(raw) <= 40 else f"{raw[:40]!r} (and {len(raw) - 40} more characters)"
        raise SettingsError(f"{what} ({minimum} or more), got {shown}")
    return int(raw)


def default_keep_days() -> int:
    """Days of releases and quarantine folders `sealreg prune` keeps: $SEALREG_KEEP_DAYS, else DEFAULT_KEEP_DAYS."""
    return whole_number_from_env("SEALREG_KEEP_DAYS", DEFAULT_KEEP_DAYS, 0, "days")


def default_weights() -> str:
    """Weights version: $SEALREG_WEIGHTS, else DEFAULT_WEIGHTS."""
    return os.environ.get("SEALREG_WEIGHTS") or DEFAULT_WEIGHTS


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def utc_stamp() -> str:
    """Now in UTC as a sortable ISO 8601 basic timestamp, `YYYYMMDDTHHMMSSZ` (safe in a file name)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


#: A quarantine folder's name: `<UTC start stamp>-<run_id>` (or the bare run id of an older home).
QUARANTINE_FOLDER = re.compile(r"(?:(\d{8}T\d{6}Z)-)?(.+)")


def full_ingest_from_env() -> bool:
    """$SEALREG_FULL_INGEST set to 1/true/yes: the ingest ignores its cache."""
    return os.environ.get("SEALREG_FULL_INGEST", "").strip().lower() in ("1", "true", "yes")


def site_workers_from_env() -> int | None:
    """$SEALREG_SITE_WORKERS: processes rendering the site (None: decided by the site's size)."""
    return whole_number_from_env("SEALREG_SITE_WORKERS", None, 1, "processes")


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
    full_ingest: bool = False  # ignore the ingest cache and rebuild every raw row
    started: str = ""  # UTC start of the run, `YYYYMMDDTHHMMSSZ`: quarantine folders sort by it

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
        full_ingest: bool | None = None,
        started: str | None = None,
    ) -> "RunContext":
        """Resolve options and environment; `run_id` defaults to `<as_of>-<digest of the inputs>`,
        so a rerun on the same inputs carries the same id (and publishes byte-identical tables)."""
        as_of_date = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or today_utc())
        home_path = RegistryHome.at(home).root
        inbox_path = Path(inbox).resolve() if inbox else default_inbox()
        weights = check_weights_version(weights_version or default_weights())
        associated = associated_countries if associated_countries is not None else associated_countries_from_env()
        references_path = Path(references).resolve() if references else default_references(inbox_path)
        if not run_id:
            digest = inputs_digest(inbox_path, RegistryHome(home_path).decisions_log, weights, associated,
                                   references_path)
            run_id = f"{as_of_date.isoformat()}-{digest[:12]}"
        return cls(home=home_path, inbox=inbox_path, as_of=as_of_date, weights_version=weights,
                   run_id=run_id, associated_countries=associated, pid=pid or os.getpid(),
                   references=references_path,
                   full_ingest=full_ingest_from_env() if full_ingest is None else full_ingest,
                   started=started or utc_stamp())

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
            "full_ingest": self.full_ingest,
            "started": self.started,
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
            full_ingest=data.get("full_ingest", False),
            started=data.get("started"),
        )

    # --- paths -------------------------------------------------------------------------------
    @property
    def paths(self) -> RegistryHome:
        """The paths of this run's registry home."""
        return RegistryHome(self.home)

    @property
    def run_dir(self) -> Path:
        """Scratch folder of this process's run: `runs/<run_id>-<pid>` (the pid tells a live run from a stale one)."""
        return self.paths.run_dir(self.run_id, self.pid)

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
        """Where this run quarantines rejected inputs: `quarantine/<started>-<run_id>` (folders sort by time)."""
        return self.paths.quarantine / (f"{self.started}-{self.run_id}" if self.started else self.run_id)


def quarantine_run_id(folder_name: str) -> str:
    """The run id in a quarantine folder's name (`QUARANTINE_FOLDER`). Published data names the run, never
    the folder, whose start time would make two homes' releases of the same inputs differ."""
    return QUARANTINE_FOLDER.fullmatch(folder_name).group(2)


#: Who runs the registry and how to contest an entry, shown in "What next" on every page of the site.
DEFAULT_OPERATOR_CONTACT = "registry-operator@example.eu"
DEFAULT_APPEALS_ROUTE = (
    "Write to the registry operator within two months of the release, naming the service id and what you "
    "contest; a regulator decision is appealed before the authority named in it."
)


def operator_contact() -> str:
    """Registry operator's contact: $SEALREG_OPERATOR_CONTACT, else DEFAULT_OPERATOR_CONTACT."""
    return os.environ.get("SEALREG_OPERATOR_CONTACT") or DEFAULT_OPERATOR_CONTACT


def appeals_route() -> str:
    """How to contest an entry: $SEALREG_APPEALS_ROUTE, else DEFAULT_APPEALS_ROUTE."""
    return os.environ.get("SEALREG_APPEALS_ROUTE") or DEFAULT_APPEALS_ROUTE

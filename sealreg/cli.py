"""The `sealreg` command line: arguments, progress and summaries; the work is done elsewhere."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sealreg import config
from sealreg.cli_progress import RichReporter

# markup off by default: text from disclosures and arguments is printed as it is, never as rich markup
console = Console(highlight=False, markup=False, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, markup=False, width=None if sys.stderr.isatty() else 120)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _home(args) -> config.RegistryHome:
    return config.RegistryHome.at(args.home)


# --- validate ----------------------------------------------------------------------------------
def cmd_validate(args) -> int:
    from ingestion.ingest import validate_paths
    from sealreg.errors import quote_name

    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        err.print("sealreg validate: no such file: " + ", ".join(map(quote_name, missing)))
        return 2
    problems = validate_paths(paths, args.as_of or config.today_utc())
    if args.json:
        print(json.dumps([p.to_dict() for p in problems], indent=2, ensure_ascii=False))
    else:
        for p in problems:
            print(p.line())
        if not problems:
            print(f"{len(paths)} file(s) valid")
    return 1 if problems else 0


# --- refresh -----------------------------------------------------------------------------------
def cmd_refresh(args) -> int:
    from sealreg.lock import LockHeld
    from sealreg.refresh import run_refresh
    from sealreg.steps import GateFailed
    from sealreg.summary import print_summary

    inbox = Path(args.inbox) if args.inbox else config.default_inbox()
    if not inbox.is_dir():
        err.print(f"sealreg refresh: inbox {inbox} is not a directory")
        return 2
    if args.references and not Path(args.references).is_dir():
        err.print(f"sealreg refresh: references {args.references} is not a directory")
        return 2
    from sealreg.run_settings import SettingsError, check_as_of

    try:
        as_of = check_as_of(args.as_of or config.today_utc())
        ctx = config.RunContext.create(home=_home(args).root, inbox=inbox, as_of=as_of,
                                       weights_version=args.weights, references=args.references,
                                       full_ingest=True if args.full_ingest else None)
    except (SettingsError, config.UnknownWeights) as exc:
        err.print(f"sealreg refresh: {exc}")
        return 2
    console.print(f"sealreg refresh: run {ctx.run_id}  as-of {ctx.as_of}  weights {ctx.weights_version}",
                  style="bold")
    console.print(f"  inbox {ctx.inbox}\n  references {ctx.references}\n  home  {ctx.home}")
    try:
        with RichReporter(console) as reporter:
            result = run_refresh(ctx, reporter)
    except LockHeld as exc:
        err.print(f"sealreg refresh: {exc}", markup=False, style="red")
        return 1
    if not result.ok:
        exc = result.error
        if isinstance(exc, GateFailed):
            err.print(f"Validation gate '{exc.layer}' failed: nothing published; "
                      "the last release stays current.", style="red bold")
            for failure in exc.failures:
                err.print(f"  - {failure}", markup=False)
            if exc.report_path:
                err.print(f"  report: {exc.report_path}")
        else:
            err.print(f"Step '{result.failed_step}' failed: {exc}", markup=False, style="red bold")
            err.print("Nothing published; the last release stays current.")
        return 1
    print_summary(console, ctx, result)
    return 0


# --- decide ------------------------------------------------------------------------------------
def cmd_decide(args) -> int:
    from sealreg.decisions import DecisionRefused, append_decision, known_service_ids_from_current, status_after

    home = _home(args)
    try:
        record = append_decision(home, args.service_id, args.action, args.reason, args.by,
                                 known_service_ids=known_service_ids_from_current(home), to_provider=args.to,
                                 legal_basis=args.legal_basis, withdraws=args.withdraws, dry_run=args.dry_run)
    except DecisionRefused as exc:
        err.print(f"sealreg decide: refused: {exc}", markup=False)
        return 1
    what = f"{record['action']} {record['service_id']}" + (f" ({record['withdraws']})" if args.withdraws else "")
    if not args.dry_run:
        console.print(f"recorded {record['decision_id']}: {what} ({record['decided_at']}); "
                      "it takes effect at the next refresh", markup=False)
        return 0
    status, by = status_after(home, record)
    now = _published_status(home, record["service_id"])
    then = (f"{status} (by {by}), not eligible for tenders" if status
            else "the status its disclosure gives (no decision in force)")
    console.print(f"dry run, nothing written: would record {record['decision_id']}: {what}, by {record['decided_by']}"
                  + (f", legal basis {record['legal_basis']}" if record.get("legal_basis") else "")
                  + f"\n  published now: {now}\n  next release:  {then}", markup=False)
    return 0


# --- enroll ------------------------------------------------------------------------------------
MAX_PUBLIC_KEY_FILE = 16 * 1024


def cmd_enroll(args) -> int:
    from ingestion.keyring import RegisterError, append_entry

    pem = None
    if args.public_key:
        try:
            with open(args.public_key, "rb") as fh:
                pem = fh.read(MAX_PUBLIC_KEY_FILE + 1)
        except OSError as exc:
            err.print(f"sealreg enroll: cannot read {args.public_key}: {exc.strerror}")
            return 2
        if len(pem) > MAX_PUBLIC_KEY_FILE:
            err.print(f"sealreg enroll: {args.public_key} is not a public key file (over {MAX_PUBLIC_KEY_FILE} bytes)")
            return 2
    try:
        record = append_entry(_home(args), args.provider_id, args.by, pem)
    except RegisterError as exc:
        err.print(f"sealreg enroll: refused: {exc}")
        return 1
    if record["action"] == "revoke":
        console.print(f"recorded {record['entry_id']}: every key of {record['provider_id']} revoked; its disclosures "
                      "are refused until it enrols a new key")
    else:
        console.print(f"recorded {record['entry_id']}: {record['action']} {record['provider_id']} key "
                      f"{record['fingerprint']}; from the next refresh its disclosures must carry a valid "
                      "<file>.sig")
    return 0


def _published_status(home: Path, service_id: str) -> str:
    from sealreg.queries import NoRelease, lookup

    try:
        entry = lookup(home, service_id)
    except NoRelease:
        return "no release yet"
    return f"{entry['status']} ({entry['status_reason']})" if entry else "not published"


# --- lookup ------------------------------------------------------------------------------------
def cmd_lookup(args) -> int:
    from sealreg.queries import DateOutOfRange, NoRelease, lookup

    try:
        entry = lookup(_home(args), args.service_id, args.as_of)
    except (NoRelease, DateOutOfRange) as exc:
        err.print(f"sealreg lookup: {exc}")
        return 1
    if entry is None:
        when = f" on {args.as_of}" if args.as_of else ""
        err.print(f"sealreg lookup: {args.service_id} not found{when}")
        return 1
    if args.json:
        print(json.dumps(entry, default=str, indent=2, ensure_ascii=False))
        return 0
    for key, value in entry.items():
        if isinstance(value, list):
            console.print(f"{key}:")
            for row in value:
                console.print("  " + "  ".join(f"{k}={_fmt(v)}" for k, v in row.items()), markup=False)
        else:
            console.print(f"{key}: {_fmt(value)}", markup=False)
    return 0


def _fmt(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else ("" if value is None else str(value))


# --- extract -----------------------------------------------------------------------------------
def cmd_extract(args) -> int:
    from sealreg.extract import ExtractError, write_extract
    from sealreg.queries import DateOutOfRange, NoRelease

    try:
        made = write_extract(_home(args), args.service_ids, Path(args.out), args.as_of)
    except DateOutOfRange as exc:
        err.print(f"sealreg extract: {exc}")
        return 2
    except (ExtractError, NoRelease) as exc:
        err.print(f"sealreg extract: {exc}")
        return 1
    console.print(f"signed extract: {made.json_path}\n  signature: {made.signature_path}\n"
                  f"  printable: {made.html_path}\n  check it:  sealreg verify {made.json_path}")
    return 0


# --- verify ------------------------------------------------------------------------------------
def cmd_verify(args) -> int:
    from sealreg.publish.keys import home_public_keys, home_trust
    from sealreg.publish.signing import KeyFileError
    from sealreg.publish.verify import release_manifest, trust_from, verify_decisions, verify_release

    release = Path(args.release_dir)
    if not release.is_dir() and not release.is_file():
        err.print(f"sealreg verify: {release} is neither a release folder nor an extract file")
        return 2
    try:
        pems = [Path(f).read_bytes() for f in args.key]
    except OSError as exc:
        err.print(f"sealreg verify: --key {exc.filename}: {exc.strerror}")
        return 2
    trust, bad_anchors = trust_from(pems, args.fingerprint)
    if bad_anchors:
        for p in bad_anchors:
            err.print(f"sealreg verify: {p.line()}")
        return 2
    home = _home(args) if args.home else _own_home_of(release) if release.is_dir() else None
    problems = []
    if not trust.pinned and home is not None:
        try:
            trust.fingerprints |= home_trust(home.keys)
        except KeyFileError as exc:
            err.print(f"sealreg verify: V011 {exc}")
            return 1
    if not trust.pinned:
        err.print("sealreg verify: no trusted key: pass --fingerprint HEX (published in the registry home's "
                  "README.md, on every page of its site and by `sealreg keys fingerprint`) or --key FILE")
        return 2
    if release.is_file():
        return _verify_extract(release, trust)
    problems += verify_release(release, trust)
    head = release_manifest(release).get("decision_log_head")
    log = home.decisions_log if home is not None else None
    if log is not None and (log.exists() or head):
        try:
            keys = home_public_keys(home.keys)
        except KeyFileError as exc:
            err.print(f"sealreg verify: V011 {exc}")
            return 1
        problems += verify_decisions(log, expected_head=head, public_keys=keys)
    for p in problems:
        print(p.line())
    if not problems:
        print(f"{release}: signature valid by a trusted key, every file matches the manifest, "
              "decision records intact" + (", home decision log extends the release" if log and log.exists() else ""))
    return 1 if problems else 0


def _verify_extract(path: Path, trust) -> int:
    from sealreg.extract import verify_extract

    problems = verify_extract(path, trust)
    for p in problems:
        print(p.line())
    if not problems:
        doc = json.loads(path.read_bytes())
        print(f"{path}: signature valid by a trusted key; extract of {len(doc['entries'])} entries as of "
              f"{doc['as_of']} from release {doc['release_id']}")
    return 1 if problems else 0


def _own_home_of(release: Path) -> config.RegistryHome | None:
    """The operator's own home ($SEALREG_HOME or ./registry_home) when the release is one of its releases.

    A release elsewhere is verified against pinned keys only: keys lying next to a copy prove nothing.
    """
    home = config.RegistryHome.at()
    target = release.resolve()
    if target.parent == home.releases.resolve() or target == home.current.resolve():
        return home
    return None


# --- keys --------------------------------------------------------------------------------------
def cmd_keys(args) -> int:
    from sealreg.lock import LockHeld, RefreshLock
    from sealreg.publish.keys import KeyChangeRefused, home_fingerprint, rotate
    from sealreg.publish.signing import KeyFileError

    home = _home(args)
    keys_dir = home.keys
    try:
        if args.keys_command == "fingerprint":
            print(home_fingerprint(keys_dir))
            return 0
        with RefreshLock(home.lock):
            folder = rotate(keys_dir)
    except (KeyFileError, KeyChangeRefused, LockHeld) as exc:
        err.print(f"sealreg keys {args.keys_command}: {exc}")
        return 1
    console.print(f"new signing key {home_fingerprint(keys_dir)}; rotation statement signed by the old key: "
                  f"{folder}\nIt is published with the next release (trust/key-rotations/); tell verifiers the "
                  "new fingerprint.")
    return 0


# --- prune -------------------------------------------------------------------------------------
def cmd_prune(args) -> int:
    from sealreg.lock import LockHeld, RefreshLock
    from sealreg.publish.prune import prune

    try:
        keep_days = args.keep_days if args.keep_days is not None else config.default_keep_days()
    except ValueError as exc:
        err.print(f"sealreg prune: {exc}")
        return 2
    ctx = config.RunContext(home=_home(args).root, inbox=Path("."), as_of=config.today_utc())
    try:
        with RefreshLock(ctx.paths.lock):
            result = prune(ctx, keep_days, dry_run=args.dry_run)
    except LockHeld as exc:
        err.print(f"sealreg prune: {exc}")
        return 1
    verb = "would remove" if args.dry_run else "removed"
    for path in result.removed:
        console.print(f"{verb} {path.relative_to(ctx.home)}", markup=False)
    for name, why in sorted(result.kept.items()):
        console.print(f"kept {name}: {why}", markup=False)
    console.print(f"{len(result.removed)} folder(s) {verb}, {result.bytes_freed / 1e6:.1f} MB freed"
                  f"{' (dry run)' if args.dry_run else ''}; kept everything younger than {keep_days} days")
    return 0


def _days(text: str) -> int:
    try:
        return config.whole_number(text, 0, "not a whole number of days")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --- shortlist ---------------------------------------------------------------------------------
SHORTLIST_COLUMNS = ["rank", "service_id", "name", "provider", "country", "sovereignty_score", "seal", "ual", "status",
                     "open_source_status"]


def add_tender_options(p: argparse.ArgumentParser) -> None:
    """The criteria of a tender (shared by `shortlist`; one line per option)."""
    from sealreg.tender import WIDER_STATUSES

    p.add_argument("--min-seal", action="append", default=[], metavar="OBJ=N[,OBJ=N...]",
                   help="minimum SEAL per objective, e.g. SOV-1=3,SOV-2=2; repeatable (floors are merged)")
    p.add_argument("--min-ual", type=int, default=0, choices=range(0, 5), help="minimum Union assurance level")
    p.add_argument("--include-status", action="append", default=[], choices=WIDER_STATUSES, metavar="STATUS",
                   help=f"also consider services with this status (repeatable; one of {', '.join(WIDER_STATUSES)}); "
                        "by default only `listed` services are eligible")
    p.add_argument("--exclude-flagged", action="store_true", help="leave out services with any washing flag")
    p.add_argument("--exclude-third-country-control", action="store_true",
                   help="leave out services whose provider is under third-country control")
    p.add_argument("--as-of", type=_date, help="answer as the registry stood on this date (from its history)")
    p.add_argument("--open-source-first", action="store_true",
                   help="rank open_source services (every licence id OSI-approved) before all others, "
                        "each group by sovereignty score")


def tender_from_args(args):
    from sealreg.tender import Tender, parse_floors

    return Tender(floors=parse_floors(args.min_seal), min_ual=args.min_ual,
                  include_status=frozenset(args.include_status), exclude_flagged=args.exclude_flagged,
                  exclude_third_country_control=args.exclude_third_country_control, as_of=args.as_of,
                  open_source_first=args.open_source_first)


def cmd_shortlist(args) -> int:
    from ingestion.text import neutralise_cell
    from sealreg.queries import DateOutOfRange, NoRelease
    from sealreg.tender import TenderError, shortlist

    try:
        tender = tender_from_args(args)
        result = shortlist(_home(args), tender)
    except (TenderError, DateOutOfRange) as exc:
        err.print(f"sealreg shortlist: {exc}")
        return 2
    except NoRelease as exc:
        err.print(f"sealreg shortlist: {exc}")
        return 1
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(SHORTLIST_COLUMNS)
        for rank, row in enumerate(result.rows, 1):
            writer.writerow([rank] + [neutralise_cell(row[c]) for c in SHORTLIST_COLUMNS[1:]])
        _print_excluded(err, result)
        return 0
    floors = ", ".join(f"{o}≥{n}" for o, n in sorted(tender.floors.items())) or "no SEAL floor"
    table = Table(title=f"Shortlist on {result.as_of}: {floors}"
                        + (f", UAL ≥ {tender.min_ual}" if tender.min_ual else "")
                        + (", open source first" if tender.open_source_first else ""))
    for col in SHORTLIST_COLUMNS:
        table.add_column(col, justify="right" if col in ("rank", "sovereignty_score", "seal", "ual") else "left")
    for rank, row in enumerate(result.rows, 1):
        table.add_row(str(rank), *[_fmt(row[c]) for c in SHORTLIST_COLUMNS[1:]])
    console.print(table)
    console.print(f"{len(result.rows)} service(s) meet every criterion")
    _print_excluded(console, result)
    return 0


def cmd_review(args) -> int:
    from sealreg.queries import NoRelease, review_items

    try:
        rows = review_items(_home(args))
    except NoRelease as exc:
        err.print(f"sealreg review: {exc}")
        return 1
    if args.json:
        print(json.dumps(rows, default=str, indent=2, ensure_ascii=False))
        return 0
    since = next((r["previous_as_of"] for r in rows if r["previous_as_of"]), None)
    table = Table(title="Review queue: what changed in the reference evidence"
                        + (f" since the evaluation of {since}" if since else ""))
    for col in ("kind", "subject", "what changed", "first seen"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(row["kind"], f"{row['subject_type']} {row['subject_id']}", row["detail"],
                      _fmt(row["first_seen_on"]))
    console.print(table)
    console.print(f"{len(rows)} item(s) to review" if rows else "Nothing changed in the reference evidence.")
    return 0


def cmd_rejections(args) -> int:
    from ingestion.feedback import FEEDBACK_DIR, UNIDENTIFIED
    from sealreg.errors import quote_name
    from sealreg.queries import NoRelease, rejections

    home = _home(args)
    try:
        found = rejections(home, args.provider)
    except NoRelease as exc:
        err.print(f"sealreg rejections: {exc}")
        return 1
    if args.json:
        print(json.dumps(found, default=str, indent=2, ensure_ascii=False))
        return 0
    files: dict[str, list[dict]] = {}
    for row in found:
        files.setdefault(row["file"], []).append(row)
    for file, problems in files.items():
        first = problems[0]
        if first["provider_id"]:
            name = first["provider_name"]
            who = f"provider {first['provider_id']}" + (f" ({name})" if name else "")
        else:
            who = ("reference file" if first["code"].startswith("R")
                   else "provider unknown (the file did not parse that far)")
        state = (f"still rejected since {first['rejected_since']}" if first["still_rejected"]
                 else f"rejected on {first['rejected_since']}")
        console.print(f"{quote_name(file)}: {who}; {state}", markup=False, highlight=False, soft_wrap=True)
        for p in problems:
            console.print(f"  {p['code']} {p['path']}: {p['message']}", markup=False, highlight=False, soft_wrap=True)
        run, _, below = first["quarantined_in"].partition("/")
        folder = home.quarantine_folder(run) / below
        letter = folder / FEEDBACK_DIR / f"{first['provider_id'] or UNIDENTIFIED}.txt"
        console.print(f"  quarantined in {folder}" + (f"; feedback to send: {letter}" if letter.is_file() else ""),
                      markup=False, highlight=False, soft_wrap=True)
    what = f" naming provider {args.provider}" if args.provider else ""
    console.print(f"{len(files)} rejected file(s){what}" if files else f"No rejected file{what} in this release.")
    return 0


def _print_excluded(out: Console, result) -> None:
    """Footer: services left out, counted per reason (with their ids)."""
    total = sum(group["count"] for group in result.excluded)
    if not total:
        return
    out.print(f"{total} service(s) left out:")
    for group in result.excluded:
        out.print(f"  {group['count']:>3}  {group['reason']}: {', '.join(group['service_ids'])}")


HOME_HELP = "registry home (default: $SEALREG_HOME or ./registry_home)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sealreg", description="EU cloud sovereignty registry")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check disclosures against disclosure-v1 without touching the registry")
    p.add_argument("files", nargs="+", metavar="FILE", help="disclosure files (JSON) to check")
    p.add_argument("--json", action="store_true", help="print a JSON list of problems")
    p.add_argument("--as-of", type=_date, help="evaluation date for date checks (default: today UTC)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("refresh", help="one full refresh: ingest, validate, build, validate, history, publish")
    p.add_argument("--inbox", help="disclosures folder (default: $SEALREG_INBOX or the bundled samples)")
    p.add_argument("--home", help=HOME_HELP)
    p.add_argument("--as-of", type=_date, help="evaluation date (default: today UTC)")
    p.add_argument("--weights", help=f"CSF weights version, one of {', '.join(config.weights_versions())} "
                                     f"(default: $SEALREG_WEIGHTS or {config.DEFAULT_WEIGHTS})")
    p.add_argument("--full-ingest", action="store_true",
                   help="re-validate and reload every file instead of reusing last night's unchanged files")
    p.add_argument("--references", metavar="DIR",
                   help="reference files: GLEIF Level 1/2, scheme registers (default: $SEALREG_REFERENCES or "
                        "<inbox>/references)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("decide", help="record a regulator decision (applied at the next refresh)")
    p.add_argument("service_id", help="the service the decision is about")
    p.add_argument("--action", required=True, choices=["suspend", "revoke", "reinstate", "transfer", "withdraw"],
                   help="what is decided: a transfer gives the service id to another provider; a withdraw "
                        "corrects an erroneous decision named by --withdraws")
    p.add_argument("--to", metavar="PROVIDER_ID", help="transfer: the provider the service id goes to")
    p.add_argument("--withdraws", metavar="DECISION_ID", help="with --action withdraw: the erroneous decision")
    p.add_argument("--reason", required=True, help="the reason, published with the decision")
    p.add_argument("--legal-basis", metavar="TEXT", help="the legal basis, published with the decision")
    p.add_argument("--by", required=True, metavar="ROLE_OR_ID",
                   help="the deciding official's role or staff id, e.g. registry-officer-2 (published; personal "
                        "names are refused unless SEALREG_PUBLISH_PERSONAL_NAMES=1)")
    p.add_argument("--dry-run", action="store_true",
                   help="check the decision and show what the next release would show; write nothing")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("enroll", help="enrol a provider's Ed25519 public key (or rotate it, or revoke its keys)")
    p.add_argument("provider_id", help="the provider_id its disclosures carry")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--public-key", metavar="FILE", help="PEM public key; a second key for a provider is a rotation")
    what.add_argument("--revoke", action="store_true", help="revoke every key of the provider")
    p.add_argument("--by", required=True, help="name of the official recording the entry")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_enroll)

    p = sub.add_parser("lookup", help="a service as published now, or on a past date")
    p.add_argument("service_id", help="the service to show")
    p.add_argument("--as-of", type=_date, help="show the entry as it stood on this date (from the release history)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_lookup)

    p = sub.add_parser("extract", help="a signed JSON and printable HTML extract of entries, as they stood on a date")
    p.add_argument("service_ids", nargs="+", metavar="SERVICE_ID", help="services to include, in this order")
    p.add_argument("--as-of", type=_date, help="the date the entries are taken at (default: the release's date)")
    p.add_argument("--out", default=".", help="folder to write the extract into (default: the current folder)")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("verify", help="check a release's checksums, signer, chain and decision records, "
                                      "or a signed extract")
    p.add_argument("release_dir", metavar="RELEASE_DIR_OR_EXTRACT",
                   help="a release folder, or an extract's .json (its .json.sig next to it)")
    p.add_argument("--key", action="append", default=[], metavar="FILE",
                   help="trusted public key (PEM); any other signer fails (repeatable)")
    p.add_argument("--fingerprint", action="append", default=[], metavar="HEX",
                   help="trusted key fingerprint (sha256 of the raw key, 64 hex); any other signer fails")
    p.add_argument("--home", help="trust this registry home's key and check its decision log "
                                  "(default: $SEALREG_HOME when the release is one of its releases)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("prune", help="remove releases and quarantine folders older than N days (never current, "
                                     "the chain's anchors or the latest release)")
    p.add_argument("--keep-days", type=_days, help="days to keep (default: $SEALREG_KEEP_DAYS or "
                                                   f"{config.DEFAULT_KEEP_DAYS})")
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_prune)

    p = sub.add_parser("keys", help="the registry's signing key: fingerprint, rotation")
    keys_sub = p.add_subparsers(dest="keys_command", required=True)
    for name, text in (("fingerprint", "print the fingerprint to publish and pin (sha256 of the raw key)"),
                       ("rotate", "replace the signing key; the old key signs a rotation statement")):
        k = keys_sub.add_parser(name, help=text)
        k.add_argument("--home", help=HOME_HELP)
        k.set_defaults(func=cmd_keys)

    p = sub.add_parser("shortlist", help="services eligible for a tender and meeting its floors, ranked by score")
    add_tender_options(p)
    p.add_argument("--csv", action="store_true", help="print CSV (the footer of left-out services goes to stderr)")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_shortlist)

    p = sub.add_parser("rejections", help="the release's rejected files with their provider, problems and "
                       "feedback letter")
    p.add_argument("--provider", metavar="ID", help="only the files that name this provider id")
    p.add_argument("--json", action="store_true", help="print JSON, one object per problem")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_rejections)

    p = sub.add_parser("review", help="what changed in the reference evidence since the previous evaluation")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--home", help=HOME_HELP)
    p.set_defaults(func=cmd_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    from sealreg.errors import SealregError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SealregError as exc:  # a refusal no command handles itself: its text, exit 1, never a traceback
        err.print(f"sealreg {args.command}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())

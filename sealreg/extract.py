"""Signed registry extracts: entries as they stood on a date, as JSON (signed) and printable HTML.

An extract is `<name>.json` (the entries, the release they come from and the signer's public key),
`<name>.json.sig` (base64 Ed25519 signature over the exact bytes of the JSON, by the registry's
signing key) and `<name>.html` (the same entries for printing). `verify_extract` checks one later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sealreg.config import RegistryHome
from sealreg.errors import Problem, SealregError
from sealreg.publish.signing import (
    PRIVATE_KEY_FILE,
    KeyFileError,
    load_private_key,
    public_key_fingerprint,
    public_key_pem,
    sign,
    verify_signature,
)
from sealreg.publish.verify import Trust, problem
from sealreg.queries import open_current, rows, state_on

EXTRACT_VERSION = 1
SIGNATURE_SUFFIX = ".sig"
FIELDS = ("service_id", "name", "provider_id", "provider", "country", "model", "status", "status_reason",
          "tender_eligible", "tender_exclusion_reason", "sovereignty_score", "seal", "ual", "flag_count",
          "third_country_control", "valid_from", "valid_to")


class ExtractError(SealregError, RuntimeError):
    """The extract cannot be issued (unknown service, no signing key, no release)."""


@dataclass
class Extract:
    json_path: Path
    signature_path: Path
    html_path: Path


def _signing_key(home: RegistryHome | Path) -> Ed25519PrivateKey:
    path = RegistryHome.of(home).keys / PRIVATE_KEY_FILE
    if not path.is_file():
        raise ExtractError(f"{path}: no signing key in this home (only the registry's home can sign extracts)")
    try:
        return load_private_key(path)
    except KeyFileError as exc:
        raise ExtractError(str(exc)) from None


def _entries(home: RegistryHome | Path, service_ids: list[str], as_of: dt.date | None) -> tuple[dt.date, list[dict]]:
    with open_current(home) as con:
        on = state_on(con, home, as_of)
        objectives = [o for (o,) in con.execute(
            "select distinct objective from objective_results order by objective").fetchall()]
        found = rows(con, """
            select h.*, p.legal_name as provider, p.country
            from service_history h left join providers p using (provider_id)
            where h.service_id in (select unnest(?::varchar[]))
              and h.valid_from <= ? and (h.valid_to is null or h.valid_to > ?)""", [service_ids, on, on])
    by_id = {r["service_id"]: r for r in found}
    missing = [s for s in service_ids if s not in by_id]
    if missing:
        raise ExtractError(f"not in the registry on {on}: {', '.join(missing)}")
    entries = []
    for sid in service_ids:
        row = by_id[sid]
        entry = {k: _plain(row.get(k)) for k in FIELDS}
        seals = row.get("objective_seals") or []
        entry["objective_seals"] = dict(zip(objectives, seals, strict=False))
        entries.append(entry)
    return on, entries


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def extract_bytes(home: RegistryHome | Path, service_ids: list[str], as_of: dt.date | None, now: dt.datetime) -> bytes:
    """The exact bytes of the extract JSON (sorted keys, final newline), public key included."""
    key = _signing_key(home)
    on, entries = _entries(home, list(dict.fromkeys(service_ids)), as_of)
    manifest = RegistryHome.of(home).current_manifest.read_bytes()
    release = json.loads(manifest)
    pub = public_key_pem(key)
    doc = {
        "extract_version": EXTRACT_VERSION,
        "kind": "sealreg registry extract",
        "as_of": on.isoformat(),
        "issued_at": now.isoformat(timespec="seconds"),
        "release_id": release.get("release_id"),
        "release_as_of": release.get("as_of"),
        "release_manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "public_key_pem": pub.decode("ascii"),
        "public_key_sha256": public_key_fingerprint(pub),
        "entries": entries,
    }
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_extract(home: RegistryHome | Path, service_ids: list[str], out_dir: Path, as_of: dt.date | None = None,
                  now: dt.datetime | None = None) -> Extract:
    """Write the signed JSON, its signature and the printable HTML into `out_dir`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    body = extract_bytes(home, service_ids, as_of, now)
    doc = json.loads(body)
    stem = f"sealreg-extract-{doc['as_of']}-{hashlib.sha256(body).hexdigest()[:12]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = Extract(out_dir / f"{stem}.json", out_dir / f"{stem}.json{SIGNATURE_SUFFIX}", out_dir / f"{stem}.html")
    paths.json_path.write_bytes(body)
    paths.signature_path.write_text(sign(body, _signing_key(home)) + "\n", encoding="ascii")
    paths.html_path.write_text(render_html(doc, paths.json_path.name), encoding="utf-8")
    return paths


def verify_extract(path: Path, trust: Trust) -> list[Problem]:
    """Problems of an extract (empty = the JSON is exactly as signed, by a key `trust` pins).

    Codes as for releases (VERIFY_CODES): V001 signature file missing, V002 signature does not verify,
    V003 signed by a key that is not trusted, V004 not an extract.
    """
    sig_path = path.with_name(path.name + SIGNATURE_SUFFIX)
    if not sig_path.is_file():
        return [problem("V001", sig_path.name, "missing (an extract is checked with its signature file)")]
    body = path.read_bytes()
    try:
        pub = json.loads(body)["public_key_pem"].encode("ascii")
        signer = public_key_fingerprint(pub)
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeError, KeyFileError):
        return [problem("V004", path.name, "not a sealreg extract (no valid public_key_pem)")]
    problems = []
    if not verify_signature(pub, body, sig_path.read_text("ascii", errors="replace")):
        problems.append(problem("V002", path.name, f"signature in {sig_path.name} does not verify "
                                                   "(extract or signature altered)"))
    if signer not in trust.fingerprints:
        problems.append(problem("V003", path.name, f"signed by key {signer}, which is not a trusted key"))
    return problems


def render_html(doc: dict, json_name: str) -> str:
    """A self-contained printable page (no scripts, no remote assets) of the extract's entries."""
    e = html.escape
    sections = []
    for entry in doc["entries"]:
        facts = "".join(f"<tr><th>{e(k.replace('_', ' '))}</th><td>{e(_text(entry.get(k)))}</td></tr>"
                        for k in FIELDS[1:])
        seals = "".join(f"<tr><th>{e(o)}</th><td>SEAL-{e(_text(v))}</td></tr>"
                        for o, v in entry["objective_seals"].items())
        sections.append(f"<section><h2>{e(entry['service_id'])}</h2><table>{facts}</table>"
                        f"<h3>SEAL per objective</h3><table>{seals}</table></section>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Registry extract {e(doc['as_of'])}</title>
<style>body{{font:11pt/1.4 system-ui,sans-serif;max-width:48em;margin:2em auto}}th{{text-align:left;padding-right:1em;
font-weight:600;vertical-align:top}}section{{break-inside:avoid;border-top:1px solid #999;margin-top:1.5em}}
footer{{font-size:9pt;margin-top:2em;border-top:1px solid #999}}</style></head>
<body><h1>Extract from the EU cloud sovereignty registry</h1>
<p>Entries as they stood on <strong>{e(doc['as_of'])}</strong>, from release {e(_text(doc['release_id']))}
(evaluation date {e(_text(doc['release_as_of']))}), issued {e(doc['issued_at'])}.</p>
{''.join(sections)}
<footer><p>This page is a printable copy. The signed original is <code>{e(json_name)}</code> with its
signature <code>{e(json_name)}.sig</code>; check them with <code>sealreg verify {e(json_name)}</code>.
Signing key fingerprint (sha256): <code>{e(doc['public_key_sha256'])}</code>; release manifest sha256:
<code>{e(doc['release_manifest_sha256'])}</code>.</p></footer></body></html>
"""


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)

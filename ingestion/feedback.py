"""Ready-to-send feedback to providers: one plain-text letter per provider in the run's quarantine folder.

`<quarantine>/<run folder>/feedback/<provider_id>.txt` lists every file of the provider rejected now
(new ones and those still rejected), each problem with its file, place in the file, reason and how to
fix it. It is written only for providers with a file rejected anew this run, so an unchanged file does
not produce a new letter every night. Files that name no valid provider go to
`feedback/_no-provider-id.txt` (the underscore cannot begin a provider id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ingestion.quarantine import MAX_MODE, write_private
from ingestion.rejected import RejectedFile
from sealreg.config import operator_contact
from sealreg.errors import quote_name

FEEDBACK_DIR = "feedback"
UNIDENTIFIED = "_no-provider-id"

#: How to fix each code, in plain words (spec/disclosure-v1.md, docs/ingestion.md).
HOW_TO_FIX = {
    "E001": "Save the file as UTF-8 JSON holding one object, and send it complete.",
    "E002": "Set schema_version to a version this registry reads (\"1\" or \"1.1\").",
    "E003": "Add the missing field.",
    "E004": "Remove the field, or correct its name (the allowed fields are listed in the disclosure format).",
    "E005": "Give the value the type the disclosure format asks for.",
    "E006": "Give a value within the allowed range, list or pattern named in the reason.",
    "E007": "Use an ISO 3166-1 alpha-2 country code in upper case (for example DE or FR).",
    "E008": "Copy the LEI again from GLEIF's record: its last two check digits are wrong.",
    "E009": "Answer every criterion exactly once, using only the criterion ids of the rulebook.",
    "E010": "Correct the date so that it is consistent (not in the future, an end after its start).",
    "E011": "Correct the ownership percentages so that they sum to 100 or less.",
    "E012": "Correct the control chain so that no entity controls itself through others.",
    "E013": "Use a disclosure id that is new, and only service ids that belong to you.",
    "E014": "Refer only to services listed in the same file.",
    "E015": "Make the file smaller or less deeply nested (split it if needed), within the limits named.",
    "E016": "Remove the repeated item, or the service's reference to itself.",
    "E017": "Send a regular file whose name holds only plain characters.",
    "E018": "Nothing to change on your side: the registry could not check the file and will contact you.",
    "E019": "Sign the file with your enrolled key and send the signature as <file>.sig beside it.",
    "E020": "Sign the file again with the key enrolled with the registry (or have a new key enrolled).",
    "E021": "Send a submission dated after the one the registry holds for you.",
}
DEFAULT_FIX = "Correct the value named in the reason and send the file again."


def letter(provider: tuple[str | None, str | None], files: Sequence[RejectedFile], as_of: dt.date) -> str:
    """The feedback text for one provider's rejected files."""
    provider_id, name = provider
    who = f"{name} (provider id {provider_id})" if provider_id and name else provider_id or "(provider unknown)"
    lines = [f"To: {who}",
             f"Subject: sovereignty registry - {len(files)} disclosure file(s) not accepted (evaluation of {as_of})",
             "",
             f"Dear {name or 'provider'},",
             "",
             "The registry could not accept the disclosure file(s) below: nothing in a rejected file is",
             "published or counted. Please correct every problem listed and send the complete file again.",
             ""]
    for f in sorted(files, key=lambda f: f.file_name):
        state = (f"still rejected since {f.rejected_since} (unchanged since then)" if f.still
                 else f"rejected on {f.rejected_since}")
        lines += [f"File: {quote_name(f.file_name)}  -  {state}"]
        if f.file_sha256:
            lines.append(f"  sha256 of the file we received: {f.file_sha256}")
        for n, p in enumerate(f.problems, start=1):
            where = "the whole file" if p.path == "$" else p.path
            lines += [f"  {n}. Where: {where}",
                      f"     Problem ({p.code}): {p.message}",
                      f"     How to fix: {HOW_TO_FIX.get(p.code, DEFAULT_FIX)}"]
        lines.append("")
    lines += ["Places in the file are JSON paths: $.services[0].name is the name of the first service.",
              "The disclosure format is spec/disclosure-v1.md of the registry's documentation.",
              f"Questions: {operator_contact()}", ""]
    return "\n".join(lines)


def write_feedback(folder: Path, files: Sequence[RejectedFile], as_of: dt.date) -> list[Path]:
    """One letter per provider with a file rejected anew, under `folder/feedback/`; returns the letters."""
    by_provider: dict[str | None, list[RejectedFile]] = {}
    for f in files:
        by_provider.setdefault(f.sender.provider_id, []).append(f)
    written = []
    for provider_id, own in sorted(by_provider.items(), key=lambda kv: kv[0] or ""):
        if all(f.still for f in own):
            continue
        names = sorted({f.sender.provider_name for f in own if f.sender.provider_name})
        out = folder / FEEDBACK_DIR
        out.mkdir(parents=True, exist_ok=True)
        text = letter((provider_id, names[0] if names else None), own, as_of)
        written.append(write_private(out, f"{provider_id or UNIDENTIFIED}.txt", text.encode("utf-8"), MAX_MODE))
    return written

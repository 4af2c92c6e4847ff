"""Who publishes the registry and under which licence: the release metadata's configuration.

Read from the environment (docs/release-metadata.md), with defaults a test or a first install can
run with: `SEALREG_PUBLISHER_NAME`, `SEALREG_PUBLIC_URL` (the address the current release folder is
served at; absolute links in dcat.jsonld only when set), `SEALREG_DATA_LICENCE` (an SPDX id)
and `SEALREG_DATA_LICENCE_URL`. The contact is the operator's (`SEALREG_OPERATOR_CONTACT`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from sealreg.config import operator_contact

DEFAULT_PUBLISHER_NAME = "Sovereign cloud registry operator"
DEFAULT_DATA_LICENCE = "CC-BY-4.0"
#: SPDX id -> (licence page, EU Publications Office licence authority IRI used by DCAT-AP).
KNOWN_LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("https://creativecommons.org/licenses/by/4.0/",
                  "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"),
    "CC0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/",
                "http://publications.europa.eu/resource/authority/licence/CC0"),
    "CC-BY-SA-4.0": ("https://creativecommons.org/licenses/by-sa/4.0/",
                     "http://publications.europa.eu/resource/authority/licence/CC_BYSA_4_0"),
    "ODbL-1.0": ("https://opendatacommons.org/licenses/odbl/1-0/",
                 "http://publications.europa.eu/resource/authority/licence/ODC_BL"),
}


@dataclass(frozen=True)
class Publisher:
    name: str = DEFAULT_PUBLISHER_NAME
    email: str = ""
    public_url: str = ""
    licence: str = DEFAULT_DATA_LICENCE
    licence_url: str = ""
    title: str = "Sovereign cloud registry"
    keywords: tuple[str, ...] = field(default=("cloud", "digital sovereignty", "certification", "SEAL", "CADA",
                                               "EU Cloud Sovereignty Framework"))

    @property
    def homepage(self) -> str:
        return self.public_url

    def licence_page(self) -> str:
        return self.licence_url or KNOWN_LICENCES.get(self.licence, (f"https://spdx.org/licenses/{self.licence}.html",))[0]

    def licence_iri(self) -> str:
        """The licence as DCAT-AP expects it: the EU authority IRI when there is one, else its page."""
        known = KNOWN_LICENCES.get(self.licence)
        return known[1] if known and not self.licence_url else self.licence_page()

    def licence_descriptor(self) -> dict[str, str]:
        return {"name": self.licence, "path": self.licence_page(), "title": self.licence}

    def dataset_id(self, release_id: str) -> str | None:
        """A global identifier of the release when its public address is configured (else None)."""
        return f"{self.public_url}dcat.jsonld#release-{release_id}" if self.public_url else None

    def description(self, release: dict[str, Any]) -> str:
        return (f"Release {release['release_id']} of the sovereign cloud registry, evaluated on {release['as_of']}: "
                "every published cloud service with its sovereignty level (SEAL 0-4), Union assurance level "
                "(UAL 0-4), status and washing flags, with the evidence, the history of changes and the "
                f"rulebook they were computed with (registry contract version {release['contract_version']}).")


def publisher_from_env() -> Publisher:
    url = os.environ.get("SEALREG_PUBLIC_URL", "").strip()
    if url and not url.endswith("/"):
        url += "/"
    if url and not url.startswith(("https://", "http://")):
        raise ValueError(f"SEALREG_PUBLIC_URL must be an http(s) URL, not {url!r}")
    return Publisher(
        name=os.environ.get("SEALREG_PUBLISHER_NAME", "").strip() or DEFAULT_PUBLISHER_NAME,
        email=operator_contact(),
        public_url=url,
        licence=os.environ.get("SEALREG_DATA_LICENCE", "").strip() or DEFAULT_DATA_LICENCE,
        licence_url=os.environ.get("SEALREG_DATA_LICENCE_URL", "").strip(),
    )

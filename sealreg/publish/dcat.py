"""`dcat.jsonld`: the release described in DCAT-AP 3, so open-data portals (data.europa.eu) can harvest it.

One dcat:Dataset (title, description, publisher, contact point, issued and modified dates, licence,
conformsTo the registry contract version) with one dcat:Distribution per downloadable file (access
and download URL, media type, EU file type, byte size, sha256 checksum). The JSON-LD context is
inline, so the file parses without fetching anything. Links are relative to the release folder
unless SEALREG_PUBLIC_URL is set (sealreg/publish/publisher.py).
"""

from __future__ import annotations

from typing import Any

from sealreg.publish.contract import RELEASE_CONTRACT_TEXT
from sealreg.publish.publisher import Publisher

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:issued": {"@type": "xsd:dateTime"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "foaf:page": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
    "dct:format": {"@type": "@id"},
    "dcat:mediaType": {"@type": "@id"},
    "dcat:compressFormat": {"@type": "@id"},
    "spdx:algorithm": {"@type": "@id"},
    "vcard:hasEmail": {"@type": "@id"},
}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE = "https://www.iana.org/assignments/media-types/"
#: file suffix -> (IANA media type, EU file type)
FORMATS: dict[str, tuple[str, str]] = {
    ".parquet": ("application/vnd.apache.parquet", "PARQUET"),
    ".csv": ("text/csv", "CSV"),
    ".duckdb": ("application/octet-stream", "BIN"),
    ".json": ("application/json", "JSON"),
    ".html": ("text/html", "HTML"),
    ".md": ("text/markdown", "TXT"),
}
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def _distribution(path: str, title: str, entry: dict[str, Any], publisher: Publisher) -> dict[str, Any]:
    compressed = path.endswith(".gz")
    name = path.removesuffix(".gz")
    media, file_type = FORMATS.get(name[name.rfind("."):], ("application/octet-stream", "BIN"))
    url = f"{publisher.public_url}{path}" if publisher.public_url else path
    out = {
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": url,
        "dcat:downloadURL": url,
        "dcat:mediaType": MEDIA_TYPE + media,
        "dct:format": FILE_TYPE + file_type,
        "dcat:byteSize": entry["size"],
        "dct:license": publisher.licence_iri(),
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": SHA256,
                          "spdx:checksumValue": entry["sha256"]},
    }
    if compressed:
        out["dcat:compressFormat"] = MEDIA_TYPE + "application/gzip"
    return out


def dcat_document(release: dict[str, Any], publisher: Publisher, downloads: list[tuple[str, str]],
                  files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The JSON-LD document. `downloads`: (release path, title) of each distribution; `files`: sha256
    and size by release path; `release`: release_id, as_of, created_at, contract_version."""
    base = publisher.public_url
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": publisher.name}
    if publisher.email:
        contact["vcard:hasEmail"] = f"mailto:{publisher.email}"
    dataset: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "dct:identifier": release["release_id"],
        "dct:title": {"@value": f"{publisher.title}, release {release['release_id']}", "@language": "en"},
        "dct:description": {"@value": publisher.description(release), "@language": "en"},
        "dcat:keyword": [{"@value": k, "@language": "en"} for k in publisher.keywords],
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher.name},
        "dcat:contactPoint": contact,
        "dct:issued": release["created_at"],
        "dct:modified": release["created_at"],
        "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:endDate": {"@value": release["as_of"],
                                                                       "@type": "xsd:date"}},
        "dct:license": publisher.licence_iri(),
        "owl:versionInfo": release["release_id"],
        "dct:conformsTo": {"@type": "dct:Standard",
                           "dct:title": f"sealreg registry contract, version {release['contract_version']}",
                           "owl:versionInfo": str(release["contract_version"]),
                           "foaf:page": f"{base}{RELEASE_CONTRACT_TEXT}"},
        "foaf:page": f"{base}README.md",
        "dcat:distribution": [_distribution(p, t, files[p], publisher) for p, t in downloads if p in files],
    }
    if base:
        dataset["@id"] = publisher.dataset_id(release["release_id"])
        dataset["dcat:landingPage"] = f"{base}site/index.html"
    return {"@context": CONTEXT, **dataset}

"""The manifest every export carries: what was exported, from where, how, and its checksum.

Where it goes: the first line of line formats (`{"manifest": {...}}` in JSONL, the same JSON after
"# " in CSV and BIO), `manifest.json` inside zips. `sha256` covers the export body: for line
formats every byte after the manifest line; for zips the `sha256sum`-style listing
`"<sha256 of member>  <member name>\\n"` of every other member, in name order, which `files` also
gives member by member.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from annotate.exports.base import ExportContext
from annotate.exports.records import Counts

GENERATOR = "claim-annotation exports"
# Bump when the bytes a format writes for the same data change.
GENERATOR_VERSION = 1
MANIFEST_NAME = "manifest.json"


def build_manifest(
    context: ExportContext,
    *,
    guidelines_version: int,
    vocabulary_version: int,
    vocabulary_terms: dict[str, list[dict[str, Any]]],
    counts: Counts,
    sha256: str,
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    options = context.options
    split = None
    if options.split is not None:
        split = {**options.split.as_manifest(), "part": options.part}
    manifest: dict[str, Any] = {
        "format": options.format,
        "generator": {"name": GENERATOR, "version": GENERATOR_VERSION},
        "project": {"id": context.project_id, "name": context.project_name},
        "guidelines_version": guidelines_version,
        "vocabulary_version": vocabulary_version,
        "vocabulary": vocabulary_terms,
        "filters": options.filters.as_manifest(),
        "split": split,
        "counts": counts.as_manifest(),
        "sha256": sha256,
    }
    if files is not None:
        manifest["files"] = files
    return manifest


def zip_checksum(digests: dict[str, str]) -> str:
    listing = "".join(f"{digests[name]}  {name}\n" for name in sorted(digests))
    return hashlib.sha256(listing.encode()).hexdigest()


def manifest_line(manifest: dict[str, Any], prefix: str = "") -> bytes:
    body = json.dumps({"manifest": manifest}, ensure_ascii=False, sort_keys=True)
    return (prefix + body + "\n").encode()


def manifest_json(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def read_manifest_line(line: str | bytes) -> dict[str, Any] | None:
    """The manifest from a first line (with or without "# "), or None if the line is not one."""
    if isinstance(line, bytes):
        line = line.decode()
    line = line.strip()
    if line.startswith("#"):
        line = line[1:].strip()
    if not line.startswith('{"manifest"'):
        return None
    value = json.loads(line)
    manifest = value.get("manifest") if isinstance(value, dict) else None
    return manifest if isinstance(manifest, dict) else None

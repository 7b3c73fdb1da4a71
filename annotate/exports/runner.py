"""Run an export into a binary file: one pass over the database, flat memory.

The manifest needs the checksum of the body it precedes, so a line format's body is first written
to a spooled temporary file (memory up to 2 MB, then disk) while it is hashed and counted; the
manifest line and the body are then copied to the output. Zips carry `manifest.json` as their last
member, so they are written straight to the output.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from annotate.errors import InvalidInput
from annotate.exports.base import ExportContext, ExportOptions, ZipWriter
from annotate.exports.manifest import (
    MANIFEST_NAME,
    build_manifest,
    manifest_json,
    manifest_line,
    zip_checksum,
)
from annotate.exports.records import Counts, Document, iter_documents
from annotate.models import Project, VocabularyTerm

SPOOL_MAX_MEMORY = 2 * 2**20
COPY_CHUNK = 2**20


def get_format(name: str) -> Any:
    from annotate.exports import FORMATS  # the registry imports this module

    try:
        return FORMATS[name]
    except KeyError:
        raise InvalidInput(
            f"Unknown export format {name!r}: use one of {', '.join(FORMATS)}.", field="format"
        ) from None


def validate_options(options: ExportOptions) -> None:
    get_format(options.format)
    if options.part is not None:
        if options.split is None:
            raise InvalidInput("A split part needs a split: give split=... too.", field="part")
        if options.part not in options.split.names:
            raise InvalidInput(
                f"Split part {options.part!r} is not one of {', '.join(options.split.names)}.",
                field="part",
            )
    if not 1 <= options.chunk_size <= 10_000:
        raise InvalidInput("The chunk size must lie between 1 and 10000.", field="chunk_size")


def _vocabulary(project_id: int) -> dict[str, list[dict[str, Any]]]:
    terms: dict[str, list[dict[str, Any]]] = {}
    for kind, value, label, is_active in (
        VocabularyTerm.objects.filter(project_id=project_id)
        .order_by("kind", "position", "value")
        .values_list("kind", "value", "label", "is_active")
    ):
        terms.setdefault(kind, []).append({"value": value, "label": label, "is_active": is_active})
    return terms


def _documents(project: Project, options: ExportOptions, counts: Counts) -> Iterator[Document]:
    for document in iter_documents(project.pk, options.filters, chunk_size=options.chunk_size):
        if options.split is not None:
            document["split"] = options.split.part_of(document["content_hash"])
            if options.part is not None and document["split"] != options.part:
                continue
        counts.add(document)
        yield document


def write_export(project: Project, options: ExportOptions, out: IO[bytes]) -> dict[str, Any]:
    """Write the whole export (manifest included) to `out`; return the manifest."""
    validate_options(options)
    export_format = get_format(options.format)
    terms = _vocabulary(project.pk)
    context = ExportContext(
        project_id=project.pk,
        project_name=project.name,
        options=options,
        vocabulary={kind: [term["value"] for term in values] for kind, values in terms.items()},
    )
    counts = Counts()
    documents = _documents(project, options, counts)
    manifest_args: dict[str, Any] = {
        "guidelines_version": project.guidelines_version,
        "vocabulary_version": project.vocabulary_version,
        "vocabulary_terms": terms,
    }
    if export_format.is_zip:
        archive = ZipWriter(out)
        export_format.write(documents, archive, context)
        archive.finish_spools()
        files = dict(sorted(archive.digests.items()))
        manifest = build_manifest(
            context, **manifest_args, counts=counts, sha256=zip_checksum(files), files=files
        )
        archive.add(MANIFEST_NAME, manifest_json(manifest))
        archive.close()
        return manifest

    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY) as body:
        buffer: list[str] = []
        size = 0

        def flush() -> None:
            nonlocal size
            data = "".join(buffer).encode()
            buffer.clear()
            size = 0
            digest.update(data)
            body.write(data)

        for piece in export_format.header(context):
            buffer.append(piece)
        for document in documents:
            for piece in export_format.render(document, context):
                buffer.append(piece)
                size += len(piece)
            if size > COPY_CHUNK:
                flush()
        buffer.extend(export_format.footer(context))
        flush()
        manifest = build_manifest(
            context, **manifest_args, counts=counts, sha256=digest.hexdigest()
        )
        out.write(manifest_line(manifest, export_format.manifest_prefix))
        body.seek(0)
        while chunk := body.read(COPY_CHUNK):
            out.write(chunk)
    return manifest

"""What every format shares: the export context and the two kinds of format (lines, zip)."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from annotate.exports.records import DEFAULT_CHUNK_SIZE, Document, ExportFilters
from annotate.exports.split import SplitSpec

# Every zip member gets this timestamp, so the same data always gives the same zip bytes.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ExportOptions:
    format: str
    filters: ExportFilters = field(default_factory=ExportFilters)
    split: SplitSpec | None = None
    # Export only this part of the split (e.g. "train"); None exports every part.
    part: str | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE


@dataclass(frozen=True)
class ExportContext:
    project_id: int
    project_name: str
    options: ExportOptions
    # kind -> active and inactive values, in the project's order.
    vocabulary: dict[str, list[str]]

    @property
    def split_names(self) -> tuple[str, ...]:
        if self.options.split is None:
            return ()
        if self.options.part is not None:
            return (self.options.part,)
        return self.options.split.names


class LineFormat:
    """A text format streamed line by line; the manifest is its first line."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    extension: ClassVar[str]
    # Prefix of the manifest line: "" for JSON lines, "# " where the format has comment lines.
    manifest_prefix: ClassVar[str] = ""
    is_zip: ClassVar[bool] = False

    def header(self, context: ExportContext) -> Iterable[str]:
        return ()

    def render(self, document: Document, context: ExportContext) -> Iterable[str]:
        raise NotImplementedError

    def footer(self, context: ExportContext) -> Iterable[str]:
        return ()


class ZipWriter:
    """A deterministic zip: fixed timestamps, members in the order written, each one hashed.

    Deflate level 1: most members are small (brat writes two per assignment), where starting
    and flushing a compressor at level 6 cost more than the rest of the export.

    Small members go in at once; `spool(name)` collects a large member (one per split part, say)
    in a temporary file that joins the zip, in name order, when the writer is finished."""

    def __init__(self, out: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._spools: dict[str, IO[bytes]] = {}
        self.digests: dict[str, str] = {}

    def add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data, compresslevel=1)
        self.digests[name] = hashlib.sha256(data).hexdigest()

    def spool(self, name: str) -> IO[bytes]:
        if name not in self._spools:
            self._spools[name] = tempfile.SpooledTemporaryFile(max_size=2 * 2**20)  # noqa: SIM115
        return self._spools[name]

    def finish_spools(self) -> None:
        for name in sorted(self._spools):
            spool = self._spools.pop(name)
            spool.seek(0)
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            digest = hashlib.sha256()
            with self._zip.open(info, "w") as member:
                while chunk := spool.read(2**20):
                    digest.update(chunk)
                    member.write(chunk)
            spool.close()
            self.digests[name] = digest.hexdigest()

    def close(self) -> None:
        self._zip.close()


class ZipFormat:
    """A zip of files; the manifest is `manifest.json` inside it, written last."""

    name: ClassVar[str]
    media_type: ClassVar[str] = "application/zip"
    extension: ClassVar[str] = "zip"
    is_zip: ClassVar[bool] = True

    def write(
        self, documents: Iterator[Document], archive: ZipWriter, context: ExportContext
    ) -> None:
        raise NotImplementedError


def part_prefix(document: Document) -> str:
    """The folder of a document in a zip: its split part, or nothing without a split."""
    part = document.get("split")
    return f"{part}/" if part else ""


def one_line(value: Any) -> str:
    """A value on one line, for formats whose records are lines (brat notes, CoNLL comments)."""
    return " ".join(str(value).split())

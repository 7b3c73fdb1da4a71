"""Training-data exports: one module per format, all rendered from the native documents.

`FORMATS` maps each format name to its renderer; `write_export` runs one export into a binary file.
See docs/exports.md for every format's layout and rules.
"""

from annotate.exports import bio, brat, csv, doccano, jsonl, labelstudio
from annotate.exports.base import ExportOptions
from annotate.exports.records import ExportFilters
from annotate.exports.runner import validate_options, write_export
from annotate.exports.split import SplitSpec, parse_split

FORMATS = {
    module.FORMAT.name: module.FORMAT for module in (jsonl, csv, bio, brat, doccano, labelstudio)
}

__all__ = [
    "FORMATS",
    "ExportFilters",
    "ExportOptions",
    "SplitSpec",
    "parse_split",
    "validate_options",
    "write_export",
]

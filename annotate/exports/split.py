"""Deterministic train/dev/test split by article.

An article's part depends only on the seed and its content hash: `sha256("{seed}:{content_hash}")`,
read as a number in [0, 1), falls into one of the cumulative ratio intervals, in the order the
parts were given. The same ratios and seed give the same split on any machine, whatever else is
in the export, and an article (with all its annotators) is always in exactly one part.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from annotate.errors import InvalidInput

_PART_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
DEFAULT_SEED = 42


@dataclass(frozen=True)
class SplitSpec:
    ratios: tuple[tuple[str, float], ...]
    seed: int = DEFAULT_SEED

    def part_of(self, content_hash: str) -> str:
        digest = hashlib.sha256(f"{self.seed}:{content_hash}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64
        total = sum(ratio for _, ratio in self.ratios)
        cumulative = 0.0
        for name, ratio in self.ratios:
            cumulative += ratio / total
            if point < cumulative:
                return name
        return self.ratios[-1][0]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.ratios)

    def as_manifest(self) -> dict[str, Any]:
        return {
            "ratios": dict(self.ratios),
            "seed": self.seed,
            "method": "sha256(f'{seed}:{content_hash}')[:8] / 2**64 against cumulative ratios",
        }


def parse_split(value: str, *, seed: int = DEFAULT_SEED) -> SplitSpec:
    """`train=0.8,dev=0.1,test=0.1` -> SplitSpec; ratios must be positive and sum to 1."""
    ratios: list[tuple[str, float]] = []
    for item in value.split(","):
        name, sep, number = item.strip().partition("=")
        name = name.strip()
        if not sep or not _PART_NAME.match(name):
            raise InvalidInput(
                f"Split part {item.strip()!r} is not NAME=RATIO: write e.g. "
                "train=0.8,dev=0.1,test=0.1.",
                field="split",
            )
        try:
            ratio = float(number)
        except ValueError:
            raise InvalidInput(
                f"Split ratio {number.strip()!r} of {name!r} is not a number.", field="split"
            ) from None
        if not 0 < ratio <= 1:
            raise InvalidInput(
                f"Split ratio {ratio} of {name!r} must lie in (0, 1].", field="split"
            )
        if name in dict(ratios):
            raise InvalidInput(f"Split part {name!r} is named twice.", field="split")
        ratios.append((name, ratio))
    total = sum(ratio for _, ratio in ratios)
    if abs(total - 1) > 1e-6:
        raise InvalidInput(f"Split ratios sum to {total:g}: they must sum to 1.", field="split")
    if not -(2**63) <= seed < 2**63:
        raise InvalidInput(f"Split seed {seed} is out of range.", field="seed")
    return SplitSpec(ratios=tuple(ratios), seed=seed)

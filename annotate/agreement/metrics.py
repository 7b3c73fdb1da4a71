"""Agreement metrics as pure functions: no Django, no database, only labels in and numbers out.

Every function returns None where a coefficient is undefined (no units, no variation), never NaN, so
callers can print "n/a" and JSON stays valid. docs/review.md states the definitions and conventions.
"""

import bisect
import re
import warnings
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np
from scipy.optimize import linear_sum_assignment

Label = Hashable
SpanTuple = tuple[int, int]

# A token is a run of word characters or one other non-space character, so punctuation and
# quotation marks are tokens of their own: "'blockade'" is three tokens.
TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def tokenize(text: str) -> list[SpanTuple]:
    """The tokens of `text` as half-open code-point ranges."""
    return [(m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


class TokenIndex:
    """Maps character spans of one text to the set of token positions they touch."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self._starts = [start for start, _ in self.tokens]
        self._ends = [end for _, end in self.tokens]

    def __len__(self) -> int:
        return len(self.tokens)

    def token_set(self, spans: Iterable[SpanTuple]) -> frozenset[int]:
        """Token positions overlapping any of `spans` (one shared character is enough)."""
        positions: set[int] = set()
        for start, end in spans:
            first = bisect.bisect_right(self._ends, start)
            last = bisect.bisect_left(self._starts, end)
            positions.update(range(first, last))
        return frozenset(positions)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of `predicted` against `reference`, with the counts behind them."""

    matched: int
    reference: int
    predicted: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        # 2TP / (2TP + FP + FN): symmetric in the two annotators, defined whenever either has items.
        total = self.reference + self.predicted
        return 2 * self.matched / total if total else None

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(
            self.matched + other.matched,
            self.reference + other.reference,
            self.predicted + other.predicted,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def micro_average(scores: Iterable[PRF]) -> PRF:
    """Sum the counts of several comparisons (e.g. all pairs of annotators) into one score."""
    total = PRF(0, 0, 0)
    for score in scores:
        total = total + score
    return total


def exact_prf(reference: Iterable[Hashable], predicted: Iterable[Hashable]) -> PRF:
    """Exact match: an item counts as matched when the other side has an identical item.

    Both sides are sets: an item annotated twice by one annotator (two claims sharing a source
    mention) is one item of the text.
    """
    ref, pred = set(reference), set(predicted)
    return PRF(len(ref & pred), len(ref), len(pred))


def overlap_weights(left: Sequence[frozenset[int]], right: Sequence[frozenset[int]]) -> np.ndarray:
    """Token overlap, plus a tie-breaking share of the Jaccard index that never outweighs a token.

    With n = min(len(left), len(right)), a matching's Jaccard bonus sums to below 1, so the matching
    with the most overlapping tokens always wins and, among those, the one with closer boundaries.
    """
    weights = np.zeros((len(left), len(right)))
    bonus = 1.0 / (min(len(left), len(right)) + 1) if left and right else 0.0
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            shared = len(a & b)
            if shared:
                weights[i, j] = shared + bonus * shared / len(a | b)
    return weights


def match_by_overlap(
    left: Sequence[frozenset[int]], right: Sequence[frozenset[int]]
) -> list[tuple[int, int]]:
    """One-to-one matching maximising the overlapping tokens (scipy's linear_sum_assignment).

    Returns (i, j) index pairs of items that share at least one token, sorted by i.
    """
    if not left or not right:
        return []
    weights = overlap_weights(left, right)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if weights[i, j] > 0)


def overlap_prf(reference: Iterable[frozenset[int]], predicted: Iterable[frozenset[int]]) -> PRF:
    """Overlap match: items are token sets, matched one-to-one when they share a token.

    Duplicate and empty token sets are dropped first (see exact_prf).
    """
    ref = sorted({item for item in reference if item}, key=sorted)
    pred = sorted({item for item in predicted if item}, key=sorted)
    return PRF(len(match_by_overlap(ref, pred)), len(ref), len(pred))


def cohen_kappa(pairs: Sequence[tuple[Label, Label]]) -> float | None:
    """Cohen's kappa of two raters over the units both labelled.

    kappa = (p_o - p_e) / (1 - p_e); None when there are no units or p_e = 1 (both raters used one
    and the same label throughout, so chance agreement is total and kappa is undefined).
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def _pairable_units(units: Iterable[Sequence[Label | None]]) -> list[list[Label]]:
    """The units' non-missing values, keeping only units with at least two of them."""
    result = []
    for unit in units:
        values = [value for value in unit if value is not None]
        if len(values) >= 2:
            result.append(values)
    return result


def percent_agreement(units: Iterable[Sequence[Label | None]]) -> float | None:
    """Share of agreeing pairs among all pairs of values within units (None = missing).

    With two annotators this is the plain share of units labelled alike; with more, each unit
    contributes its m(m-1)/2 pairs, as in Krippendorff's observed agreement.
    """
    agreeing = total = 0
    for values in _pairable_units(units):
        for a, b in combinations(values, 2):
            total += 1
            agreeing += a == b
    return agreeing / total if total else None


def nominal_alpha(units: Iterable[Sequence[Label | None]]) -> float | None:
    """Krippendorff's alpha for nominal data, computed by the `krippendorff` package.

    `units` is one sequence per unit with one value per annotator (None = missing); any number of
    annotators. Units with fewer than two values cannot be paired and are left out, as the
    coefficient prescribes. None when no unit is pairable or all pairable values are equal
    (expected disagreement is zero, so alpha is undefined).
    """
    pairable = [list(unit) for unit in units if sum(value is not None for value in unit) >= 2]
    values = {value for unit in pairable for value in unit if value is not None}
    if len(values) < 2:
        return None
    codes = {value: index for index, value in enumerate(sorted(values, key=repr))}
    width = max(len(unit) for unit in pairable)
    matrix = np.full((width, len(pairable)), np.nan)
    for column, unit in enumerate(pairable):
        for row, value in enumerate(unit):
            if value is not None:
                matrix[row, column] = codes[value]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        alpha = krippendorff.alpha(
            reliability_data=matrix,
            value_domain=list(range(len(codes))),
            level_of_measurement="nominal",
        )
    return None if np.isnan(alpha) else float(alpha)


def _label_order(label: Label) -> tuple[int, int, str]:
    text = str(label)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def confusion_matrix(
    pairs: Sequence[tuple[Label, Label]], labels: Sequence[Label] | None = None
) -> dict[str, Any]:
    """Counts of (first rater's label, second rater's label): rows are the first rater.

    Labels are sorted numbers first (actor ids, in numeric order), then text."""
    if labels is None:
        labels = sorted({label for pair in pairs for label in pair}, key=_label_order)
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for a, b in pairs:
        matrix[index[a]][index[b]] += 1
    return {"labels": list(labels), "matrix": matrix}


def token_role_matrix(
    n_tokens: int, token_sets_by_annotator: Sequence[Iterable[frozenset[int]] | None]
) -> np.ndarray:
    """Token-level reliability data for one span role, annotators x tokens: 1 where the annotator
    put the token inside a span of the role, 0 where not, NaN (missing) for an annotator who did
    not annotate the text at all ("not annotated" is not "outside")."""
    matrix = np.full((len(token_sets_by_annotator), n_tokens), np.nan)
    for row, sets in enumerate(token_sets_by_annotator):
        if sets is None:
            continue
        matrix[row, :] = 0
        covered = [token for token_set in sets for token in token_set]
        if covered:
            matrix[row, covered] = 1
    return matrix


def binary_alpha(matrices: Sequence[np.ndarray]) -> float | None:
    """Krippendorff's nominal alpha (the `krippendorff` package) over reliability matrices of 0/1
    values with NaN for missing (annotators x units, same annotators in every matrix), e.g. the
    token matrices of several articles. Vectorised, unlike nominal_alpha, because a corpus has
    hundreds of thousands of tokens. None when no unit is pairable or there is no variation."""
    if not matrices:
        return None
    data = np.concatenate(matrices, axis=1)
    pairable = data[:, np.sum(~np.isnan(data), axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if values.size == 0 or values.min() == values.max():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        alpha = krippendorff.alpha(
            reliability_data=pairable, value_domain=[0.0, 1.0], level_of_measurement="nominal"
        )
    return None if np.isnan(alpha) else float(alpha)

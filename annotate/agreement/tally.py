"""Collect the agreement of many articles into one report: pure, no database.

`AgreementTally.add_article()` takes one article's text and each annotator's claims; `result()`
returns the JSON-ready report (the shape documented in docs/review.md). Scores over several
articles sum the counts of every article (micro-average), and every pair of annotators who both
annotated an article is one comparison; "overall" sums the pairs.
"""

from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from annotate.agreement.alignment import (
    NO_STANCE,
    AlignedGroup,
    ClaimLabels,
    align_claims,
)
from annotate.agreement.metrics import (
    PRF,
    TokenIndex,
    binary_alpha,
    cohen_kappa,
    confusion_matrix,
    exact_prf,
    micro_average,
    nominal_alpha,
    overlap_prf,
    percent_agreement,
    token_role_matrix,
)

ROLES = ("content", "source", "cue")
ALIGNED_ROLES = ("source", "cue")
LABEL_ELEMENTS = ("speaker", "type", "polarity")

Pair = tuple[str, str]


def _role_spans(claim: ClaimLabels, role: str) -> list[tuple[tuple[int, int], ...]]:
    """The role's items of a claim: its whole content (one item, however many parts), or the
    source or cue span when present."""
    if role == "content":
        return [claim.content]
    span = claim.source if role == "source" else claim.cue
    return [] if span is None else [(span,)]


class AgreementTally:
    def __init__(self, annotators: Sequence[str]) -> None:
        self.annotators = list(annotators)
        self.pairs: list[Pair] = list(combinations(self.annotators, 2))
        self.articles = 0
        self.span_exact = {role: {pair: PRF(0, 0, 0) for pair in self.pairs} for role in ROLES}
        self.span_overlap = {role: {pair: PRF(0, 0, 0) for pair in self.pairs} for role in ROLES}
        self.token_matrices: dict[str, list[np.ndarray]] = {role: [] for role in ROLES}
        self.unit_f1 = {pair: PRF(0, 0, 0) for pair in self.pairs}
        self.aligned_exact = {
            role: {pair: PRF(0, 0, 0) for pair in self.pairs} for role in ALIGNED_ROLES
        }
        self.aligned_overlap = {
            role: {pair: PRF(0, 0, 0) for pair in self.pairs} for role in ALIGNED_ROLES
        }
        # One row per unit, one value per annotator (None = missing), in self.annotators order.
        self.label_units: dict[str, list[list[Hashable | None]]] = {
            name: [] for name in LABEL_ELEMENTS
        }
        self.claim_counts = dict.fromkeys(self.annotators, 0)
        self.groups = 0
        self.groups_with_all = 0

    def add_article(
        self, text: str, claims_by_annotator: Mapping[str, Sequence[ClaimLabels]]
    ) -> list[AlignedGroup]:
        """Add one article; `claims_by_annotator` holds only the annotators who annotated it (an
        annotator with no claims maps to an empty list). Returns the aligned groups."""
        present = [a for a in self.annotators if a in claims_by_annotator]
        ordered = {a: claims_by_annotator[a] for a in present}
        index = TokenIndex(text)
        self.articles += 1
        for annotator, claims in ordered.items():
            self.claim_counts[annotator] += len(claims)

        for role in ROLES:
            exact_items = {
                a: [item for claim in claims for item in _role_spans(claim, role)]
                for a, claims in ordered.items()
            }
            token_items = {a: [index.token_set(item) for item in exact_items[a]] for a in present}
            for pair in combinations(present, 2):
                first, second = pair
                self.span_exact[role][pair] += exact_prf(exact_items[first], exact_items[second])
                self.span_overlap[role][pair] += overlap_prf(
                    token_items[first], token_items[second]
                )
            self.token_matrices[role].append(
                token_role_matrix(len(index), [token_items.get(a) for a in self.annotators])
            )

        groups = align_claims(ordered, index)
        self.groups += len(groups)
        self.groups_with_all += sum(1 for group in groups if set(present) <= set(group.claims))
        for group in groups:
            self._add_group(group, present, index)
        return groups

    def _add_group(self, group: AlignedGroup, present: list[str], index: TokenIndex) -> None:
        claims = group.claims
        for pair in combinations(present, 2):
            first, second = pair
            self.unit_f1[pair] += PRF(
                int(first in claims and second in claims),
                int(first in claims),
                int(second in claims),
            )
            if first not in claims or second not in claims:
                continue
            for role in ALIGNED_ROLES:
                a, b = claims[first].element(role), claims[second].element(role)
                self.aligned_exact[role][pair] += PRF(
                    int(a is not None and a == b), int(a is not None), int(b is not None)
                )
                overlapping = (
                    a is not None
                    and b is not None
                    and bool(index.token_set([a]) & index.token_set([b]))
                )
                self.aligned_overlap[role][pair] += PRF(
                    int(overlapping), int(a is not None), int(b is not None)
                )

        if len(claims) < 2:
            # A claim only one annotator made carries no pairable label; it counts in unit F1.
            return
        self.label_units["speaker"].append(
            [claims[a].speaker if a in claims else None for a in self.annotators]
        )
        self.label_units["type"].append(
            [claims[a].type if a in claims else None for a in self.annotators]
        )
        stances = {a: claim.polarity_by_target() for a, claim in claims.items()}
        targets = sorted({target for by_target in stances.values() for target in by_target})
        for target in targets:
            self.label_units["polarity"].append(
                [
                    stances[a].get(target, NO_STANCE) if a in stances else None
                    for a in self.annotators
                ]
            )

    def _pair_label(self, pair: Pair) -> dict[str, Any]:
        return {"a": pair[0], "b": pair[1]}

    def _prf_table(self, scores: Mapping[Pair, PRF]) -> dict[str, Any]:
        return {
            "overall": micro_average(scores.values()).as_dict(),
            "pairs": [
                {**self._pair_label(pair), **score.as_dict()} for pair, score in scores.items()
            ],
        }

    def _labels(self, name: str) -> dict[str, Any]:
        units = self.label_units[name]
        positions = {a: i for i, a in enumerate(self.annotators)}
        pairs = []
        for pair in self.pairs:
            i, j = positions[pair[0]], positions[pair[1]]
            labelled = [
                (unit[i], unit[j]) for unit in units if unit[i] is not None and unit[j] is not None
            ]
            pairs.append(
                {
                    **self._pair_label(pair),
                    "units": len(labelled),
                    "percent": percent_agreement(labelled),
                    "kappa": cohen_kappa(labelled),
                    "alpha": nominal_alpha(labelled),
                    "confusion": confusion_matrix(labelled),
                }
            )
        return {
            "units": len(units),
            "percent": percent_agreement(units),
            "alpha": nominal_alpha(units),
            "pairs": pairs,
        }

    def result(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators),
            "articles": self.articles,
            "claims": dict(self.claim_counts),
            "spans": {
                role: {
                    "exact": self._prf_table(self.span_exact[role]),
                    "overlap": self._prf_table(self.span_overlap[role]),
                    "token_alpha": binary_alpha(self.token_matrices[role]),
                }
                for role in ROLES
            },
            "units": {
                "groups": self.groups,
                "groups_with_all": self.groups_with_all,
                "f1": self._prf_table(self.unit_f1),
            },
            "aligned_roles": {
                role: {
                    "exact": self._prf_table(self.aligned_exact[role]),
                    "overlap": self._prf_table(self.aligned_overlap[role]),
                }
                for role in ALIGNED_ROLES
            },
            "labels": {name: self._labels(name) for name in LABEL_ELEMENTS},
        }

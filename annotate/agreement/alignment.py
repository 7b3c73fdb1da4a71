"""Align the claims of k annotators of one article, and compare aligned claims element by element.

Pure functions over plain data (ClaimLabels), shared by the agreement report, the side-by-side
comparison and adjudication, so all three see the same matches.

Alignment rule: annotators are taken in a fixed order (the caller's, by user id). The first
annotator's claims open one group each. Each next annotator's claims are matched one-to-one to the
groups by maximum total token overlap between the claim's content and the union of the group's
contents (scipy's linear_sum_assignment, ties broken towards closer boundaries, see
metrics.overlap_weights); a claim sharing no token with any free group opens a new group. With two
annotators this is exactly the pairwise maximum-weight matching.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotate.agreement.metrics import SpanTuple, TokenIndex, match_by_overlap

UNKNOWN_SPEAKER = "unknown"
NO_STANCE = "none"
ELEMENTS = ("content", "source", "cue", "speaker", "type", "stances")


@dataclass(frozen=True)
class ClaimLabels:
    """What agreement looks at in one claim. `speaker` is the actor id as text or "unknown";
    `stances` holds sorted (target key, polarity) pairs, a target key being "actor:<id>" or
    "topic:<lower-cased topic>"."""

    id: int
    content: tuple[SpanTuple, ...]
    type: str
    source: SpanTuple | None = None
    cue: SpanTuple | None = None
    speaker: str = UNKNOWN_SPEAKER
    stances: tuple[tuple[str, str], ...] = ()
    nested_in: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def element(self, name: str) -> Any:
        return getattr(self, name)

    def polarity_by_target(self) -> dict[str, str]:
        return dict(self.stances)


def stance_target_key(target_actor_id: int | None, target_topic: str) -> str:
    if target_actor_id is not None:
        return f"actor:{target_actor_id}"
    return "topic:" + " ".join(target_topic.lower().split())


@dataclass
class AlignedGroup:
    """Claims of different annotators judged to be the same statement: {annotator: claim}."""

    claims: dict[str, ClaimLabels]
    tokens: frozenset[int]

    @property
    def start(self) -> int:
        return min(claim.content[0][0] for claim in self.claims.values() if claim.content)

    def differing_elements(self) -> set[str]:
        """Elements on which the group's claims do not all agree (empty if one claim)."""
        claims = list(self.claims.values())
        return {
            name
            for name in ELEMENTS
            if any(claim.element(name) != claims[0].element(name) for claim in claims[1:])
        }

    def is_unanimous(self, annotators: Sequence[str]) -> bool:
        """Every annotator has a claim here and all claims agree on every element."""
        return set(annotators) <= set(self.claims) and not self.differing_elements()


def align_claims(
    claims_by_annotator: Mapping[str, Sequence[ClaimLabels]], index: TokenIndex
) -> list[AlignedGroup]:
    """Group the annotators' claims of one article (see the module docstring), in text order."""
    groups: list[AlignedGroup] = []
    for annotator, claims in claims_by_annotator.items():
        claim_tokens = [index.token_set(claim.content) for claim in claims]
        group_tokens = [group.tokens for group in groups]
        matched = dict(
            (j, i) for i, j in match_by_overlap(group_tokens, claim_tokens)
        )  # claim index -> group index
        for j, claim in enumerate(claims):
            if j in matched:
                group = groups[matched[j]]
                group.claims[annotator] = claim
                group.tokens = group.tokens | claim_tokens[j]
            else:
                groups.append(AlignedGroup(claims={annotator: claim}, tokens=claim_tokens[j]))
    groups.sort(key=lambda group: (group.start, min(group.tokens, default=0)))
    return groups

"""Alignment of claims across annotators and the agreement tally, on hand-computed cases."""

import pytest

from annotate.agreement.alignment import ClaimLabels, align_claims
from annotate.agreement.metrics import TokenIndex
from annotate.agreement.tally import AgreementTally

#       0         1         2         3         4         5         6         7
#       01234567890123456789012345678901234567890123456789012345678901234567890123456
TEXT = "Aliyev said peace is near. Pashinyan noted that talks stalled. Rain fell today."
ALIYEV, SAID, PEACE = (0, 6), (7, 11), (12, 25)
PASHINYAN, NOTED, TALKS = (27, 36), (37, 42), (48, 61)


def claim(pk, content, **labels):
    labels.setdefault("type", "indirect")
    return ClaimLabels(id=pk, content=tuple(content), **labels)


def test_align_claims_pairs_claims_by_content_overlap():
    index = TokenIndex(TEXT)
    groups = align_claims(
        {
            "ann1": [claim(1, [TALKS]), claim(2, [PEACE])],
            "ann2": [claim(3, [(12, 20)]), claim(4, [(64, 78)])],
        },
        index,
    )
    assert [{a: c.id for a, c in g.claims.items()} for g in groups] == [
        {"ann1": 2, "ann2": 3},
        {"ann1": 1},
        {"ann2": 4},
    ]


def test_align_claims_groups_three_annotators_one_claim_each():
    index = TokenIndex(TEXT)
    groups = align_claims(
        {
            "a": [claim(1, [PEACE])],
            "b": [claim(2, [(12, 17)])],
            "c": [claim(3, [(21, 25)]), claim(4, [(12, 20)])],
        },
        index,
    )
    # c's claim 4 ("peace is") shares two tokens with the group, claim 3 ("near") one; claim 3
    # opens its own group because c may have only one claim per group.
    assert [{a: c.id for a, c in g.claims.items()} for g in groups] == [
        {"a": 1, "b": 2, "c": 4},
        {"c": 3},
    ]


def test_differing_elements_names_each_disagreement():
    index = TokenIndex(TEXT)
    (group,) = align_claims(
        {
            "a": [
                claim(
                    1,
                    [PEACE],
                    source=ALIYEV,
                    cue=SAID,
                    speaker="7",
                    stances=(("topic:peace", "favor"),),
                )
            ],
            "b": [
                claim(
                    2,
                    [PEACE],
                    source=ALIYEV,
                    cue=(7, 10),
                    speaker="unknown",
                    type="direct",
                    stances=(("topic:peace", "favor"),),
                )
            ],
        },
        index,
    )
    assert group.differing_elements() == {"cue", "speaker", "type"}
    assert not group.is_unanimous(["a", "b"])


def test_unanimous_group_needs_every_annotator():
    index = TokenIndex(TEXT)
    same = {"source": ALIYEV, "cue": SAID, "speaker": "7"}
    (group,) = align_claims(
        {"a": [claim(1, [PEACE], **same)], "b": [claim(2, [PEACE], **same)]}, index
    )
    assert group.is_unanimous(["a", "b"])
    assert not group.is_unanimous(["a", "b", "c"])


def two_annotator_tally():
    tally = AgreementTally(["a", "b"])
    tally.add_article(
        TEXT,
        {
            "a": [
                claim(
                    1,
                    [PEACE],
                    source=ALIYEV,
                    cue=SAID,
                    speaker="7",
                    stances=(("topic:peace", "favor"),),
                ),
                claim(2, [TALKS], source=PASHINYAN, cue=NOTED, speaker="8", type="indirect"),
            ],
            "b": [
                claim(
                    3,
                    [(12, 20)],
                    source=ALIYEV,
                    cue=SAID,
                    speaker="7",
                    stances=(("topic:peace", "against"),),
                ),
                claim(4, [TALKS], source=(27, 35), speaker="unknown", type="direct"),
                claim(5, [(64, 78)], speaker="unknown"),
            ],
        },
    )
    return tally.result()


def test_tally_span_scores_by_hand():
    result = two_annotator_tally()
    content = result["spans"]["content"]
    # Content: a {PEACE, TALKS}, b {12-20, TALKS, 64-78}: exact 1 match, overlap 2 matches.
    assert content["exact"]["overall"]["f1"] == pytest.approx(2 * 1 / 5)
    assert content["overlap"]["overall"]["f1"] == pytest.approx(2 * 2 / 5)
    assert content["overlap"]["overall"]["precision"] == pytest.approx(2 / 3)
    assert content["overlap"]["overall"]["recall"] == pytest.approx(2 / 2)
    # Source: a {ALIYEV, PASHINYAN}, b {ALIYEV, 27-35}: exact 1, overlap 2 of 2 + 2.
    assert result["spans"]["source"]["exact"]["overall"]["f1"] == pytest.approx(0.5)
    assert result["spans"]["source"]["overlap"]["overall"]["f1"] == pytest.approx(1.0)
    # Cue: a {SAID, NOTED}, b {SAID}: one match.
    assert result["spans"]["cue"]["exact"]["overall"]["f1"] == pytest.approx(2 / 3)


def test_tally_token_alpha_by_hand_for_the_cue_role():
    """Cue tokens: "said" marked by both, "noted" by a only; the other 14 tokens by neither.
    Values: n = 32, n1 = 3, n0 = 29, disagreeing pairs o10 + o01 = 2:
    alpha = 1 - (n - 1) * 2 / (2 * n1 * n0) = 1 - 31 / 87."""
    result = two_annotator_tally()
    assert len(TokenIndex(TEXT)) == 16
    assert result["spans"]["cue"]["token_alpha"] == pytest.approx(1 - 31 / 87)


def test_tally_unit_and_aligned_role_scores_by_hand():
    result = two_annotator_tally()
    # Units: 2 aligned groups of a's 2 and b's 3 claims.
    assert result["units"]["f1"]["overall"]["f1"] == pytest.approx(2 * 2 / 5)
    source = result["aligned_roles"]["source"]
    # Aligned sources: (ALIYEV, ALIYEV) exact, (PASHINYAN, 27-35) overlap only.
    assert source["exact"]["overall"]["f1"] == pytest.approx(0.5)
    assert source["overlap"]["overall"]["f1"] == pytest.approx(1.0)
    # Aligned cues: (SAID, SAID), (NOTED, none): 1 match of 2 + 1.
    assert result["aligned_roles"]["cue"]["exact"]["overall"]["f1"] == pytest.approx(2 / 3)


def test_tally_label_agreement_by_hand():
    labels = two_annotator_tally()["labels"]
    speaker = labels["speaker"]
    # Speaker on the two aligned units: (7, 7) and (8, unknown).
    assert speaker["units"] == 2
    assert speaker["percent"] == pytest.approx(0.5)
    # kappa: p_o = 1/2, a: {7, 8}, b: {7, unknown}: p_e = 1/4; (1/2 - 1/4) / (3/4) = 1/3.
    assert speaker["pairs"][0]["kappa"] == pytest.approx(1 / 3)
    assert speaker["pairs"][0]["confusion"] == {
        "labels": ["7", "8", "unknown"],
        "matrix": [[1, 0, 0], [0, 0, 1], [0, 0, 0]],
    }
    # Type: (indirect, indirect), (indirect, direct).
    assert labels["type"]["percent"] == pytest.approx(0.5)
    # Polarity per target: only "topic:peace" in the first unit, favor vs against.
    assert labels["polarity"]["units"] == 1
    assert labels["polarity"]["percent"] == 0.0


def test_tally_treats_an_annotator_absent_from_an_article_as_missing():
    tally = AgreementTally(["a", "b", "c"])
    tally.add_article(TEXT, {"a": [claim(1, [PEACE])], "b": [claim(2, [PEACE])]})
    result = tally.result()
    pairs = {(p["a"], p["b"]): p for p in result["units"]["f1"]["pairs"]}
    assert pairs[("a", "b")]["f1"] == 1.0
    assert pairs[("a", "c")]["f1"] is None
    assert result["units"]["groups_with_all"] == 1

"""Every metric against published worked examples and small cases computed by hand."""

import numpy as np
import pytest

from annotate.agreement.metrics import (
    PRF,
    TokenIndex,
    binary_alpha,
    cohen_kappa,
    confusion_matrix,
    exact_prf,
    match_by_overlap,
    micro_average,
    nominal_alpha,
    overlap_prf,
    percent_agreement,
    token_role_matrix,
    tokenize,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, nominal values, missing data (None).
OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
RELIABILITY_UNITS = [list(unit) for unit in zip(*OBSERVERS.values(), strict=True)]


def test_nominal_alpha_reproduces_krippendorffs_missing_data_example():
    assert nominal_alpha(RELIABILITY_UNITS) == pytest.approx(0.743, abs=5e-4)


def test_nominal_alpha_reproduces_krippendorffs_binary_two_observer_example():
    """Section A of the same paper: alpha = 0.095."""
    first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert nominal_alpha(list(zip(first, second, strict=True))) == pytest.approx(0.095, abs=5e-4)


def test_nominal_alpha_reproduces_krippendorffs_nominal_two_observer_example():
    """Section B: values a-e, two observers, no missing data: alpha = 0.692."""
    first = list("aabbdcccedda")
    second = list("babbbccceddd")
    assert nominal_alpha(list(zip(first, second, strict=True))) == pytest.approx(0.692, abs=5e-4)


def test_nominal_alpha_accepts_labels_of_any_hashable_type():
    units = [["favor", "favor"], ["against", "favor"], ["neutral", "neutral"], ["favor", None]]
    as_numbers = [[1, 1], [2, 1], [3, 3], [1, None]]
    assert nominal_alpha(units) == pytest.approx(nominal_alpha(as_numbers))


def test_nominal_alpha_hand_computed_binary_case():
    """Values 1 1 0 0 vs 1 0 0 0: n = 8, n1 = 3, n0 = 5, o10 + o01 = 2;
    alpha = 1 - (n - 1) * 2 / (2 * n1 * n0) = 1 - 14 / 30."""
    assert nominal_alpha([[1, 1], [1, 0], [0, 0], [0, 0]]) == pytest.approx(1 - 14 / 30)


def test_nominal_alpha_is_undefined_without_variation_or_pairable_units():
    assert nominal_alpha([["a", "a"], ["a", "a"]]) is None
    assert nominal_alpha([["a", None], [None, "b"]]) is None
    assert nominal_alpha([]) is None


def test_nominal_alpha_is_one_for_perfect_agreement_with_variation():
    assert nominal_alpha([["a", "a", None], ["b", "b", "b"]]) == pytest.approx(1.0)


def test_cohen_kappa_reproduces_the_wikipedia_50_item_example():
    """Wikipedia, "Cohen's kappa", simple example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no."""
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_cohen_kappa_reproduces_the_wikipedia_same_agreement_examples():
    """Same observed agreement (0.60), different marginals: kappa 0.1304 and 0.2593."""
    balanced = [(1, 1)] * 45 + [(1, 0)] * 15 + [(0, 1)] * 25 + [(0, 0)] * 15
    skewed = [(1, 1)] * 25 + [(1, 0)] * 35 + [(0, 1)] * 5 + [(0, 0)] * 35
    assert cohen_kappa(balanced) == pytest.approx(0.1304, abs=1e-4)
    assert cohen_kappa(skewed) == pytest.approx(0.2593, abs=1e-4)


def test_cohen_kappa_is_undefined_without_units_or_variation():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None


def test_cohen_kappa_is_negative_for_systematic_disagreement():
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def test_percent_agreement_counts_pairs_within_units():
    """Unit 1: 3 values, pairs (1,1) (1,2) (1,2): 1 of 3 agree; unit 2: one pair agreeing;
    unit 3 has one value and cannot be paired: 2 / 4."""
    assert percent_agreement([[1, 1, 2], [3, 3, None], [4, None, None]]) == pytest.approx(0.5)
    assert percent_agreement([[1, None]]) is None


def test_percent_agreement_of_krippendorffs_example():
    """Hand count over the 11 pairable units of section C (unit 12 has one value): pairs per unit
    3 6 6 6 6 6 6 6 6 3 1 = 55, agreeing 3 3 6 6 6 0 6 3 6 3 1 = 43."""
    assert percent_agreement(RELIABILITY_UNITS) == pytest.approx(43 / 55)


def test_confusion_matrix_rows_are_the_first_rater():
    result = confusion_matrix([("a", "a"), ("a", "b"), ("b", "b"), ("a", "b")])
    assert result == {"labels": ["a", "b"], "matrix": [[1, 2], [0, 1]]}


def test_prf_is_undefined_without_items_and_sums_counts():
    assert PRF(0, 0, 0).f1 is None
    total = micro_average([PRF(1, 2, 1), PRF(2, 2, 4)])
    assert (total.matched, total.reference, total.predicted) == (3, 4, 5)
    assert total.precision == pytest.approx(3 / 5)
    assert total.recall == pytest.approx(3 / 4)
    assert total.f1 == pytest.approx(6 / 9)


def test_exact_prf_matches_identical_spans_only():
    reference = [((0, 5),), ((10, 20),), ((30, 35), (40, 45))]
    predicted = [((0, 5),), ((10, 19),), ((30, 35), (40, 45)), ((50, 60),)]
    score = exact_prf(reference, predicted)
    assert (score.matched, score.reference, score.predicted) == (2, 3, 4)
    assert score.f1 == pytest.approx(4 / 7)


def test_exact_prf_counts_a_repeated_span_once():
    score = exact_prf([((0, 3),), ((0, 3),)], [((0, 3),)])
    assert (score.matched, score.reference, score.predicted) == (1, 1, 1)


def test_tokenize_splits_words_and_punctuation():
    text = "He said: “peace, now”."
    assert [text[s:e] for s, e in tokenize(text)] == [
        "He",
        "said",
        ":",
        "“",
        "peace",
        ",",
        "now",
        "”",
        ".",
    ]


def test_token_set_touches_every_token_a_span_overlaps():
    index = TokenIndex("The minister noted it.")
    # "minister" is token 1; a span cutting "inis" still touches it; "noted it" is tokens 2 and 3.
    assert index.token_set([(5, 9)]) == {1}
    assert index.token_set([(13, 21)]) == {2, 3}
    assert index.token_set([(3, 4)]) == frozenset()  # only the space
    assert index.token_set([(0, 3), (13, 18)]) == {0, 2}


def test_overlap_prf_matches_one_to_one():
    """One long reference span overlaps two predicted spans, but only one may match it."""
    score = overlap_prf([frozenset({1, 2, 3, 4})], [frozenset({1, 2}), frozenset({3, 4})])
    assert (score.matched, score.reference, score.predicted) == (1, 1, 2)


def test_overlap_matching_maximises_total_overlap_not_greedy_best():
    """Greedy would pair L0 with R0 (3 tokens) and leave L1 unmatched; the maximum matching pairs
    L0-R1 and L1-R0 (2 + 2 tokens)."""
    left = [frozenset({1, 2, 3, 4}), frozenset({1, 2})]
    right = [frozenset({1, 2, 3}), frozenset({3, 4, 5})]
    assert match_by_overlap(left, right) == [(0, 1), (1, 0)]


def test_overlap_matching_prefers_closer_boundaries_on_equal_overlap():
    left = [frozenset({1, 2})]
    right = [frozenset({1, 2, 3, 4, 5}), frozenset({1, 2, 3})]
    assert match_by_overlap(left, right) == [(0, 1)]


def test_overlap_matching_leaves_disjoint_items_unmatched():
    assert match_by_overlap([frozenset({1})], [frozenset({2})]) == []
    assert match_by_overlap([], [frozenset({2})]) == []


def test_token_role_matrix_marks_inside_outside_and_missing():
    matrix = token_role_matrix(4, [[frozenset({0, 1})], [frozenset({1}), frozenset({3})], None])
    assert matrix[:2].tolist() == [[1, 1, 0, 0], [0, 1, 0, 1]]
    assert np.isnan(matrix[2]).all()


def test_binary_alpha_equals_nominal_alpha_over_the_same_units():
    """The vectorised token alpha and the unit-by-unit nominal alpha agree, missing values and
    units split over several matrices included."""
    rng = np.random.default_rng(6)
    matrices = [rng.integers(0, 2, size=(3, n)).astype(float) for n in (40, 25)]
    matrices[1][2, :] = np.nan  # the third annotator did not annotate the second text
    matrices[0][0, :5] = np.nan
    units = [
        [None if np.isnan(v) else int(v) for v in column]
        for matrix in matrices
        for column in matrix.T
    ]
    assert binary_alpha(matrices) == pytest.approx(nominal_alpha(units))


def test_binary_alpha_reproduces_krippendorffs_binary_example():
    first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert binary_alpha([np.array([first, second], dtype=float)]) == pytest.approx(0.095, abs=5e-4)


def test_binary_alpha_is_undefined_without_variation_or_pairs():
    assert binary_alpha([]) is None
    assert binary_alpha([np.zeros((2, 5))]) is None
    assert binary_alpha([np.array([[1.0, np.nan], [np.nan, 0.0]])]) is None

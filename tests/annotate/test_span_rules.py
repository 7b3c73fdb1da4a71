"""Property tests of the span rules every claim write applies (check_span, check_content)."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from annotate.errors import InvalidInput
from annotate.services.attributions import check_content, check_span

texts = st.text(alphabet=st.sampled_from("ab \n\u00e9\U0001f600\u0301"), min_size=0, max_size=40)
offsets = st.integers(min_value=-3, max_value=45)
spans = st.tuples(offsets, offsets)


@given(text=texts, span=spans)
def test_check_span_accepts_exactly_the_non_blank_ranges_inside_the_text(text, span):
    start, end = span
    valid = 0 <= start < end <= len(text) and text[start:end].strip() != ""
    try:
        assert check_span(span, role="content", text=text) == span
    except InvalidInput as exc:
        assert not valid, exc.message
        assert f"{start}-{end}" in exc.message
    else:
        assert valid


@given(text=texts, values=st.lists(spans, min_size=1, max_size=5))
def test_check_content_returns_sorted_disjoint_spans_or_refuses(text, values):
    try:
        result = check_content(values, text=text)
    except InvalidInput:
        return
    assert result == sorted(result)
    assert sorted(result) == sorted(tuple(v) for v in values)
    for (_s1, e1), (s2, _e2) in itertools.pairwise(result):
        assert e1 <= s2
    for start, end in result:
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip()

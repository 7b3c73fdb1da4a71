"""Blocks and sentences: gold sentences, abbreviations, headings and offset invariants."""

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.importers.seed import parse_seed
from corpus.segmentation import HEADING, PARAGRAPH, check_segments, segment
from tests.corpus.conftest import DEMO_DATA, SEEDS, read_jsonl, seed_paths


def _seed_sentences() -> dict[str, tuple[str, list[str]]]:
    """file -> (text, sentences as segmented from the body)."""
    out = {}
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        record = parse_seed(text, name=str(path))
        blocks = segment(text, body_start=record.body_start, heading_lines=record.heading_lines)
        out[f"seeds/{path.name}"] = (text, [text[s:e] for b in blocks for s, e in b.sentences])
    return out


def test_segment_gives_every_gold_sentence_as_one_sentence():
    """Each gold `sentence` is exactly one segmented sentence (002-a14 spans a paragraph)."""
    segmented = _seed_sentences()
    missing = []
    for gold in read_jsonl(DEMO_DATA / "seeds.gold.jsonl"):
        _text, sentences = segmented[gold["file"]]
        if gold["id"] == "002-a14":
            continue
        if gold["sentence"] not in sentences:
            missing.append(gold["id"])
    assert missing == []


def test_segment_covers_the_quote_paragraph_of_002_a14_with_consecutive_sentences():
    """The three-sentence quotation of 002-a14 is three consecutive sentences, whole."""
    gold = next(g for g in read_jsonl(DEMO_DATA / "seeds.gold.jsonl") if g["id"] == "002-a14")
    _text, sentences = _seed_sentences()[gold["file"]]
    for i in range(len(sentences)):
        for j in range(i + 1, len(sentences) + 1):
            if " ".join(sentences[i:j]) == gold["sentence"]:
                assert j - i == 3
                return
    pytest.fail("002-a14 is not covered by consecutive sentences")


def test_segment_keeps_gold_content_spans_inside_one_sentence():
    """No gold content span crosses a sentence boundary (sentences are labelling units)."""
    bounds = defaultdict(list)
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        record = parse_seed(text, name=str(path))
        for block in segment(text, body_start=record.body_start):
            bounds[f"seeds/{path.name}"].extend(block.sentences)
    for gold in read_jsonl(DEMO_DATA / "seeds.gold.jsonl"):
        if gold["id"] == "002-a14":
            continue
        for span in gold["content"]:
            assert any(s <= span["start"] and span["end"] <= e for s, e in bounds[gold["file"]]), (
                gold["id"]
            )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Department of State said so. It was late.",
            ["The U.S. Department of State said so.", "It was late."],
        ),
        (
            "Mr. Smith met Mrs. Jones at No. 5 Downing Street. They talked.",
            ["Mr. Smith met Mrs. Jones at No. 5 Downing Street.", "They talked."],
        ),
        (
            "He arrived at 5 p.m. on Monday. Then he left.",
            ["He arrived at 5 p.m. on Monday.", "Then he left."],
        ),
    ],
)
def test_segment_does_not_split_at_abbreviations(text, expected):
    """`U.S.`, `Mr.`, `No. 5` and `p.m.` end no sentence; the real full stops do."""
    (block,) = segment(text)
    assert [text[s:e] for s, e in block.sentences] == expected


def test_segment_finds_the_four_headings_of_002():
    """Short lines without final punctuation inside the body are headings."""
    path = SEEDS / "002_6cee9a5cac6f40e7.txt"
    text = path.read_text(encoding="utf-8")
    record = parse_seed(text, name=str(path))
    blocks = segment(text, body_start=record.body_start)
    headings = [text[b.start : b.end] for b in blocks if b.kind == HEADING]
    assert headings == ["Singapore, Sweden", "UNAOC", "Hungary", "Red Cross"]


def test_segment_makes_explicit_heading_lines_headings():
    """A line the importer names as a heading is one, even when it ends with a full stop."""
    text = "Intro paragraph here.\n\nPart one.\n\nBody text."
    blocks = segment(text, heading_lines=["Part one."])
    assert [(b.kind, text[b.start : b.end]) for b in blocks] == [
        (PARAGRAPH, "Intro paragraph here."),
        (HEADING, "Part one."),
        (PARAGRAPH, "Body text."),
    ]


def test_segment_skips_text_before_body_start():
    """Header lines before `body_start` get no block."""
    text = " date 2023-04-05\n\nFirst paragraph. Second sentence."
    blocks = segment(text, body_start=text.index("First"))
    assert [text[b.start : b.end] for b in blocks] == ["First paragraph. Second sentence."]


def test_segment_handles_crlf_and_tabs():
    """CRLF and CR end lines; tabs and spaces around a line stay outside its block."""
    text = "\tOne sentence. Two sentence.\r\n\r\n  Three here.\rFour."
    blocks = segment(text)
    assert [text[b.start : b.end] for b in blocks] == [
        "One sentence. Two sentence.",
        "Three here.",
        "Four.",
    ]
    assert [text[s:e] for b in blocks for s, e in b.sentences] == [
        "One sentence.",
        "Two sentence.",
        "Three here.",
        "Four.",
    ]


_pieces = st.sampled_from(
    [
        "Hello",
        "world",
        " ",
        "  ",
        ".",
        ". ",
        "! ",
        "? ",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "\n\n",
        "U.S.",
        "Mr.",
        "No. 5",
        "\u201cQuoted,\u201d",
        "\u2018single\u2019",
        '"straight"',
        "e\u0301",
        "\U0001f600",
        "\U0001f1e6\U0001f1ff",
        "(",
        ")",
        "...",
        "\u2026",
        "\u00a0",
        "\u2028",
        "\u200b",
        "Red Cross",
        # Words around the full stops where segmentation cuts without asking syntok.
        " region. The",
        " region.  Bayramov",
        " etc. The",
        " no. The",
        " may. June",
        " sept. The",
        " approx. Ten",
        "region",
        "the",
        "The",
        "McDonald",
        "Bayramov",
        "I",
        "iv",
    ]
)
_texts = st.one_of(
    st.text(),
    st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=40).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=_texts, body_fraction=st.floats(min_value=0, max_value=1))
def test_segment_offsets_hold_for_any_text(text, body_fraction):
    """Blocks and sentences are in order, non-empty, trimmed, disjoint, sentences inside blocks."""
    body_start = int(len(text) * body_fraction)
    blocks = segment(text, body_start=body_start)
    assert check_segments(text, blocks) is None
    for block in blocks:
        assert block.start >= body_start
        assert block.sentences, "every block has at least one sentence"
        assert "\n" not in text[block.start : block.end]
        assert "\r" not in text[block.start : block.end]


@settings(max_examples=200, deadline=None)
@given(text=_texts)
def test_segment_leaves_no_visible_character_of_a_line_outside_a_sentence(text):
    """Every non-whitespace character of the body lies in exactly one sentence."""
    covered = [0] * len(text)
    for block in segment(text):
        for s, e in block.sentences:
            for i in range(s, e):
                covered[i] += 1
    for i, char in enumerate(text):
        if not char.isspace():
            assert covered[i] == 1, (i, char)


def _syntok_starts(text: str) -> list[int]:
    """Sentence starts as plain syntok gives them for one line (reference for the fast paths)."""
    from syntok.segmenter import segment as syntok_segment
    from syntok.tokenizer import Tokenizer

    starts = []
    for sentence in syntok_segment(Tokenizer(replace_not_contraction=False).tokenize(text)):
        first, last = sentence[0], sentence[-1]
        chunk = text[first.offset : last.offset + len(last.value)]
        if chunk.strip():
            starts.append(first.offset + len(chunk) - len(chunk.lstrip()))
    return starts


@settings(max_examples=400, deadline=None)
@given(text=_texts)
def test_tokenize_gives_the_tokens_of_syntok(text):
    """The cached tokenizer yields syntok's tokens: same spacing, value and offset."""
    from syntok.tokenizer import Tokenizer

    from corpus.segmentation import tokenize

    expected = Tokenizer(replace_not_contraction=False).tokenize(text)
    assert [(t.spacing, t.value, t.offset) for t in tokenize(text)] == [
        (t.spacing, t.value, t.offset) for t in expected
    ]


@settings(max_examples=400, deadline=None)
@given(text=_texts)
def test_segment_starts_sentences_where_syntok_does(text):
    """Apart from the first, sentences start where syntok starts them (fast path included)."""
    for block in segment(text):
        line = text[block.start : block.end]
        if block.kind == HEADING:
            continue
        ours = [s - block.start for s, _e in block.sentences]
        assert ours[1:] == _syntok_starts(line)[1:]


def test_segment_starts_sentences_where_syntok_does_in_the_seeds():
    """On every seed paragraph, sentence starts are exactly syntok's own."""
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        for block in segment(text):
            line = text[block.start : block.end]
            if block.kind == HEADING:
                continue
            assert [s - block.start for s, _e in block.sentences][1:] == _syntok_starts(line)[1:]


@pytest.mark.parametrize(
    "line",
    [
        "They met in the region. The talks went well. Bayramov left.",
        "Prices rose approx. Ten people came. No more.",
        "He said no. The end. It rained in may. June was dry.",
        "The ministers met (in the region. The talks were long) and left. Then it ended.",
        'She noted that. "Quoted words." He agreed. U.S. officials came.',
        "Two spaces here.  Then more. And etc. Then done.",
    ],
)
def test_segment_matches_syntok_around_full_stops(line):
    """Full stops after plain words, abbreviations, `no`, months and inside brackets: as syntok."""
    (block,) = segment(line)
    assert [s for s, _e in block.sentences][1:] == _syntok_starts(line)[1:]

"""The UTF-16 <-> code-point conversion of offsets.js, run in Chromium against Python's indices."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OFFSETS_JS = Path(__file__).resolve().parents[2] / "annotate" / "static" / "annotate" / "offsets.js"

# Emoji outside the BMP (two UTF-16 units each), a flag of two such code points, a ZWJ sequence,
# combining marks (a code point each, one unit each) and plain ASCII.
SAMPLES = [
    "plain ascii",
    "😀 before",
    "Cafe\u0301 and n\u0303o 😀 “quoted” 🇦🇿 flag",
    "👩\u200d💻 at work, e\u0301\u0301 twice marked, \U0001d518\U0001d52b\U0001d526 (Fraktur)",
    "",
]


@pytest.fixture
def offsets_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.add_script_tag(path=str(OFFSETS_JS))
    yield page
    context.close()


def utf16_starts(text: str) -> list[int]:
    """Python's view: the UTF-16 index where each code point starts, plus the end."""
    starts, unit = [], 0
    for character in text:
        starts.append(unit)
        unit += 2 if ord(character) > 0xFFFF else 1
    return [*starts, unit]


@pytest.mark.parametrize("text", SAMPLES)
def test_code_points_map_to_the_utf16_indices_python_expects(offsets_page, text):
    result = offsets_page.evaluate(
        """(text) => {
            const converter = AnnotateOffsets.makeOffsetConverter(text);
            const points = [];
            for (let cp = 0; cp <= converter.length; cp += 1) points.push(converter.toUtf16(cp));
            return {length: converter.length, points};
        }""",
        text,
    )
    assert result["length"] == len(text)
    assert result["points"] == utf16_starts(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_utf16_indices_map_back_to_code_points(offsets_page, text):
    starts = utf16_starts(text)
    back = offsets_page.evaluate(
        """([text, starts]) => {
            const converter = AnnotateOffsets.makeOffsetConverter(text);
            return starts.map((unit) => converter.toCodePoint(unit));
        }""",
        [text, starts],
    )
    assert back == list(range(len(text) + 1))


def test_an_index_inside_a_surrogate_pair_rounds_to_the_pair(offsets_page):
    down, up = offsets_page.evaluate(
        """() => {
            const converter = AnnotateOffsets.makeOffsetConverter("a😀b");
            return [converter.toCodePoint(2), converter.toCodePoint(2, true)];
        }"""
    )
    assert (down, up) == (1, 2)


def test_a_slice_by_code_points_matches_python(offsets_page):
    text = "Cafe\u0301 😀 “We will not accept this,” he said."
    start = text.index("We")
    end = text.index("this") + len("this")
    sliced = offsets_page.evaluate(
        """([text, start, end]) => {
            const converter = AnnotateOffsets.makeOffsetConverter(text);
            return text.slice(converter.toUtf16(start), converter.toUtf16(end));
        }""",
        [text, start, end],
    )
    assert sliced == text[start:end] == "We will not accept this"


def test_offsets_outside_the_text_are_clamped(offsets_page):
    assert offsets_page.evaluate(
        """() => {
            const converter = AnnotateOffsets.makeOffsetConverter("😀x");
            return [converter.toUtf16(-5), converter.toUtf16(99), converter.toCodePoint(99)];
        }"""
    ) == [0, 3, 2]

"""Split an article text into blocks (paragraphs, headings) and sentences, as code-point offsets.

Every span is `text[start:end]`, half-open, with no whitespace at either end. Blocks are the
non-empty lines of the body (in the news input, paragraphs are single lines separated by blank
lines; a hard-wrapped paragraph becomes one block per line). Sentences come from syntok, which
keeps abbreviations such as `U.S.`, `Mr.` and `No. 5` together, and never cross a block.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from syntok._segmentation_states import State
from syntok.segmenter import segment as syntok_segment
from syntok.tokenizer import Token, Tokenizer

# Lines end at LF, CRLF or a lone CR; other Unicode line separators (U+2028, NEL) stay inside a
# line, as syntok treats them as spacing.
_LINE = re.compile(r"[^\r\n]+")
# A heading ends without sentence punctuation, closing quote or bracket: `Hungary`, `Red Cross`.
_FINAL_PUNCTUATION = frozenset(".!?:;,\u2026\"'\u201d\u2019\u00bb)]}")
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 8

_tokenizer = Tokenizer(replace_not_contraction=False)
# syntok ends a sentence only at a terminal token (`.`, `!`, `?`, `;`, `...`, and their
# full-width forms) or at an opening bracket. A line with no terminal before its last character
# and no opening bracket at all is one sentence, and syntok need not run: most news paragraphs
# are such lines.
_MAY_SPLIT = re.compile(
    "["
    + re.escape("".join(sorted(c for t in State.terminals for c in t)))
    + re.escape("".join(sorted(State.opening_brackets)))
    + "]"
)
_OPENING = frozenset(State.opening_brackets)
_BRACKET = re.compile(
    "[" + re.escape("".join(sorted(State.opening_brackets | State.closing_brackets))) + "]"
)
_SURE_STOP = re.compile(r"(?<= )(?P<word>[a-z]{2,})\. +(?=[A-Z][a-z]+\b)")
_NOT_SURE_WORDS = State.abbreviations | State.months | {"no"}
# Tokens of one whitespace-free run depend only on that run, and news text repeats its words:
# caching them makes tokenizing (two thirds of syntok's time) several times faster.
_RUN_CACHE: dict[str, list[tuple[str, str, int]]] = {}
_RUN_CACHE_LIMIT = 200_000

PARAGRAPH = "paragraph"
HEADING = "heading"


@dataclass(frozen=True, slots=True)
class BlockSpan:
    kind: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...] = field(default=())


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def looks_like_heading(line: str) -> bool:
    """A short line without final punctuation, starting with a capital or a digit."""
    line = line.strip()
    if not line or len(line) > HEADING_MAX_CHARS or len(line.split()) > HEADING_MAX_WORDS:
        return False
    if line[-1] in _FINAL_PUNCTUATION:
        return False
    return line[0].isupper() or line[0].isdigit()


def tokenize(text: str) -> Iterator[Token]:
    """The tokens syntok's `Tokenizer(replace_not_contraction=False)` gives, from a cache."""
    offset = 0
    spaces = Tokenizer._spaces  # the tokenizer's own run pattern
    for match in spaces.finditer(text):
        run = match.group(0)
        tokens = _RUN_CACHE.get(run)
        if tokens is None:
            if len(_RUN_CACHE) >= _RUN_CACHE_LIMIT:
                _RUN_CACHE.clear()
            tokens = [(t.spacing, t.value, t.offset) for t in _tokenizer.tokenize(run)]
            _RUN_CACHE[run] = tokens
        base = match.start()
        spacing, value, at = tokens[0]
        yield Token(text[offset:base] + spacing, value, base + at)
        for spacing, value, at in tokens[1:]:
            yield Token(spacing, value, base + at)
        offset = match.end()
    if offset < len(text):
        yield Token(text[offset:], "", len(text))


def _sure_cuts(chunk: str) -> list[int]:
    """Offsets in `chunk` where syntok certainly starts a sentence: `… region. The …`.

    A full stop after a lowercase word of two or more letters (preceded by a space, not one of
    syntok's abbreviations or month names, not `no`), followed by spaces and a capitalised word,
    passes none of syntok's exceptions (lowercase or punctuation next, abbreviation, number,
    single letter or roman numeral, dotted token, bracket). Brackets are excluded altogether
    because syntok may skip a bracketed stretch whole.
    """
    if _BRACKET.search(chunk):
        return []
    return [
        match.end() for match in _SURE_STOP.finditer(chunk) if match["word"] not in _NOT_SURE_WORDS
    ]


def _syntok_spans(chunk: str, base: int) -> list[tuple[int, int]]:
    spans = []
    for sentence in syntok_segment(tokenize(chunk)):
        if not sentence:
            continue
        first, last = sentence[0], sentence[-1]
        s_start, s_end = _strip_span(chunk, first.offset, last.offset + len(last.value))
        if s_end > s_start:
            spans.append((base + s_start, base + s_end))
    return spans


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of `text[start:end]` (one block) as absolute, whitespace-trimmed spans.

    The block is first cut where syntok certainly splits; each piece with no terminal before its
    last character and no opening bracket is one sentence, the others go through syntok. syntok
    keeps no state across a sentence boundary, so this gives what syntok gives on the whole block
    (tests/corpus/test_segmentation.py checks it against plain syntok).
    """
    chunk = text[start:end]
    bounds = [0, *_sure_cuts(chunk), len(chunk)]
    spans: list[tuple[int, int]] = []
    for piece_start, piece_end in pairwise(bounds):
        piece = chunk[piece_start:piece_end].rstrip()
        if not piece:
            continue
        if not _MAY_SPLIT.search(piece, 0, len(piece) - 1) and piece[-1] not in _OPENING:
            spans.append((start + piece_start, start + piece_start + len(piece)))
        else:
            spans.extend(_syntok_spans(piece, start + piece_start))
    return _repair(text, start, end, spans)


def _repair(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make the spans cover every non-space character of the block, in order, without overlap.

    syntok skips some characters it does not tokenize (control characters, for instance); they
    join the sentence before them so that nothing in a block falls outside a sentence.
    """
    if not spans:
        s, e = _strip_span(text, start, end)
        return [(s, e)] if e > s else []
    # Each sentence runs until the next one starts (or the block ends), trimmed.
    bounds = [s for s, _ in spans]
    bounds[0] = start
    repaired: list[tuple[int, int]] = []
    for i, s in enumerate(bounds):
        e = bounds[i + 1] if i + 1 < len(bounds) else end
        s, e = _strip_span(text, s, e)
        if e > s:
            repaired.append((s, e))
    return repaired


def iter_lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank line from `start`, trimmed of surrounding whitespace."""
    for match in _LINE.finditer(text, start):
        s, e = _strip_span(text, match.start(), match.end())
        if e > s:
            yield s, e


def segment(
    text: str, *, body_start: int = 0, heading_lines: Collection[str] = ()
) -> list[BlockSpan]:
    """Blocks and sentences of `text` from `body_start` on.

    A line is a heading if it looks like one (short, no final punctuation) or if it is one of
    `heading_lines` (headings an importer found by markup). Every other line is a paragraph.
    Text before `body_start` (the header lines of a seed file) gets no blocks.
    """
    explicit = {line.strip() for line in heading_lines}
    blocks: list[BlockSpan] = []
    for s, e in iter_lines(text, body_start):
        line = text[s:e]
        if line in explicit or looks_like_heading(line):
            blocks.append(BlockSpan(HEADING, s, e, ((s, e),)))
        else:
            blocks.append(BlockSpan(PARAGRAPH, s, e, tuple(split_sentences(text, s, e))))
    return blocks


# A block as a plain tuple (kind, start, end, sentences): what worker processes send back, since
# tuples pickle about ten times faster than `BlockSpan`s.
BlockRow = tuple[str, int, int, tuple[tuple[int, int], ...]]


def block_rows(blocks: Sequence[BlockSpan]) -> list[BlockRow]:
    return [(block.kind, block.start, block.end, block.sentences) for block in blocks]


def segment_many(jobs: Sequence[tuple[str, int, Collection[str]]]) -> list[list[BlockRow]]:
    """`segment` over (text, body_start, heading_lines) jobs, as `BlockRow`s; a worker-process
    entry point."""
    return [
        block_rows(segment(text, body_start=start, heading_lines=lines))
        for text, start, lines in jobs
    ]


def check_segments(text: str, blocks: list[BlockSpan]) -> str | None:
    """The first broken invariant of `blocks` over `text`, as a message, or None if all hold."""
    previous_end = 0
    for block in blocks:
        if block.kind not in (PARAGRAPH, HEADING):
            return f"block {block.start}-{block.end}: unknown kind {block.kind!r}"
        if not (previous_end <= block.start < block.end <= len(text)):
            return (
                f"block {block.start}-{block.end} is empty, overlaps the previous one or lies "
                f"outside the text (length {len(text)})"
            )
        if _strip_span(text, block.start, block.end) != (block.start, block.end):
            return f"block {block.start}-{block.end} starts or ends with whitespace"
        previous_end = block.end
        sentence_end = block.start
        for s, e in block.sentences:
            if not (sentence_end <= s < e <= block.end):
                return (
                    f"sentence {s}-{e} is empty, overlaps the previous one or lies outside "
                    f"its block {block.start}-{block.end}"
                )
            if _strip_span(text, s, e) != (s, e):
                return f"sentence {s}-{e} starts or ends with whitespace"
            sentence_end = e
    return None

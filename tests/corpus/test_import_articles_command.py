"""`manage.py import_articles`: seeds, JSONL, CSV, idempotence and all-or-nothing errors."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from corpus.models import Article, Block, Sentence
from tests.corpus.conftest import SEEDS, read_jsonl

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_jsonl(path, objects) -> None:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")


def test_import_articles_stores_the_seed_folder_with_blocks_and_sentences():
    """The five seeds become five articles; headings of 002 are heading blocks."""
    out, _err = run_import(str(SEEDS))
    assert "5 article(s) created" in out
    assert Article.objects.count() == 5
    article = Article.objects.get(external_id="002_6cee9a5cac6f40e7")
    assert article.text == (SEEDS / "002_6cee9a5cac6f40e7.txt").read_text(encoding="utf-8")
    assert [article.text[b.start : b.end] for b in article.blocks.filter(kind="heading")] == [
        "Singapore, Sweden",
        "UNAOC",
        "Hungary",
        "Red Cross",
    ]
    for sentence in Sentence.objects.select_related("block"):
        assert sentence.block.start <= sentence.start < sentence.end <= sentence.block.end


def test_import_articles_stores_published_with_its_offset():
    """`published` reads back as written: with the +04:00 offset, or the date alone."""
    run_import(str(SEEDS))
    published = dict(Article.objects.values_list("external_id", "publisher"))
    assert published["000_08a6d49268ed809a"] == "Azernews"
    assert Article.objects.get(external_id="000_08a6d49268ed809a").published == (
        "2023-04-05T17:49:00+04:00"
    )
    assert Article.objects.get(external_id="001_740120c73d6d34e9").published == "2023-12-08"


def test_import_articles_twice_creates_nothing_new_and_says_so():
    """Re-importing the same files is a no-op reported in the summary."""
    run_import(str(SEEDS))
    counts = (Article.objects.count(), Block.objects.count(), Sentence.objects.count())
    out, _err = run_import(str(SEEDS))
    assert "0 article(s) created" in out
    assert "5 skipped as already stored" in out
    assert "Nothing new to import." in out
    assert (Article.objects.count(), Block.objects.count(), Sentence.objects.count()) == counts


def test_import_articles_skips_a_text_repeated_within_one_file(tmp_path):
    """The same text twice in one run is one article."""
    path = tmp_path / "dup.jsonl"
    write_jsonl(path, [{"text": "Same text."}, {"text": "Same text.", "title": "again"}])
    out, _err = run_import(str(path))
    assert "1 article(s) created" in out
    assert "1 skipped" in out


def test_import_articles_reads_jsonl_with_all_fields(tmp_path):
    """JSONL columns land in their fields; `metadata` is kept as an object."""
    path = tmp_path / "a.jsonl"
    write_jsonl(
        path,
        [
            {
                "external_id": "x-1",
                "title": "T",
                "text": "First sentence. Second one.",
                "published": "2024-01-02T03:04:00-05:00",
                "publisher": "P",
                "author": "A",
                "url": "https://example.org/a",
                "language": "de",
                "metadata": {"section": "world"},
            }
        ],
    )
    run_import(str(path))
    article = Article.objects.get()
    assert (article.external_id, article.title, article.publisher, article.author) == (
        "x-1",
        "T",
        "P",
        "A",
    )
    assert (article.url, article.language, article.metadata) == (
        "https://example.org/a",
        "de",
        {"section": "world"},
    )
    assert article.published == "2024-01-02T03:04:00-05:00"
    assert article.sentences.count() == 2


def test_import_articles_reads_csv(tmp_path):
    """A CSV with the documented header imports; multi-line text cells are kept."""
    path = tmp_path / "a.csv"
    path.write_text(
        "external_id,title,text,published,publisher,author,url,language\n"
        'c-1,Title,"Line one.\n\nLine two.",2024-05-06,Pub,,,en\n',
        encoding="utf-8",
    )
    run_import(str(path))
    article = Article.objects.get()
    assert article.text == "Line one.\n\nLine two."
    assert article.published == "2024-05-06"
    assert article.blocks.count() == 2


def test_import_articles_detects_the_format_of_a_file_without_extension(tmp_path):
    """A `.dat` file starting with `{` is JSONL."""
    path = tmp_path / "articles.dat"
    write_jsonl(path, [{"text": "Detected as JSON lines."}])
    run_import(str(path))
    assert Article.objects.get().text == "Detected as JSON lines."


def test_import_articles_format_option_overrides_the_extension(tmp_path):
    """`--format seed` reads a `.jsonl`-named file as seed text."""
    path = tmp_path / "odd.jsonl"
    path.write_text("Plain seed text. Not JSON.", encoding="utf-8")
    run_import(str(path), "--format", "seed")
    assert Article.objects.get().text == "Plain seed text. Not JSON."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "missing.jsonl",
            '{"text": "ok"}\n{"title": "no text"}\n',
            r"missing\.jsonl:2: 'text' is missing",
        ),
        (
            "date.jsonl",
            '{"text": "a"}\n{"text": "b", "published": "2023-13-01"}\n',
            r"date\.jsonl:2: bad 'published': '2023-13-01' is not an ISO 8601 date",
        ),
        (
            "naive.jsonl",
            '{"text": "b", "published": "2023-01-01T10:00:00"}\n',
            r"naive\.jsonl:1: bad 'published': .* no UTC offset",
        ),
        ("broken.jsonl", '{"text": "a"}\n{"text": \n', r"broken\.jsonl:2: malformed JSON"),
        (
            "header.csv",
            "id,body\n1,hello\n",
            r"header\.csv:1: wrong header 'id,body': expected the columns external_id,title,text",
        ),
        (
            "unknown.jsonl",
            '{"text": "a", "colour": "red"}\n',
            r"unknown\.jsonl:1: unknown field\(s\) colour",
        ),
        (
            "long.jsonl",
            json.dumps({"text": "a", "title": "x" * 501}) + "\n",
            r"long\.jsonl:1: title: Ensure this value has at most 500 characters",
        ),
        (
            "url.jsonl",
            '{"text": "a", "url": "not a url"}\n',
            r"url\.jsonl:1: url: Enter a valid URL",
        ),
    ],
)
def test_import_articles_refuses_a_bad_record_and_stores_nothing(tmp_path, name, content, message):
    """One bad record aborts the run naming file, line and problem; good records are not kept."""
    (tmp_path / "0_good.jsonl").write_text('{"text": "A good article."}\n', encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run_import(str(tmp_path / "0_good.jsonl"), str(tmp_path / name))
    assert Article.objects.count() == 0


def test_import_articles_refuses_undecodable_bytes_naming_the_line(tmp_path):
    """Bytes that are not UTF-8 abort with the file, line and byte."""
    path = tmp_path / "latin1.txt"
    path.write_bytes(" date 2023-04-05\n\nCaf\xe9 au lait.\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin1\.txt:3: byte 0xe9 .* is not UTF-8"):
        run_import(str(path))
    assert Article.objects.count() == 0


def test_import_articles_refuses_a_missing_path(tmp_path):
    """A path that does not exist is named."""
    with pytest.raises(CommandError, match=r"nowhere\.jsonl: no such file or folder"):
        run_import(str(tmp_path / "nowhere.jsonl"))


def test_import_articles_refuses_a_folder_without_importable_files(tmp_path):
    """A folder with only unknown extensions imports nothing and says why."""
    (tmp_path / "README.md").write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match="No files to import"):
        run_import(str(tmp_path))


def test_import_articles_shows_progress_on_stderr_for_large_inputs(tmp_path):
    """Every 1000 records read, a progress line goes to stderr."""
    path = tmp_path / "many.jsonl"
    write_jsonl(path, [{"text": f"Article number {i}."} for i in range(2100)])
    out, err = run_import(str(path), "--workers", "1")
    assert "2100 article(s) created" in out
    assert "1000 records read" in err
    assert "2000 records read" in err


def test_import_articles_gold_offsets_point_into_the_stored_text():
    """Gold spans are offsets into the stored text of each seed (whole file, header included)."""
    run_import(str(SEEDS))
    texts = {f"seeds/{a.metadata['source_file']}": a.text for a in Article.objects.all()}
    for gold in read_jsonl(SEEDS.parent / "seeds.gold.jsonl"):
        for span in gold["content"]:
            assert texts[gold["file"]][span["start"] : span["end"]] == span["text"]


def test_import_articles_refuses_zero_workers():
    """`--workers 0` is a usage error."""
    with pytest.raises(CommandError, match="--workers 0: give 1 or more processes"):
        run_import(str(SEEDS), "--workers", "0")


def test_import_articles_detects_csv_without_extension(tmp_path):
    """A file whose first line names a `text` column is CSV."""
    path = tmp_path / "export.data"
    path.write_text('title,text\nT,"Body text."\n', encoding="utf-8")
    run_import(str(path))
    assert Article.objects.get().title == "T"


def test_import_articles_refuses_a_json_array_instead_of_guessing(tmp_path):
    """A JSON array is not read as a seed text; the message says what to write instead."""
    path = tmp_path / "articles.json"
    path.write_text('[{"text": "a"}]', encoding="utf-8")
    with pytest.raises(CommandError, match=r"articles\.json:1: a JSON array is not JSON Lines"):
        run_import(str(path))
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"text": "a\\u0000b"}', "text"),
        ('{"text": "ab", "title": "x\\u0000"}', "title"),
        ('{"text": "ab", "metadata": {"k": "\\u0000"}}', "metadata"),
    ],
)
def test_import_articles_refuses_nul_characters(tmp_path, line, field):
    """U+0000 cannot be stored by PostgreSQL; it is refused on every database, naming the field."""
    path = tmp_path / "nul.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"nul\.jsonl:1: {field} contains a NUL character"):
        run_import(str(path))
    assert Article.objects.count() == 0


def test_import_articles_refuses_a_lone_surrogate(tmp_path):
    """A JSON escape for half a UTF-16 pair is not a character: refused, naming the offset."""
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"text": "ab\\ud800c"}\n', encoding="utf-8")
    with pytest.raises(
        CommandError,
        match=r"surrogate\.jsonl:1: text contains a lone surrogate \(U\+D800\) at offset 2",
    ):
        run_import(str(path))
    assert Article.objects.count() == 0


def test_import_articles_reads_a_csv_text_longer_than_the_csv_default_limit(tmp_path):
    """A 200,000-character text cell imports (Python's csv stops at 131,072 by default)."""
    text = "A sentence here. " * 12_000
    path = tmp_path / "long.csv"
    path.write_text(f'text\n"{text}"\n', encoding="utf-8")
    run_import(str(path))
    assert Article.objects.get().text == text

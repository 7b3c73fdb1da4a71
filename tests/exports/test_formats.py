"""Each format read back with a parser of that format."""

# ruff: noqa: RUF001 (the fixture text has curly quotes)
import csv
import hashlib
import io
import json
import re
from xml.etree import ElementTree

from annotate.exports.manifest import read_manifest_line, zip_checksum
from tests.exports.conftest import open_zip, read_jsonl, run_export

# ---------------------------------------------------------------- CSV


def read_csv(data: bytes):
    text = data.decode("utf-8")
    first, body = text.split("\n", 1)
    return read_manifest_line(first), list(csv.DictReader(io.StringIO(body)))


def test_csv_has_one_row_per_claim(dataset, tmp_path):
    manifest, rows = read_csv(run_export(dataset.project, "csv", tmp_path))

    assert manifest["counts"]["attributions"] == len(rows) == 7
    assert {row["annotator"] for row in rows} == {
        "Exports-ann1",
        "Exports-änn2",
        "Exports-reviewer",
    }


def test_csv_row_carries_texts_offsets_and_stances(dataset, tmp_path):
    _, rows = read_csv(run_export(dataset.project, "csv", tmp_path))
    row = next(r for r in rows if r["category"] == "statement")

    assert row["content_text"] == (
        "The ‘blockade’ claims of the Armenian side 🙄 do not reflect the truth … "
        "and Zürich talks will go on."
    )
    text = dataset.articles[0].text
    assert [text[s:e] for s, e in json.loads(row["content_offsets"])] == row["content_text"].split(
        " … "
    )
    assert (row["source_text"], row["cue_text"], row["speaker"]) == (
        "he",
        "said",
        "Jeyhun Bayramov",
    )
    assert json.loads(row["stances"]) == [
        {"target": "Armenia", "target_is_actor": True, "polarity": "against"},
        {"target": "peace process", "target_is_actor": False, "polarity": "favor"},
    ]
    assert row["note"] == "Split quote;\tsee line 2\nsecond line"
    assert row["external_id"] == "az-001"
    assert row["article_id"] == str(dataset.articles[0].pk)


def test_csv_checksum_covers_the_rows(dataset, tmp_path):
    data = run_export(dataset.project, "csv", tmp_path)
    first, body = data.split(b"\n", 1)

    assert first.startswith(b'# {"manifest"')
    assert read_manifest_line(first)["sha256"] == hashlib.sha256(body).hexdigest()


# ---------------------------------------------------------------- BIO (CoNLL)


def read_conll(data: bytes):
    """A minimal CoNLL reader: `#` lines are comments, blank lines end sentences."""
    documents, sentence = [], []
    for line in data.decode("utf-8").split("\n"):
        if line.startswith("# doc = "):
            documents.append({"header": line[len("# doc = ") :], "sentences": []})
        elif line.startswith("#"):
            continue
        elif not line:
            if sentence:
                documents[-1]["sentences"].append(sentence)
                sentence = []
        else:
            token, tag = line.split("\t")
            sentence.append((token, tag))
    assert not sentence
    return documents


def test_bio_is_valid_conll_with_one_document_per_assignment(dataset, tmp_path):
    documents = read_conll(run_export(dataset.project, "bio", tmp_path))

    assert len(documents) == 5
    for document in documents:
        for sentence in document["sentences"]:
            previous = "O"
            for _token, tag in sentence:
                assert re.fullmatch(r"O|[BI]-(SOURCE|CUE|CONTENT)", tag)
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:], (previous, tag)
                previous = tag


def test_bio_tags_source_cue_and_content(dataset, tmp_path):
    documents = read_conll(run_export(dataset.project, "bio", tmp_path))
    ministry = next(d for d in documents if "annotator=Exports-ann1 status=accepted" in d["header"])
    tokens = [pair for sentence in ministry["sentences"] for pair in sentence]
    start = tokens.index(("The", "B-SOURCE"))
    assert tokens[start : start + 7] == [
        ("The", "B-SOURCE"),
        ("ministry", "I-SOURCE"),
        ("noted", "B-CUE"),
        ("that", "O"),
        ("Yerevan", "B-CONTENT"),
        ("wants", "I-CONTENT"),
        ("peace", "I-CONTENT"),
    ]


def test_bio_overlap_rule_prefers_source_over_content_and_the_outer_claim(dataset, tmp_path):
    """`the Armenian side` is the source of the nested claim and inside the outer content:
    SOURCE beats CONTENT; the nested claim's content gives way to the outer one; the content
    around the source resumes with B-CONTENT."""
    documents = read_conll(run_export(dataset.project, "bio", tmp_path))
    accepted = next(d for d in documents if "status=accepted" in d["header"])
    tokens = [pair for sentence in accepted["sentences"] for pair in sentence]
    start = tokens.index(("The", "B-CONTENT"))
    assert tokens[start : start + 11] == [
        ("The", "B-CONTENT"),
        ("‘", "I-CONTENT"),
        ("blockade", "I-CONTENT"),
        ("’", "I-CONTENT"),
        ("claims", "I-CONTENT"),
        ("of", "I-CONTENT"),
        ("the", "B-SOURCE"),
        ("Armenian", "I-SOURCE"),
        ("side", "I-SOURCE"),
        ("🙄", "B-CONTENT"),
        ("do", "I-CONTENT"),
    ]


def test_bio_starts_with_the_manifest_comment(dataset, tmp_path):
    data = run_export(dataset.project, "bio", tmp_path, "--split", "train=0.5,test=0.5")
    first, body = data.split(b"\n", 1)

    manifest = read_manifest_line(first)
    assert manifest["sha256"] == hashlib.sha256(body).hexdigest()
    assert all(" split=" in d["header"] for d in read_conll(data))


# ---------------------------------------------------------------- brat standoff


def read_ann(ann: str):
    """A brat standoff reader for T, R, A and # lines."""
    entities, relations, attributes, notes = {}, {}, {}, {}
    for line in ann.splitlines():
        ident, rest = line.split("\t", 1)
        if ident.startswith("T"):
            head, covered = rest.split("\t")
            label, ranges = head.split(" ", 1)
            spans = [tuple(map(int, part.split())) for part in ranges.split(";")]
            entities[ident] = (label, spans, covered)
        elif ident.startswith("R"):
            label, arg1, arg2 = rest.split(" ")
            relations[ident] = (label, arg1.split(":")[1], arg2.split(":")[1])
        elif ident.startswith("A"):
            label, target, value = rest.split(" ")
            attributes[ident] = (label, target, value)
        elif ident.startswith("#"):
            head, note = rest.split("\t")
            notes[ident] = (head.split(" ")[1], note)
        else:
            raise AssertionError(line)
    return entities, relations, attributes, notes


def test_brat_zip_has_pairs_conf_and_manifest(dataset, tmp_path):
    archive = open_zip(run_export(dataset.project, "brat", tmp_path))
    names = archive.namelist()

    assert names[-1] == "manifest.json"
    assert "annotation.conf" in names
    texts = sorted(n for n in names if n.endswith(".txt"))
    assert len(texts) == 5
    assert sorted(n for n in names if n.endswith(".ann")) == [t[:-4] + ".ann" for t in texts]
    manifest = json.loads(archive.read("manifest.json"))
    files = {n: hashlib.sha256(archive.read(n)).hexdigest() for n in names[:-1]}
    assert manifest["files"] == files
    assert manifest["sha256"] == zip_checksum(files)
    assert any(n.endswith("-gold.txt") for n in texts)


def test_brat_annotations_match_the_text(dataset, tmp_path):
    archive = open_zip(run_export(dataset.project, "brat", tmp_path))
    conf = archive.read("annotation.conf").decode()
    for name in (n for n in archive.namelist() if n.endswith(".ann")):
        text = archive.read(name[:-4] + ".txt").decode("utf-8")
        entities, relations, attributes, notes = read_ann(archive.read(name).decode("utf-8"))
        for label, spans, covered in entities.values():
            assert label in ("Content", "Source", "Cue")
            assert covered == " ".join(text[s:e] for s, e in spans)
            assert all("\n" not in text[s:e] for s, e in spans)
        for label, arg1, arg2 in relations.values():
            assert label in ("SourceOf", "CueOf", "NestedIn")
            assert arg1 in entities and arg2 in entities
            assert entities[arg2][0] == "Content"
        for label, target, value in attributes.values():
            assert entities[target][0] == "Content"
            assert re.search(rf"^{label}\tArg:Content, Value:.*\b{value}\b", conf, re.M)
        assert all(target in entities for target, _ in notes.values())


def test_brat_discontinuous_content_and_nesting(dataset, tmp_path):
    archive = open_zip(run_export(dataset.project, "brat", tmp_path))
    name = next(
        n
        for n in archive.namelist()
        if n.endswith("-Exports-ann1.ann") and "Zürich" in archive.read(n[:-4] + ".txt").decode()
    )
    entities, relations, attributes, notes = read_ann(archive.read(name).decode())

    split = [e for e in entities.values() if e[0] == "Content" and len(e[1]) == 2]
    assert len(split) == 1
    assert split[0][2].endswith("the truth and Zürich talks will go on.")
    nested = [r for r in relations.values() if r[0] == "NestedIn"]
    assert len(nested) == 1
    assert entities[nested[0][2]] == split[0]
    assert ("Type", "direct") in {(a[0], a[2]) for a in attributes.values()}
    assert any("speaker=Jeyhun Bayramov; stance=against:Armenia" in n for _, n in notes.values())


def test_brat_split_puts_each_part_in_a_folder(dataset, tmp_path):
    archive = open_zip(
        run_export(dataset.project, "brat", tmp_path, "--split", "train=0.5,test=0.5")
    )
    folders = {n.split("/")[0] for n in archive.namelist() if "/" in n}
    assert folders <= {"train", "test"}
    assert folders


# ---------------------------------------------------------------- doccano


def read_doccano(data: bytes, name="documents.jsonl"):
    archive = open_zip(data)
    raw = archive.read(name)
    return (
        json.loads(archive.read("manifest.json")),
        raw,
        [json.loads(line) for line in raw.decode("ascii").splitlines()],
    )


def test_doccano_lines_have_integer_ids_and_the_same_keys(dataset, tmp_path):
    manifest, raw, lines = read_doccano(run_export(dataset.project, "doccano", tmp_path))

    assert raw.isascii()
    assert len(lines) == 5 == manifest["counts"]["assignments"]
    assert len({tuple(line) for line in lines}) == 1
    entity_ids = [e["id"] for line in lines for e in line["entities"]]
    assert all(type(i) is int for i in entity_ids)
    assert len(set(entity_ids)) == len(entity_ids)
    for line in lines:
        ids = {e["id"] for e in line["entities"]}
        for relation in line["relations"]:
            assert type(relation["id"]) is int
            assert relation["from_id"] in ids and relation["to_id"] in ids
            assert relation["type"] in ("source_of", "cue_of", "continues", "nested_in")
        for entity in line["entities"]:
            assert set(entity) == {"id", "label", "start_offset", "end_offset"}
            assert entity["label"] in ("CONTENT", "SOURCE", "CUE")
            assert 0 <= entity["start_offset"] < entity["end_offset"] <= len(line["text"])


def test_doccano_keeps_overlaps_and_escapes_non_ascii(dataset, tmp_path):
    _, raw, lines = read_doccano(run_export(dataset.project, "doccano", tmp_path))
    line = next(
        line for line in lines if line["annotator"] == "Exports-ann1" and "Zürich" in line["text"]
    )
    text = line["text"]
    contents = [
        text[e["start_offset"] : e["end_offset"]]
        for e in line["entities"]
        if e["label"] == "CONTENT"
    ]
    assert "‘blockade’ claims" in contents
    assert "and Zürich talks will go on." in contents
    assert b"\\ud83d\\ude44" in raw  # the emoji, as a \u escaped surrogate pair
    assert {r["type"] for r in line["relations"]} == {
        "source_of",
        "cue_of",
        "continues",
        "nested_in",
    }


def test_doccano_split_writes_one_file_per_part_with_the_split_key(dataset, tmp_path):
    archive = open_zip(
        run_export(dataset.project, "doccano", tmp_path, "--split", "train=0.5,test=0.5")
    )
    names = set(archive.namelist())
    assert names == {"train.jsonl", "test.jsonl", "manifest.json"}
    for name in ("train.jsonl", "test.jsonl"):
        for line in archive.read(name).decode("ascii").splitlines():
            assert json.loads(line)["split"] == name.removesuffix(".jsonl")


# ---------------------------------------------------------------- Label Studio


def test_labelstudio_tasks_have_regions_and_relations(dataset, tmp_path):
    archive = open_zip(run_export(dataset.project, "labelstudio", tmp_path))
    assert set(archive.namelist()) == {"tasks.json", "labeling_config.xml", "manifest.json"}
    tasks = json.loads(archive.read("tasks.json"))
    config = ElementTree.fromstring(archive.read("labeling_config.xml"))  # noqa: S314 (ours)
    names = {element.get("name") for element in config.iter() if element.get("name")}
    labels = {element.get("value") for element in config.iter("Label")}
    relation_labels = {element.get("value") for element in config.iter("Relation")}
    choices = {element.get("value") for element in config.iter("Choice")}

    assert len(tasks) == 3
    for task in tasks:
        text = task["data"]["text"]
        assert len(task["annotations"]) == len(task["data"]["assignments"])
        for annotation in task["annotations"]:
            regions = {}
            for item in annotation["result"]:
                if item["type"] == "relation":
                    assert item["from_id"] in regions and item["to_id"] in regions
                    assert set(item["labels"]) <= relation_labels
                    continue
                assert item["from_name"] in names and item["to_name"] == "text"
                value = item["value"]
                assert 0 <= value["start"] < value["end"] <= len(text)
                if item["type"] == "labels":
                    assert value["text"] == text[value["start"] : value["end"]]
                    assert set(value["labels"]) <= labels
                    assert item["id"] not in regions
                    regions[item["id"]] = value
                elif item["type"] == "choices":
                    assert set(value["choices"]) <= choices
                    assert item["id"] in regions


def test_labelstudio_marks_gold_and_keeps_code_point_offsets(dataset, tmp_path):
    archive = open_zip(run_export(dataset.project, "labelstudio", tmp_path))
    task = next(t for t in json.loads(archive.read("tasks.json")) if t["data"]["external_id"])

    assert [a["ground_truth"] for a in task["annotations"]] == [False, False, True]
    gold = task["annotations"][2]["result"]
    content = next(i for i in gold if i["type"] == "labels" and i["value"]["labels"] == ["Content"])
    assert content["value"]["text"].endswith("🙄 do not reflect the truth")
    speaker = next(i for i in gold if i["from_name"] == "speaker")
    assert speaker["value"]["text"] == ["Jeyhun Bayramov"]


# ---------------------------------------------------------------- split


def _splits(project, tmp_path, *args):
    _, lines = read_jsonl(run_export(project, "jsonl", tmp_path, *args))
    return {line["content_hash"]: line["split"] for line in lines}


def test_split_is_deterministic_and_follows_the_seed(dataset, tmp_path):
    args = ("--split", "train=0.34,dev=0.33,test=0.33")
    first = _splits(dataset.project, tmp_path, *args, "--seed", "7")
    assert first == _splits(dataset.project, tmp_path, *args, "--seed", "7")
    seeds = [
        tuple(_splits(dataset.project, tmp_path, *args, "--seed", str(seed)).values())
        for seed in range(6)
    ]
    assert len(set(seeds)) > 1
    assert set(first.values()) <= {"train", "dev", "test"}


def test_split_does_not_depend_on_the_rest_of_the_export(dataset, tmp_path):
    """An article's part is a function of (seed, content hash) only: filtering keeps it."""
    args = ("--split", "train=0.5,test=0.5", "--seed", "3")
    everything = _splits(dataset.project, tmp_path, *args)
    gold = _splits(dataset.project, tmp_path, *args, "--gold-only")
    assert gold.items() <= everything.items()


def test_split_part_exports_one_part(dataset, tmp_path):
    args = ("--split", "train=0.5,test=0.5", "--seed", "3")
    everything = _splits(dataset.project, tmp_path, *args)
    train = _splits(dataset.project, tmp_path, *args, "--part", "train")
    assert train == {h: p for h, p in everything.items() if p == "train"}


def test_split_parts_match_their_hash_ratios_on_many_articles():
    from annotate.exports.split import parse_split

    spec = parse_split("train=0.8,dev=0.1,test=0.1", seed=42)
    parts = [spec.part_of(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(10_000)]
    assert 0.78 < parts.count("train") / 10_000 < 0.82
    assert 0.08 < parts.count("dev") / 10_000 < 0.12
    # A known value pins the method across machines and versions.
    assert spec.part_of("0" * 64) == spec.part_of("0" * 64)

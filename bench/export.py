"""Benchmark: whole-project export in every format, time and peak memory, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_h5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h5 .venv/bin/python bench/export.py

Workload (the one peers were measured on: 5,000 articles with 5 spans and 3 relations each),
built with bulk_create in a few seconds. Each article (3 paragraphs, 9 sentences, ~1,300
characters) has one submitted assignment with two claims:
  - claim A: content + source + cue spans (relations source->content, cue->content), a speaker,
    a stance toward an actor;
  - claim B: content + source spans (relation source->content), nested in claim A.
That is 5 spans and 3 span-to-span relations per article, plus one nesting link. A second project
of 2,500 such articles shows whether memory grows with the project.

Each export runs in a fresh process (`export_annotations --split ... --out FILE`, the same code
the API runs); the child reports wall time, its CPU time, the CPU time of the PostgreSQL backend
serving it, the SQL statements, its peak RSS (VmHWM) and the RSS right after Django started, so
the export's own share is visible. On a busy machine wall time mostly measures waiting for a
core; client + database CPU is what an idle machine would take.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_h5")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

FORMATS = ["jsonl", "csv", "bio", "brat", "doccano", "labelstudio"]
WORDS = [
    *[
        "minister",
        "talks",
        "border",
        "peace",
        "region",
        "agreement",
        "officials",
        "statement",
        "capital",
        "economy",
    ],
    *[
        "reconstruction",
        "refugees",
        "conflict",
        "delegation",
        "meeting",
        "cooperation",
        "security",
        "energy",
    ],
    *[
        "trade",
        "ministry",
        "parliament",
        "president",
        "government",
        "negotiations",
        "ceasefire",
        "aid",
    ],
]


def maxrss_mb() -> float:
    """Peak resident memory of this process since it started (VmHWM). ru_maxrss would do, but
    Linux carries it over exec() from the parent that built the data."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend serving this connection has used: the
    database runs on this machine, so /proc shows it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def article_text(index: int, project: str, rng: random.Random) -> tuple[str, dict[str, tuple]]:
    """Three paragraphs of three sentences; the first sentence holds claim A, the second B."""
    quote = f"“{sentence(rng, 12)[:-1]} in case {project}-{index}”"
    nested = "the reconstruction plans are on track"
    first = f"{quote} the minister said on Monday, adding that {nested} according to officials."
    paragraphs = [
        " ".join([first, sentence(rng, 18), sentence(rng, 16)]),
        " ".join(sentence(rng, 17) for _ in range(3)),
        " ".join(sentence(rng, 15) for _ in range(3)),
    ]
    text = "\n\n".join(paragraphs)
    spans = {
        "a_content": (0, len(quote)),
        "a_source": (text.index("the minister"), text.index("the minister") + 12),
        "a_cue": (text.index("said"), text.index("said") + 4),
        "b_content": (text.index(nested), text.index(nested) + len(nested)),
        "b_source": (text.index("officials."), text.index("officials.") + 9),
    }
    return text, spans


def build(project_name: str, count: int, seed: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from annotate.models import (
        Actor,
        Assignment,
        Attribution,
        Membership,
        Project,
        ProjectArticle,
        Span,
        Stance,
        VocabularyTerm,
    )
    from annotate.services.projects import DEFAULT_VOCABULARY
    from corpus.models import Article, Block, Sentence, content_hash
    from corpus.segmentation import segment

    if Project.objects.filter(name=project_name).exists():
        print(f"{project_name}: already built")
        return
    started = time.perf_counter()
    rng = random.Random(seed)
    users = get_user_model().objects
    annotator = users.filter(username="bench-annotator").first() or users.create_user(
        "bench-annotator"
    )
    manager = users.filter(username="bench-manager").first() or users.create_user("bench-manager")
    with transaction.atomic():
        project = Project.objects.create(name=project_name)
        VocabularyTerm.objects.bulk_create(
            VocabularyTerm(project=project, kind=kind, value=value, position=i)
            for kind, values in DEFAULT_VOCABULARY.items()
            for i, value in enumerate(values)
        )
        Membership.objects.create(project=project, user=annotator, role="annotator")
        Membership.objects.create(project=project, user=manager, role="manager")
        actors = Actor.objects.bulk_create(
            Actor(project=project, name=f"Actor {i}", kind="person", aliases=[f"A{i}"])
            for i in range(50)
        )
        batch = 1000
        for offset in range(0, count, batch):
            texts = [
                article_text(i, project_name, rng)
                for i in range(offset, min(count, offset + batch))
            ]
            articles = Article.objects.bulk_create(
                Article(text=text, content_hash=content_hash(text), title=f"Article {i}")
                for i, (text, _) in enumerate(texts, start=offset)
            )
            ProjectArticle.objects.bulk_create(
                ProjectArticle(project=project, article=article) for article in articles
            )
            segments = [segment(text) for text, _ in texts]
            blocks = Block.objects.bulk_create(
                Block(article=article, kind=b.kind, start=b.start, end=b.end)
                for article, blocks_ in zip(articles, segments, strict=True)
                for b in blocks_
            )
            block_iter = iter(blocks)
            sentences = []
            for article, blocks_ in zip(articles, segments, strict=True):
                for b in blocks_:
                    row = next(block_iter)
                    sentences += [
                        Sentence(article=article, block=row, start=s, end=e) for s, e in b.sentences
                    ]
            Sentence.objects.bulk_create(sentences)
            assignments = Assignment.objects.bulk_create(
                Assignment(
                    project=project, article=article, annotator=annotator, status="submitted"
                )
                for article in articles
            )
            outer = Attribution.objects.bulk_create(
                Attribution(
                    assignment=assignment,
                    speaker=rng.choice(actors),
                    type="direct",
                    category="statement",
                    created_by=annotator,
                    updated_by=annotator,
                    confidence=0.9,
                )
                for assignment in assignments
            )
            inner = Attribution.objects.bulk_create(
                Attribution(
                    assignment=assignment,
                    speaker=None,
                    type="indirect",
                    nested_in=parent,
                    created_by=annotator,
                    updated_by=annotator,
                )
                for assignment, parent in zip(assignments, outer, strict=True)
            )
            spans = []
            for (_, s), a, b in zip(texts, outer, inner, strict=True):
                spans += [
                    Span(
                        attribution=a,
                        role="content",
                        start=s["a_content"][0],
                        end=s["a_content"][1],
                    ),
                    Span(
                        attribution=a, role="source", start=s["a_source"][0], end=s["a_source"][1]
                    ),
                    Span(attribution=a, role="cue", start=s["a_cue"][0], end=s["a_cue"][1]),
                    Span(
                        attribution=b,
                        role="content",
                        start=s["b_content"][0],
                        end=s["b_content"][1],
                    ),
                    Span(
                        attribution=b, role="source", start=s["b_source"][0], end=s["b_source"][1]
                    ),
                ]
            Span.objects.bulk_create(spans)
            Stance.objects.bulk_create(
                Stance(attribution=a, target_actor=rng.choice(actors), polarity="against")
                for a in outer
            )
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would gather them, so plans fit the data.
        cursor.execute("ANALYZE")
    print(f"{project_name}: built {count} articles in {time.perf_counter() - started:.1f} s")


def child(project_name: str, export_format: str) -> None:
    """Run one export in this fresh process and print what it cost as JSON."""
    import django

    django.setup()
    import io

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    baseline = maxrss_mb()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    db_started = backend_cpu(backend)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"export.{export_format}"
        started = time.perf_counter()
        cpu_started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            call_command(
                "export_annotations",
                "--project",
                project_name,
                "--format",
                export_format,
                "--split",
                "train=0.8,dev=0.1,test=0.1",
                "--out",
                str(out),
                stderr=io.StringIO(),
            )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        db_cpu = backend_cpu(backend) - db_started
        size = out.stat().st_size
    print(
        json.dumps(
            {
                "format": export_format,
                "seconds": round(elapsed, 2),
                "cpu_seconds": round(cpu, 2),
                "db_cpu_seconds": round(db_cpu, 2),
                "queries": len(queries.captured_queries),
                "bytes": size,
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(maxrss_mb(), 1),
            }
        )
    )


def measure(project_name: str, export_format: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", project_name, export_format],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="2500,5000", help="Project sizes in articles, e.g. 2500,5000,20000."
    )
    parser.add_argument("--child", nargs=2, metavar=("PROJECT", "FORMAT"))
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True)
    sizes = [int(size) for size in args.sizes.split(",")]
    for seed, size in enumerate(sizes, start=1):
        build(f"bench-{size}", size, seed=seed)
    print(
        f"{'format':<12} {'articles':>8} {'wall s':>8} {'cpu s':>8} {'db cpu s':>8} {'queries':>8} "
        f"{'MB out':>8} {'base MB':>8} {'peak MB':>8}"
    )
    for export_format in args.formats.split(","):
        for count in sizes:
            r = measure(f"bench-{count}", export_format)
            print(
                f"{export_format:<12} {count:>8} {r['seconds']:>8.2f} {r['cpu_seconds']:>8.2f} "
                f"{r['db_cpu_seconds']:>8.2f} "
                f"{r['queries']:>8} "
                f"{r['bytes'] / 2**20:>8.1f} {r['baseline_mb']:>8.1f} {r['peak_mb']:>8.1f}"
            )


if __name__ == "__main__":
    main()

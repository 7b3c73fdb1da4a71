"""Time `import_articles` end to end: generated JSONL files -> articles, blocks, sentences.

    .venv/bin/python bench/import_articles.py                    # 10,000 seed-like + 10,000 short
    .venv/bin/python bench/import_articles.py -n 2000 --variant long --workers 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h1b \\
        .venv/bin/python bench/import_articles.py

Without DATABASE_URL it runs on a fresh SQLite file in a temporary folder (migrated first), so
the development database is left alone. On a configured database the imported articles are
deleted afterwards. Each variant is imported into an empty corpus, then imported again (all
duplicates) to time the re-import.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "demo_data" / "seeds"


def generate(path: Path, n: int, variant: str, rng: random.Random) -> int:
    """Write `n` unique articles to `path`; return the number of characters written."""
    paragraphs = [
        line
        for seed in sorted(SEEDS.glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").splitlines()[2:]
        if len(line) > 60
    ]
    target = 3000 if variant == "long" else 500
    total = 0
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            body = [f"Report {i}: the ministry issued statement No. {rng.randint(1, 999)}."]
            while sum(len(p) + 2 for p in body) < target:
                body.append(rng.choice(paragraphs))
            if variant == "long" and rng.random() < 0.5:
                body.insert(len(body) // 2, rng.choice(["Hungary", "Red Cross", "UNAOC"]))
            text = "\n\n".join(body)
            if variant == "short":
                text = text[:target].rsplit(" ", 1)[0] + "."
            total += len(text)
            record = {
                "external_id": f"bench-{variant}-{i}",
                "title": f"Bench article {i}",
                "text": text,
                "published": (
                    f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:00:00+04:00"
                ),
                "publisher": rng.choice(["Azernews", "MENAFN", "APA"]),
                "language": "en",
                "metadata": {"bench": True},
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


def cpu_seconds() -> float:
    """User + system CPU of this process and of its reaped children (the segmenting workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def database_cpu_seconds(connection: Any) -> float | None:
    """CPU time of the PostgreSQL backend serving `connection`, when the server runs on this
    machine (read from /proc); None on SQLite (it runs inside this process) or a remote server."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(n: int, variants: list[str], workers: int | None, folder: Path) -> None:
    from django.db import connection

    from corpus.importers import files_to_import, read_records
    from corpus.models import Article
    from corpus.services import import_articles

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"workers: {workers if workers is not None else 'default'}, cpus: {os.cpu_count()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rng = random.Random(20231205)
    for variant in variants:
        path = folder / f"{variant}.jsonl"
        chars = generate(path, n, variant, rng)
        Article.objects.filter(external_id__startswith="bench-").delete()
        database_before = database_cpu_seconds(connection)
        started, cpu = time.perf_counter(), cpu_seconds()
        result = import_articles(records=read_records(files_to_import([path])), workers=workers)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        database_after = database_cpu_seconds(connection)
        database = (
            f", database CPU {database_after - database_before:.1f} s "
            f"({(database_after - database_before) / n * 1000:.2f} ms/article)"
            if database_before is not None and database_after is not None
            else ""
        )
        print(
            f"{variant:5} {n} articles, {chars / n:.0f} chars avg: {seconds:.2f} s, "
            f"{result.created / seconds:.0f} articles/s, CPU {cpu:.1f} s "
            f"({cpu / n * 1000:.2f} ms/article{database}; "
            f"{result.blocks} blocks, {result.sentences} sentences); "
            f"load average after: {os.getloadavg()[0]:.2f}"
        )
        started = time.perf_counter()
        again = import_articles(records=read_records(files_to_import([path])), workers=workers)
        seconds = time.perf_counter() - started
        print(f"{variant:5} re-import: {again.skipped} skipped in {seconds:.2f} s")
        Article.objects.filter(pk__in=result.created_ids).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="articles per variant")
    parser.add_argument("--variant", choices=["long", "short", "both"], default="both")
    parser.add_argument("--workers", type=int, default=None, help="segmentation processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        if "DATABASE_URL" not in os.environ:
            os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        variants = ["long", "short"] if args.variant == "both" else [args.variant]
        run(args.n, variants, args.workers, folder)


if __name__ == "__main__":
    main()

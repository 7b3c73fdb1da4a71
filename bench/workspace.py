"""Benchmark: serving the workspace of an article with 50 claims, and saving a claim.

    .venv/bin/python bench/workspace.py                  # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ws .venv/bin/python bench/workspace.py

Workload: the longest seed article (demo_data/seeds/002_..., 31 lines, ~7,000 characters) in a
project with the default vocabulary and the demo guidelines (demo_data/GUIDELINES.md, 19 kB),
one annotator's assignment holding 50 claims, each with two content spans, a source, a cue, a
speaker and a stance toward an actor (every relation the page reads). Requests go through
Django's test client with a logged-in session, the whole middleware stack and DEBUG off, in one
process, so the numbers are the server's time without the network:

- page: GET /admin/annotate/workspace/ID/ (the HTML with the article, claims, actors and
  vocabulary embedded as JSON: what the browser loads when an annotator opens an article);
- api data: GET /api/articles/ID/ + GET /api/attributions/?assignment=ID (the same data through
  the REST API, as a script or a reload of the claims reads it);
- save: POST /api/attributions/ of a new claim (content, source, cue, speaker, stance) as the
  workspace sends it (`X-Client: workspace`), and PATCH of one field with its version.

Each is run `--repeat` times after a warm-up; the output gives the median and the 95th
percentile in milliseconds and the SQL statements of one request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "demo_data" / "seeds" / "002_6cee9a5cac6f40e7.txt"
GUIDELINES = ROOT / "demo_data" / "GUIDELINES.md"
CLAIMS = 50
PASSWORD = "bench-only-password-1"  # noqa: S105 (a throwaway database)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(name: str, repeat: int, call: Callable[[int], Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(3):  # warm-up: templates, URL resolver, prepared statements
        call(-1 - index)
    with CaptureQueriesContext(connection) as queries:
        call(-10)
    statements = len(queries)  # read now: the next request clears the connection's log
    samples = []
    for index in range(repeat):
        started = time.perf_counter()
        call(index)
        samples.append((time.perf_counter() - started) * 1000)
    result = {
        "name": name,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "queries": statements,
        "runs": repeat,
    }
    print(
        f"{name:<34} median {result['median_ms']:7.2f} ms   p95 {result['p95_ms']:7.2f} ms   "
        f"{result['queries']:3d} SQL statements"
    )
    return result


def build() -> dict[str, Any]:
    """The project, the annotator and an assignment with CLAIMS claims, through the services."""
    from django.contrib.auth import get_user_model

    from annotate.models import Membership
    from annotate.services.assignments import create_assignment
    from annotate.services.attributions import AttributionData, StanceData, create_attribution
    from annotate.services.projects import (
        add_articles,
        create_actor,
        create_project,
        set_membership,
    )
    from corpus.importers.seed import read_seed_file
    from corpus.models import Article, Sentence
    from corpus.services import import_articles

    users = get_user_model().objects
    admin = users.create_user("bench-admin", password=PASSWORD, is_superuser=True)
    annotator = users.create_user("bench-annotator", password=PASSWORD, is_staff=True)
    project = create_project(
        name="bench-workspace", user=admin, guidelines=GUIDELINES.read_text(encoding="utf-8")
    )
    set_membership(
        project_id=project.pk, user=admin, member_id=annotator.pk, role=Membership.Role.ANNOTATOR
    )
    import_articles(records=read_seed_file(SEED), workers=1)
    article = Article.objects.order_by("-id").first()
    assert article is not None
    add_articles(project_id=project.pk, user=admin, article_ids=[article.pk])
    assignment = create_assignment(
        project_id=project.pk, article_id=article.pk, annotator_id=annotator.pk, user=admin
    )
    actors = [
        create_actor(project_id=project.pk, user=admin, name=f"Actor {n}", aliases=[f"A{n}"])
        for n in range(10)
    ]
    sentences = list(
        Sentence.objects.filter(article=article).order_by("start").values_list("start", "end")
    )
    long_sentences = [(s, e) for s, e in sentences if e - s > 40]

    def claim_data(index: int) -> AttributionData:
        start, end = long_sentences[index % len(long_sentences)]
        middle = start + (end - start) // 2
        return AttributionData(
            content=[(start + 10, middle - 1), (middle + 1, end - 1)],
            type="indirect",
            source=(start, start + 4),
            cue=(start + 5, start + 9),
            speaker_id=actors[index % len(actors)].pk,
            stances=[StanceData(polarity="favor", target_actor_id=actors[(index + 1) % 10].pk)],
        )

    for index in range(CLAIMS):
        create_attribution(
            assignment_id=assignment.pk, user=annotator, data=claim_data(index), via="system"
        )
    return {
        "annotator": annotator,
        "article": article,
        "assignment": assignment,
        "claim_data": claim_data,
        "actors": actors,
    }


def run(repeat: int) -> list[dict[str, Any]]:
    from django.test import Client
    from django.urls import reverse

    from annotate.models import Attribution

    world = build()
    client = Client()
    client.force_login(world["annotator"])
    assignment = world["assignment"]
    page_url = reverse("admin:annotate_workspace", args=[assignment.pk])
    headers = {"X-Client": "workspace"}

    def page(_: int) -> None:
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    def api_data(_: int) -> None:
        article = client.get(f"/api/articles/{world['article'].pk}/", headers=headers)
        claims = client.get(f"/api/attributions/?assignment={assignment.pk}", headers=headers)
        assert article.status_code == 200, article.content[:300]
        assert claims.status_code == 200, claims.content[:300]

    created: list[int] = []

    def save(index: int) -> None:
        data = world["claim_data"](index)
        body = {
            "assignment": assignment.pk,
            "content": [list(part) for part in data.content],
            "source": list(data.source),
            "cue": list(data.cue),
            "speaker": data.speaker_id,
            "type": "direct",
            "stances": [
                {"target_actor": world["actors"][0].pk, "target_topic": "", "polarity": "against"}
            ],
            "nested_in": None,
            "category": "",
            "note": "",
            "confidence": None,
        }
        response = client.post(
            "/api/attributions/", json.dumps(body), content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.content[:300]
        created.append(response.json()["id"])

    target = Attribution.objects.filter(assignment=assignment).order_by("id").first()
    assert target is not None
    version = {"value": target.version}

    def patch(index: int) -> None:
        body = {"version": version["value"], "note": f"edit {index}"}
        response = client.patch(
            f"/api/attributions/{target.pk}/",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content[:300]
        version["value"] = response.json()["version"]

    claims = Attribution.objects.filter(assignment=assignment).count()
    article = world["article"]
    print(f"article {article.pk}: {len(article.text)} characters, {claims} claims")
    results = [
        measure(f"page (HTML + data, {CLAIMS} claims)", repeat, page),
        measure(f"api data (article + {CLAIMS} claims)", repeat, api_data),
    ]
    # The saves add claims; the page and data were measured first, at exactly CLAIMS claims.
    results.append(measure("save a new claim (POST)", repeat, save))
    results.append(measure("edit a claim (PATCH)", repeat, patch))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per measurement")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-workspace-") as tmp:
        if "DATABASE_URL" not in os.environ:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DEBUG", "false")
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
        os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
        os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
        # DEBUG off serves hashed static names from a manifest: collect them once.
        os.environ.setdefault("STATIC_ROOT", str(Path(tmp) / "static"))
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.db import connection

        load = os.getloadavg()[0]
        print(f"database: {connection.vendor}; load average {load:.1f} on {os.cpu_count()} CPUs")
        results = run(args.repeat)
        if args.json is not None:
            args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

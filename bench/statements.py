"""Benchmark: SQL statements per claim write and per assignment read, through the service layer.

    .venv/bin/python bench/statements.py                      # SQLite (a throwaway test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h2 .venv/bin/python bench/statements.py
    .venv/bin/python bench/statements.py -v                   # also print every statement

Counts every statement Django sends (CaptureQueriesContext), transaction control included
(SAVEPOINT / RELEASE on a nested atomic block), as an annotator would cause them:

- create_attribution with 3 spans (content, source, cue) and 1 stance toward an actor; the same
  with 6 content spans and 3 stances, to show the count does not grow with spans;
- update_attribution (new content and stances) and delete_attribution of such a claim;
- reading one assignment with N claims: attributions_for_assignment + snapshot_attribution of
  every claim, at N = 10 and N = 50 (the count must not change).

Peers, for the same write: doccano 13-15 statements per span, Label Studio 46-66 per annotation.
It runs on a test database created and destroyed by Django's test machinery.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every statement")
    args = parser.parse_args()

    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth import get_user_model

        from annotate.history import snapshot_attribution
        from annotate.selectors import attributions_for_assignment
        from annotate.services.assignments import create_assignment
        from annotate.services.attributions import (
            AttributionData,
            StanceData,
            create_attribution,
            delete_attribution,
            update_attribution,
        )
        from annotate.services.projects import (
            add_articles,
            create_actor,
            create_project,
            set_membership,
        )
        from corpus.models import Article, content_hash

        users = get_user_model().objects
        admin = users.create_user("bench-admin", is_superuser=True, is_staff=True)
        annotator = users.create_user("bench-annotator", is_staff=True)
        project = create_project(name="bench", user=admin)
        set_membership(project_id=project.pk, user=admin, member_id=annotator.pk, role="annotator")
        sentence = "The minister said that talks will resume soon, adding that all is calm. "
        text = sentence * 200
        article = Article.objects.create(text=text, content_hash=content_hash(text))
        add_articles(project_id=project.pk, user=admin, article_ids=[article.pk])
        actors = [
            create_actor(project_id=project.pk, user=admin, name=f"Actor {i}") for i in range(4)
        ]

        def assignment_for(user_name: str) -> int:
            member = users.create_user(user_name, is_staff=True)
            set_membership(project_id=project.pk, user=admin, member_id=member.pk, role="annotator")
            return create_assignment(
                project_id=project.pk, article_id=article.pk, annotator_id=member.pk, user=admin
            ).pk

        def claim(i: int, spans: int = 1, stances: int = 1) -> AttributionData:
            base = (i % 190) * len(sentence)
            content = [(base + 23 + 4 * k, base + 26 + 4 * k) for k in range(spans)]
            return AttributionData(
                content=content,
                type="indirect",
                source=(base, base + 12),
                cue=(base + 13, base + 17),
                speaker_id=actors[0].pk,
                stances=[
                    StanceData(polarity="favor", target_actor_id=actors[k + 1].pk)
                    for k in range(stances)
                ],
            )

        def count(label: str, action) -> int:
            with CaptureQueriesContext(connection) as ctx:
                action()
            n = len(ctx.captured_queries)
            print(f"{label:<72} {n:>3}")
            if args.verbose:
                for query in ctx.captured_queries:
                    print("    " + query["sql"][:160])
            return n

        assignment_id = create_assignment(
            project_id=project.pk, article_id=article.pk, annotator_id=annotator.pk, user=admin
        ).pk
        create_attribution(assignment_id=assignment_id, user=annotator, data=claim(0))  # warm-up

        vendor = connection.vendor
        print(f"SQL statements on {vendor} (transaction control included)")
        created = {}

        def create_small() -> None:
            created["small"] = create_attribution(
                assignment_id=assignment_id, user=annotator, data=claim(1), via="api"
            )

        def create_large() -> None:
            created["large"] = create_attribution(
                assignment_id=assignment_id,
                user=annotator,
                data=claim(2, spans=6, stances=3),
                via="api",
            )

        count("create_attribution: 3 spans (content, source, cue) + 1 stance", create_small)
        count("create_attribution: 8 spans (6 content, source, cue) + 3 stances", create_large)
        small = created["small"]
        count(
            "update_attribution: new content + stances",
            lambda: update_attribution(
                attribution_id=small.pk,
                expected_version=1,
                user=annotator,
                changes={
                    "content": [(len(sentence) + 23, len(sentence) + 30)],
                    "stances": [{"polarity": "against", "target_actor_id": actors[2].pk}],
                },
                via="api",
            ),
        )
        count(
            "update_attribution: note only",
            lambda: update_attribution(
                attribution_id=small.pk,
                expected_version=2,
                user=annotator,
                changes={"note": "checked"},
                via="api",
            ),
        )
        count(
            "delete_attribution",
            lambda: delete_attribution(
                attribution_id=small.pk, expected_version=3, user=annotator, via="api"
            ),
        )

        for n in (10, 50):
            read_id = assignment_for(f"reader-{n}")
            for i in range(n):
                create_attribution(assignment_id=read_id, user=admin, data=claim(i, stances=2))

            def read(assignment: int = read_id, expected: int = n) -> None:
                rows = [snapshot_attribution(a) for a in attributions_for_assignment(assignment)]
                assert len(rows) == expected

            count(f"read one assignment with {n} claims (select + snapshot every claim)", read)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()

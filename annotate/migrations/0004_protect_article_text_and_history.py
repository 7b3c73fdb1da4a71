"""Database triggers for two rules no caller may bypass, whatever path writes the row.

1. The text of an article that a span points into cannot change: every offset would silently move.
2. A history entry is never updated (the audit trail is append-only). Deleting stays possible, so
   deleting a whole project still cascades to its history.

SQLite raises with RAISE(ABORT, ...); PostgreSQL with a plpgsql function raising SQLSTATE 23514
(check_violation). Both reach Django as IntegrityError.
"""

from django.db import migrations

TEXT_MESSAGE = (
    "Article text cannot change once claims point into it: import the new text as a new article."
)
HISTORY_MESSAGE = "History entries are append-only: they cannot be changed."

SPANS_IN_ARTICLE = """
    SELECT 1 FROM annotate_span AS s
    JOIN annotate_attribution AS a ON a.id = s.attribution_id
    JOIN annotate_assignment AS g ON g.id = a.assignment_id
    WHERE g.article_id = OLD.id
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER annotate_article_text_immutable
    BEFORE UPDATE OF text ON corpus_article
    WHEN NEW.text IS NOT OLD.text AND EXISTS ({SPANS_IN_ARTICLE})
    BEGIN SELECT RAISE(ABORT, '{TEXT_MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER annotate_historyentry_append_only
    BEFORE UPDATE ON annotate_historyentry
    BEGIN SELECT RAISE(ABORT, '{HISTORY_MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS annotate_article_text_immutable;",
    "DROP TRIGGER IF EXISTS annotate_historyentry_append_only;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION annotate_article_text_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.text IS DISTINCT FROM OLD.text AND EXISTS ({SPANS_IN_ARTICLE}) THEN
            RAISE EXCEPTION '{TEXT_MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END;
    $$;
    """,
    """
    CREATE TRIGGER annotate_article_text_immutable
    BEFORE UPDATE OF text ON corpus_article
    FOR EACH ROW EXECUTE FUNCTION annotate_article_text_immutable();
    """,
    f"""
    CREATE OR REPLACE FUNCTION annotate_historyentry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{HISTORY_MESSAGE}' USING ERRCODE = '23514';
    END;
    $$;
    """,
    """
    CREATE TRIGGER annotate_historyentry_append_only
    BEFORE UPDATE ON annotate_historyentry
    FOR EACH ROW EXECUTE FUNCTION annotate_historyentry_append_only();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS annotate_article_text_immutable ON corpus_article;",
    "DROP FUNCTION IF EXISTS annotate_article_text_immutable();",
    "DROP TRIGGER IF EXISTS annotate_historyentry_append_only ON annotate_historyentry;",
    "DROP FUNCTION IF EXISTS annotate_historyentry_append_only();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_REVERSE),
}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        # Other databases run without these guards; the services still enforce both rules.
        return
    for sql in statements[index]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def reverse(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("annotate", "0003_restrict_deletes_keep_history"),
        ("corpus", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, reverse)]

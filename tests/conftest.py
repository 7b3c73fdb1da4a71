import pytest
from django.contrib.auth import get_user_model
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: skip them on the SQLite default."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests create many users; the default PBKDF2 rounds would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(username: str, *, is_staff: bool = True, is_superuser: bool = False):
        return get_user_model().objects.create_user(
            username=username,
            password="pw-" + username,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )

    return make

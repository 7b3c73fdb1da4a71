import pytest
from django.contrib.auth import get_user_model


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

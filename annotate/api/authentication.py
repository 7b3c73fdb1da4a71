import re
from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class StrictTokenAuthentication(TokenAuthentication):
    """Token authentication that refuses a malformed key before it reaches the database, where a
    NUL byte or an overlong string would fail the query instead of the login."""

    def authenticate_credentials(self, key: str) -> Any:
        if not TOKEN_KEY.fullmatch(key):
            raise AuthenticationFailed("Invalid token: a token is 40 hexadecimal digits.")
        return super().authenticate_credentials(key)

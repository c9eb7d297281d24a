import pytest


@pytest.fixture
def token_for():
    """token_for(user) -> the HTTP_AUTHORIZATION header value of a fresh token."""
    from loa.accounts.models import ApiToken

    def _token(user):
        _, raw = ApiToken.issue(user=user, name="tests")
        return f"Bearer {raw}"

    return _token


@pytest.fixture
def api_client(client, token_for):
    """api_client(user) -> a client sending that user's bearer token with every request."""

    def _client(user):
        client.defaults["HTTP_AUTHORIZATION"] = token_for(user)
        return client

    return _client

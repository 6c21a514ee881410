"""Checks schemathesis runs on top of its own, for every response of the GraphQL API.

Loaded through SCHEMATHESIS_HOOKS by scripts/fuzz-graphql.
"""

import schemathesis


@schemathesis.check
def no_internal_error(ctx, response, case):
    """A request, however malformed, is answered as the client's mistake or served:
    never with the INTERNAL code, which means the server failed."""
    try:
        body = response.json()
    except ValueError as error:
        raise AssertionError(f"the response is not JSON: {response.text[:200]!r}") from error
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code is None:
            raise AssertionError(f"an error without extensions.code: {error}")
        if code == "INTERNAL":
            raise AssertionError(f"INTERNAL error: {error}")
    return None


@schemathesis.check
def no_server_error_status(ctx, response, case):
    """No 5xx. (Schemathesis' own not_a_server_error also counts every resolver error,
    such as a wrong password's UNAUTHENTICATED, as a server error: in this API those are
    answers, each with its code, and INTERNAL is what a server failure looks like.)"""
    if response.status_code >= 500:
        raise AssertionError(f"status {response.status_code}: {response.text[:200]!r}")
    return None

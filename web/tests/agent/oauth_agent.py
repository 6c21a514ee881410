#!/usr/bin/env python3
"""A third-party MCP client, for the browser tests: the official MCP Python SDK (mcp==2.3.0)
connecting to `todo-mcp http` by URL and authorizing with the SDK's own OAuth 2.1 client.

Usage:
    python oauth_agent.py --mcp-url URL --title TEXT [--client-name NAME] [--scope SCOPE]

Flow: binds a loopback callback server (http://127.0.0.1:<port>/callback), lets the SDK's
OAuthClientProvider discover the protected resource and authorization server metadata,
register a public client (RFC 7591) and build the PKCE authorization URL, which it prints as
one line `AUTHORIZE <url>` on stdout. The test's browser opens it, signs in and allows or
denies; the browser then lands on the callback, whose `code`/`state` go back to the SDK,
which exchanges them for a token. Then: initialize, tools/list, tools/call add_task
{"text": TITLE}, tools/call list_tasks {}, and one line `RESULT <json>` on stdout.

Exit status: 0 done; 3 the authorization was refused (`DENIED <error>` on stdout); 4 no
callback came within 120 s; 2 bad arguments; any other failure 1, with a traceback on stderr.
Logs go to stderr only.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import sys
import traceback
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
import mcp.client.auth.oauth2 as sdk_oauth2
from mcp.client import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

DEFAULT_CLIENT_NAME = "Test agent (Python SDK)"
DEFAULT_SCOPE = "tasks:read tasks:write"
CALLBACK_TIMEOUT_S = 120.0
EXIT_DENIED = 3
EXIT_TIMEOUT = 4

log = logging.getLogger("oauth_agent")


class _Outcome:
    """How the run ended when it ended on purpose (refusal, timeout) rather than by a fault."""

    exit_code: int | None = None
    scope: anyio.CancelScope | None = None

    @classmethod
    def stop(cls, code: int) -> None:
        cls.exit_code = code
        if cls.scope is not None:
            cls.scope.cancel()


class _AgentStopped(Exception):
    """Raised into the SDK's auth flow once the run has a deliberate outcome."""


class _NoTracebackAfterStop(logging.Filter):
    """The SDK logs the exception that ends its OAuth flow with a traceback; after a deliberate
    stop (refusal, timeout) that traceback is noise, and the contract says there is none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _Outcome.exit_code is not None and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_NoTracebackAfterStop())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)


class InMemoryTokenStorage:
    """The SDK's `TokenStorage` protocol, kept in memory for this one run."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


_PAGE = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
    "<body><h1>{title}</h1><p>{body}</p><p>You can close this tab.</p></body></html>"
)


class CallbackServer:
    """A loopback HTTP server answering GET /callback with a small page and handing the
    query's parameters to whoever awaits `wait()`; only the first callback counts."""

    def __init__(self) -> None:
        self._params: asyncio.Future[dict[str, str]] | None = None
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    async def start(self) -> None:
        self._params = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._serve, host="127.0.0.1", port=0)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("callback server listening on %s", self.redirect_uri)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def wait(self) -> dict[str, str]:
        assert self._params is not None
        return await asyncio.shield(self._params)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await asyncio.wait_for(reader.readline(), 10)).decode("latin-1")
            while True:  # the headers say nothing this server needs
                line = await asyncio.wait_for(reader.readline(), 10)
                if line in (b"\r\n", b"\n", b""):
                    break
            parts = request_line.split()
            if len(parts) < 2:
                return
            method, target = parts[0], parts[1]
            url = urlsplit(target)
            if method != "GET" or url.path != "/callback":
                self._respond(writer, 404, "Not found", "There is nothing here.")
                return
            params = {key: values[0] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
            assert self._params is not None
            if self._params.done():
                self._respond(writer, 200, "Already done", "This sign-in was already handled.")
                return
            if "error" in params:
                self._respond(writer, 200, "Authorization refused", f"The agent was not authorized ({params['error']}).")
            else:
                self._respond(writer, 200, "Authorization received", "The agent got its answer.")
            log.info("callback received: %s", ", ".join(sorted(params)))
            self._params.set_result(params)
        except Exception:
            log.exception("callback request failed")
        finally:
            try:
                await writer.drain()
            except Exception:
                pass
            writer.close()

    @staticmethod
    def _respond(writer: asyncio.StreamWriter, status: int, title: str, body: str) -> None:
        page = _PAGE.format(title=html.escape(title), body=html.escape(body)).encode()
        reason = {200: "OK", 404: "Not Found"}[status]
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page)}\r\n"
            "Cache-Control: no-store\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode("latin-1") + page)


def _force_scope(scope: str) -> None:
    """Make the SDK request exactly `scope`. By itself, on a 401 the SDK 2.3.0 replaces the
    client metadata's scope with the WWW-Authenticate `scope`, else the protected resource
    metadata's `scopes_supported`, else the authorization server's `scopes_supported`, else
    none (`get_client_metadata_scopes`); this swaps that selection for the given scope."""
    sdk_oauth2.get_client_metadata_scopes = lambda *_args, **_kwargs: scope  # type: ignore[assignment]


def _tool_payload(result: Any) -> Any:
    """A tool result's structured content; else its text, parsed as JSON when it is JSON."""
    if result.structured_content is not None:
        return result.structured_content
    texts = [block.text for block in result.content if getattr(block, "type", None) == "text"]
    if not texts:
        return None
    text = "".join(texts)
    try:
        return json.loads(text)
    except ValueError:
        return text


async def run(args: argparse.Namespace) -> dict[str, Any] | None:
    callback = CallbackServer()
    await callback.start()
    storage = InMemoryTokenStorage()

    async def redirect_handler(authorization_url: str) -> None:
        print(f"AUTHORIZE {authorization_url}", flush=True)

    async def callback_handler() -> AuthorizationCodeResult:
        try:
            with anyio.fail_after(CALLBACK_TIMEOUT_S):
                params = await callback.wait()
        except TimeoutError:
            print(f"no authorization callback within {CALLBACK_TIMEOUT_S:.0f} s", file=sys.stderr, flush=True)
            _Outcome.stop(EXIT_TIMEOUT)
            raise _AgentStopped("callback timeout") from None
        if "error" in params:
            print(f"DENIED {params['error']}", flush=True)
            _Outcome.stop(EXIT_DENIED)
            raise _AgentStopped(f"authorization refused: {params['error']}")
        if not params.get("code"):
            raise RuntimeError(f"callback carried neither code nor error: {sorted(params)}")
        return AuthorizationCodeResult(code=params["code"], state=params.get("state"), iss=params.get("iss"))

    if args.scope is not None:
        _force_scope(args.scope)
    provider = OAuthClientProvider(
        server_url=args.mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name=args.client_name,
            redirect_uris=[callback.redirect_uri],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
            scope=args.scope if args.scope is not None else DEFAULT_SCOPE,
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )

    try:
        with anyio.CancelScope() as scope:
            _Outcome.scope = scope
            # The SDK's default timeouts (create_mcp_http_client): 30 s, 300 s to read a stream.
            async with httpx2.AsyncClient(auth=provider, timeout=httpx2.Timeout(30.0, read=300.0)) as http:
                transport = streamable_http_client(args.mcp_url, http_client=http)
                async with Client(transport, mode=args.mode) as client:
                    log.info("connected: protocol %s, server %s", client.protocol_version, client.server_info)
                    tools: list[str] = []
                    cursor: str | None = None
                    for _ in range(100):
                        listing = await client.list_tools(cursor=cursor)
                        tools.extend(tool.name for tool in listing.tools)
                        cursor = listing.next_cursor
                        if cursor is None:
                            break
                    added = await client.call_tool("add_task", {"text": args.title})
                    listed = await client.call_tool("list_tasks", {})
    finally:
        _Outcome.scope = None
        await callback.close()
    if _Outcome.exit_code is not None:
        return None

    tokens = storage.tokens
    return {
        "tools": sorted(tools),
        "added": _tool_payload(added),
        "added_is_error": bool(added.is_error),
        "listed": _tool_payload(listed),
        "listed_is_error": bool(listed.is_error),
        "access_token_prefix": tokens.access_token[:9] if tokens else None,
        "scope": tokens.scope if tokens else None,
        "has_refresh_token": bool(tokens and tokens.refresh_token),
    }


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Connect to an MCP server with the MCP Python SDK's own OAuth client, "
        "add a task and list tasks.",
    )
    parser.add_argument("--mcp-url", required=True, help="the MCP endpoint, e.g. http://127.0.0.1:8090/mcp")
    parser.add_argument("--title", required=True, help="the text of the task add_task creates")
    parser.add_argument("--client-name", default=DEFAULT_CLIENT_NAME, help=f"client_name to register (default: {DEFAULT_CLIENT_NAME!r})")
    parser.add_argument(
        "--scope",
        default=None,
        help=f"scope to register and request (default: {DEFAULT_SCOPE!r} in the client metadata, "
        "while the SDK picks the scope it requests: WWW-Authenticate scope, else the resource "
        "metadata's scopes_supported, else the authorization server's; given explicitly, exactly this scope is requested)",
    )
    parser.add_argument(
        "--mode",
        choices=["legacy", "auto"],
        default="legacy",
        help="'legacy' (default): the initialize handshake; 'auto': the SDK's default, a "
        "server/discover probe first, falling back to initialize",
    )
    parser.add_argument("--verbose", action="store_true", help="debug logs (stderr)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    _setup_logging(args.verbose)
    try:
        result = anyio.run(run, args)
    except BaseException as exc:  # noqa: BLE001 - every way out is mapped to an exit status
        if _Outcome.exit_code is not None:
            return _Outcome.exit_code
        if isinstance(exc, KeyboardInterrupt):
            return 130
        traceback.print_exc()
        return 1
    if _Outcome.exit_code is not None or result is None:
        return _Outcome.exit_code or 1
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

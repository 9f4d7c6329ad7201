"""``nemovideo auth``: which token is in use, and saving or forgetting a user token.

A token is never an argument (it would show in the process list and the shell's
history): ``login`` reads it from a hidden prompt, or from standard input when that is
not a terminal (``nemovideo auth login < token.txt``).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated

import typer

from .. import AuthenticationError
from .._credentials import ConfigFolder
from .._protocol.auth import IssuedToken
from .._secret import Secret
from .clients import new_client
from .output import AsJson, err, fail, json_or, out, reported

__all__ = ["auth_app"]

auth_app = typer.Typer(help="The token the CLI and the SDK use.", no_args_is_help=True)


@auth_app.command("status")
def status(as_json: AsJson = False) -> None:
    """Show which token is in use (masked), where it comes from, its expiry and credits."""
    with reported(), new_client() as client:
        token = client.token_status()
        balance = client.credits() if token.source is not None else None
    if token.source is None:
        text = "no token yet: an anonymous one is fetched (and saved) on first use"
    else:
        lines = [f"token: {token.masked} ({token.source})"]
        if token.expires_at is not None:
            lines.append(f"expires: {token.expires_at}")
        if balance is not None:
            lines.append(
                f"credits: {balance.available} available, {balance.frozen} frozen, "
                f"{balance.total} total"
            )
        text = "\n".join(lines)
    result = token.to_dict()
    result["api"] = client.base_url
    result["credits"] = balance.to_dict() if balance is not None else None
    json_or(as_json, result, text)


def read_secret() -> str:
    """The token from a hidden prompt, or from standard input when it is not a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass("token (input hidden): ")
    return sys.stdin.readline()


@auth_app.command("login")
def login() -> None:
    """Save a user token for this API (read hidden, or from standard input).

    It is checked with the service first, then kept owner-only in the config folder, and
    used by every process unless a token= argument or NEMO_TOKEN says otherwise.
    """
    token = Secret(read_secret().strip())  # shown masked, even in a traceback
    if not token:
        fail("no token given")
    with reported():
        with new_client(token=token, token_store=False) as client:
            try:
                balance = client.credits()
            except AuthenticationError as exc:
                fail(f"the service refused this token; nothing was saved ({exc})")
            base_url = client.base_url
            folder = ConfigFolder(client.settings.config_dir)
        with folder.locked() as saved:
            saved.save_user(base_url, IssuedToken(token))
    out.print(f"saved for {base_url}: {balance.available} credits available")
    if os.environ.get("NEMO_TOKEN"):
        err.print("note: NEMO_TOKEN is set, and it comes before the saved token")


@auth_app.command("logout")
def logout(
    anonymous: Annotated[
        bool,
        typer.Option(
            help="Forget the saved anonymous token too (the service gives one per client "
            "id per 7 days, so a new one may be refused until then)."
        ),
    ] = False,
) -> None:
    """Forget the user token saved for this API (and, with --anonymous, the anonymous one)."""
    with reported(), new_client(token_store=False) as client:
        base_url = client.base_url
        with ConfigFolder(client.settings.config_dir).locked() as saved:
            gone = saved.forget(base_url, anonymous=anonymous)
    out.print(f"forgot {gone} saved token(s) for {base_url}")

"""What the SDK keeps between processes: the client id and the tokens, in the config folder.

``$XDG_CONFIG_HOME/nemovideo/`` (default ``~/.config/nemovideo/``) holds:

- ``client_id``: the ``X-Client-Id``, made once (a temporary file renamed into place
  under a lock, then read back, so processes that start together agree on one id);
- ``tokens.json``: the anonymous token per API and client id, with its expiry, and
  user tokens saved by ``nemovideo auth login``, per API;
- ``lock``: the lock file that makes a read-then-write of either one step, across
  processes (``filelock``).

Files are owner-only (0600, the folder 0700) and replaced atomically, so a reader never
sees half a file. Any failure of the file system is a `ConfigurationError` that names
the path and says what to do.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._config import CLIENT_ID_PATTERN, is_token_text
from ._protocol.auth import IssuedToken
from ._secret import Secret
from .errors import ConfigurationError
from .models._fields import opt_float

if TYPE_CHECKING:
    import filelock

__all__ = ["LOCK_TIMEOUT", "ConfigFolder", "SavedTokens"]

logger = logging.getLogger("nemovideo")

LOCK_TIMEOUT = 60.0
"""Seconds to wait for another process to finish with the config folder."""
_ADVICE = (
    "set XDG_CONFIG_HOME to a folder you can write, pass client_id= (or set "
    "NEMO_CLIENT_ID) and token_store=False (or NEMOVIDEO_TOKEN_STORE=0)"
)


def _problem(action: str, path: Path, error: BaseException) -> ConfigurationError:
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return ConfigurationError(f"cannot {action} {str(path)!r}: {reason}; {_ADVICE}", path=str(path))


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, owner-only, atomically (temporary file, rename)."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _hide_token(entry: dict[str, Any]) -> dict[str, Any]:
    """A JSON object read from the tokens file, its ``token`` kept as a `Secret` (and
    dropped when it could not go into a header: an entry edited by hand, say)."""
    if isinstance(entry.get("token"), str):  # never in a local: straight into the Secret
        entry["token"] = Secret(entry["token"]) if is_token_text(entry["token"]) else None
    return entry


def _reveal(value: Any) -> str:
    """JSON for what ``json`` cannot write itself: a `Secret` as its text."""
    if isinstance(value, Secret):
        return value.get_secret_value()
    raise TypeError(f"cannot save {type(value).__name__}")


class ConfigFolder:
    """The SDK's folder in the user's configuration (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def client_id_path(self) -> Path:
        """The file that holds the client id."""
        return self.path / "client_id"

    @property
    def tokens_path(self) -> Path:
        """The file that holds saved tokens."""
        return self.path / "tokens.json"

    @property
    def lock_path(self) -> Path:
        """The lock file."""
        return self.path / "lock"

    def _ensure(self) -> None:
        try:
            self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise _problem("create the folder", self.path, exc) from None

    @contextmanager
    def locked(self) -> Iterator[SavedTokens]:
        """Hold the folder's lock (across processes and threads) and read and write the
        saved tokens inside it."""
        import filelock

        self._ensure()
        lock: filelock.BaseFileLock = filelock.FileLock(
            self.lock_path, timeout=LOCK_TIMEOUT, thread_local=False
        )
        try:
            lock.acquire()
        except filelock.Timeout:
            raise ConfigurationError(
                f"another process has held {str(self.lock_path)!r} for over "
                f"{LOCK_TIMEOUT:g} s; if none is running, delete that file",
                path=str(self.lock_path),
            ) from None
        except OSError as exc:
            raise _problem("lock", self.lock_path, exc) from None
        try:
            yield SavedTokens(self.tokens_path)
        finally:
            lock.release()

    def read_client_id(self) -> str | None:
        """The saved client id, if there is a valid one."""
        try:
            text = self.client_id_path.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
            return None
        except OSError as exc:
            raise _problem("read", self.client_id_path, exc) from None
        return text if CLIENT_ID_PATTERN.match(text) else None

    def client_id(self) -> str:
        """The saved client id, made (once, whoever asks first) when there is none.

        Re-using one id matters: the service gives one anonymous token per client id
        per 7 days. The file holds only the id.
        """
        existing = self.read_client_id()
        if existing is not None:
            return existing
        with self.locked():
            existing = self.read_client_id()  # made while we waited for the lock
            if existing is not None:
                return existing
            try:
                _write_private(self.client_id_path, str(uuid.uuid4()) + "\n")
            except OSError as exc:
                raise _problem("write", self.client_id_path, exc) from None
        made = self.read_client_id()
        if made is None:
            raise ConfigurationError(
                f"the client id in {str(self.client_id_path)!r} cannot be read back",
                path=str(self.client_id_path),
            )
        return made


class SavedTokens:
    """The saved tokens, read and written while the folder's lock is held."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, Any]:
        """The saved entries, each token already a `Secret` (the file's text is never
        kept in a variable)."""
        try:
            data = json.loads(self.path.read_bytes(), object_hook=_hide_token)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise _problem("read", self.path, exc) from None
        except (ValueError, RecursionError):
            logger.warning("ignoring %s: not a JSON object", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _store(self, data: dict[str, Any]) -> None:
        """Write the entries; the one place their tokens are revealed, as they are written."""
        try:
            _write_private(
                self.path, json.dumps(data, indent=1, sort_keys=True, default=_reveal) + "\n"
            )
        except OSError as exc:
            raise _problem("write", self.path, exc) from None

    @staticmethod
    def _token(entry: Any) -> IssuedToken | None:
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), Secret):
            return None
        expires = entry.get("expires_at")
        user_id = entry.get("user_id")
        return IssuedToken(
            entry["token"],
            opt_float(expires),
            user_id if isinstance(user_id, str) else None,
        )

    @staticmethod
    def _entry(issued: IssuedToken) -> dict[str, Any]:
        return {"token": issued.token, "expires_at": issued.expires_at, "user_id": issued.user_id}

    def for_client(
        self, base_url: str, client_id: str
    ) -> tuple[IssuedToken | None, IssuedToken | None]:
        """The saved user token of this API and the anonymous one of this API and
        client id (either may be ``None``)."""
        data = self._load()
        user = data.get("user", {})
        anonymous = data.get("anonymous", {})
        return (
            self._token(user.get(base_url) if isinstance(user, dict) else None),
            self._token(
                anonymous.get(f"{base_url} {client_id}") if isinstance(anonymous, dict) else None
            ),
        )

    def user(self, base_url: str) -> IssuedToken | None:
        """The user token saved for this API, if any."""
        return self._token(self._load().get("user", {}).get(base_url))

    def anonymous(self, base_url: str, client_id: str) -> IssuedToken | None:
        """The anonymous token saved for this API and client id, if any."""
        return self._token(self._load().get("anonymous", {}).get(f"{base_url} {client_id}"))

    def save_user(self, base_url: str, issued: IssuedToken) -> None:
        """Save a user token for this API."""
        data = self._load()
        data.setdefault("user", {})[base_url] = self._entry(issued)
        self._store(data)

    def save_anonymous(self, base_url: str, client_id: str, issued: IssuedToken) -> None:
        """Save the anonymous token of this API and client id."""
        data = self._load()
        data.setdefault("anonymous", {})[f"{base_url} {client_id}"] = self._entry(issued)
        self._store(data)

    def forget(self, base_url: str | None, *, anonymous: bool) -> int:
        """Forget the user tokens of this API (every API for ``None``), and the anonymous
        ones too when asked; returns how many were forgotten."""
        data = self._load()
        gone = 0
        kinds = ("user", "anonymous") if anonymous else ("user",)
        for kind in kinds:
            entries = data.get(kind, {})
            if not isinstance(entries, dict):
                continue
            for key in list(entries):
                if base_url is None or key == base_url or key.startswith(f"{base_url} "):
                    del entries[key]
                    gone += 1
        if gone:
            self._store(data)
        return gone

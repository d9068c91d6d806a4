"""The studio's users: a name, a role, and a slow hash of the secret (scrypt), in a JSON
file readable by its owner only. The secret itself is never stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from signage.core.paths import atomic_write

ROLES = ("admin", "editor", "photographer", "steward")
NAME_RE = re.compile(r"[\w.@-]{1,64}")
MIN_SECRET = 10
# scrypt at 2**15 x 8: about 32 MB and a few tens of milliseconds per try
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class UsersError(ValueError):
    """A users file or a change to it that cannot be accepted; the text says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    hash: str  # scrypt$N$r$p$salt$digest (hex)


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = _scrypt(secret, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(found, bytes.fromhex(digest))


# one hash at a time: each takes 128·N·r bytes (32 MB), and a burst of sign-ins (five
# phones at once, or a flood of guesses) must not take that many times the memory
_HASHING = threading.Lock()


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _HASHING:
        return hashlib.scrypt(
            secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32
        )


# a hash of nothing anybody knows: a login with an unknown name costs the same time
_NOBODY = hash_secret(secrets.token_hex(16))


class Users:
    """The users of one file; ``save`` writes it whole (mode 0600)."""

    def __init__(self, path: Path, users: dict[str, User]) -> None:
        self.path = path
        self.users = users

    @classmethod
    def load(cls, path: Path, missing_ok: bool = False) -> Users:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            if missing_ok:
                return cls(path, {})
            raise UsersError(
                f"{path}: no such users file (signage users add NAME --role ROLE --users {path})"
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsersError(f"{path}: cannot read the users file: {exc}") from None
        users: dict[str, User] = {}
        for n, entry in enumerate(data.get("users", []) if isinstance(data, dict) else [], 1):
            if (
                not isinstance(entry, dict)
                or not NAME_RE.fullmatch(str(entry.get("name", "")))
                or entry.get("role") not in ROLES
                or not str(entry.get("hash", "")).startswith("scrypt$")
            ):
                raise UsersError(f"{path}: user {n} is not a name, a role and a scrypt hash")
            users[entry["name"]] = User(entry["name"], entry["role"], entry["hash"])
        return cls(path, users)

    def save(self) -> None:
        data = {"users": [asdict(u) for u in sorted(self.users.values(), key=lambda u: u.name)]}
        atomic_write(self.path, (json.dumps(data, indent=2) + "\n").encode())  # mkstemp: mode 0600

    def add(self, name: str, role: str, secret: str) -> User:
        if not NAME_RE.fullmatch(name):
            raise UsersError(f"'{name}' is not a user name (letters, digits, . @ _ -; 64 at most)")
        if role not in ROLES:
            raise UsersError(f"'{role}' is not a role; roles: {', '.join(ROLES)}")
        if name in self.users:
            raise UsersError(f"{name} is already a user (signage users passwd {name})")
        user = User(name, role, hash_secret(_checked(secret)))
        self.users[name] = user
        return user

    def passwd(self, name: str, secret: str) -> None:
        user = self._known(name)
        self.users[name] = User(name, user.role, hash_secret(_checked(secret)))

    def remove(self, name: str) -> None:
        self._known(name)
        del self.users[name]

    def check(self, name: str, secret: str) -> User | None:
        """The user whose name and secret these are, or None (in the same time either way)."""
        user = self.users.get(name)
        ok = verify(secret, user.hash if user else _NOBODY)
        return user if ok and user else None

    def _known(self, name: str) -> User:
        if name not in self.users:
            raise UsersError(f"{name} is not a user of {self.path}")
        return self.users[name]


def _checked(secret: str) -> str:
    if len(secret) < MIN_SECRET:
        raise UsersError(f"the secret must have at least {MIN_SECRET} characters")
    return secret


def file_mode_problem(path: Path) -> str | None:
    """A users file others can read: said, so that the admin tightens it."""
    try:
        mode = path.stat().st_mode & 0o077
    except OSError:
        return None
    return f"{path} can be read by other users (chmod 600 {path})" if mode else None

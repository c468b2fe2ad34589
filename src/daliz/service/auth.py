"""API keys and roles.

A key looks like `dlz_<12 hex prefix>_<43 url-safe chars>` (256 random bits). Only its SHA-256
is stored; a request's key is found by its prefix and checked with a constant-time compare.
Roles, each including the one before: viewer (read, see saved plans), planner (save plans),
admin (datasets and users). Anonymous requests get what `Settings.anonymous` allows.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from daliz.i18n import gettext_ as _
from daliz.service.db import transaction
from daliz.service.models import ROLES, User, utcnow
from daliz.service.problems import ServiceError

KEY_PATTERN = re.compile(r"^dlz_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
NAME_PATTERN = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


class Permission(StrEnum):
    """What an endpoint needs."""

    READ = "read"  # public data and computing plans (anonymous when allowed)
    SAVED_READ = "saved_read"  # list and fetch saved plans
    SAVE = "save"  # save and delete own plans
    ADMIN = "admin"  # datasets and users


_ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "viewer": frozenset({Permission.READ, Permission.SAVED_READ}),
    "planner": frozenset({Permission.READ, Permission.SAVED_READ, Permission.SAVE}),
    "admin": frozenset(Permission),
}


def hash_key(key: str) -> str:
    """SHA-256 hex digest of a key (what the database stores)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> tuple[str, str]:
    """A new (key, prefix). The key is shown once and never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"dlz_{prefix}_{secret}", prefix


@dataclass(frozen=True)
class Principal:
    """Who is asking: a key holder, or anonymous (user_id None)."""

    user_id: int | None
    name: str
    role: str | None

    @property
    def anonymous(self) -> bool:
        return self.user_id is None

    def can(self, permission: Permission, anonymous_access: str) -> bool:
        """Whether this principal holds `permission` (anonymous: per the settings)."""
        if self.role is None:
            return permission == Permission.READ and anonymous_access == "read"
        return permission in _ROLE_PERMISSIONS.get(self.role, frozenset())


ANONYMOUS = Principal(None, "anonymous", None)


# --------------------------------------------------------------------------- user management
def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ServiceError(
            422,
            "invalid-request",
            _("Unknown role {role!r}.").format(role=role),
            hint=_("Use one of: {roles}.").format(roles=", ".join(ROLES)),
        )
    return role


def _check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise ServiceError(
            422,
            "invalid-request",
            _("A user name has 1 to 100 characters and no control characters."),
        )
    return name


def add_user(factory: sessionmaker[Session], name: str, role: str) -> tuple[User, str]:
    """Create a user with a new key; returns the user and the key (shown once)."""
    name, role = _check_name(name), _check_role(role)
    key, prefix = generate_key()
    with transaction(factory) as session:
        exists = session.scalar(select(User.id).where(User.name == name, User.revoked_at.is_(None)))
        if exists is not None:
            raise ServiceError(
                409,
                "conflict",
                _("A user named {name!r} already has an active key.").format(name=name),
                hint=_("Revoke it first, or choose another name."),
            )
        user = User(name=name, role=role, key_prefix=prefix, key_hash=hash_key(key))
        session.add(user)
        session.flush()
    return user, key


def list_users(factory: sessionmaker[Session], *, include_revoked: bool = True) -> list[User]:
    """Users, oldest first."""
    with factory() as session:
        query = select(User).order_by(User.id)
        if not include_revoked:
            query = query.where(User.revoked_at.is_(None))
        return list(session.scalars(query))


def revoke_user(factory: sessionmaker[Session], name: str) -> User:
    """Revoke the active key of `name` (404 problem when there is none)."""
    with transaction(factory) as session:
        user = session.scalar(
            select(User).where(User.name == name.strip(), User.revoked_at.is_(None))
        )
        if user is None:
            raise ServiceError(
                404, "not-found", _("No active user named {name!r}.").format(name=name)
            )
        user.revoked_at = utcnow()
    return user


def authenticate(factory: sessionmaker[Session], key: str) -> User | None:
    """The active user holding `key`, or None. Compares hashes in constant time."""
    match = KEY_PATTERN.match(key.strip())
    presented = hash_key(key.strip())
    if match is None:
        hmac.compare_digest(presented, _DUMMY_HASH)
        return None
    with factory() as session:
        user = session.scalar(select(User).where(User.key_prefix == match.group(1)))
    stored = user.key_hash if user is not None else _DUMMY_HASH
    if not hmac.compare_digest(presented, stored) or user is None or not user.active:
        return None
    return user


# --------------------------------------------------------------------------- FastAPI glue
_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


def _unauthorized(message: str) -> ServiceError:
    return ServiceError(
        401,
        "unauthorized",
        message,
        hint=_("Send the key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."),
        headers={"WWW-Authenticate": 'Bearer realm="daliz"'},
    )


async def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Principal:
    """The principal of a request: from its key, else anonymous. A wrong key is a 401."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    key = bearer.credentials if bearer is not None else api_key
    if key is None and request.headers.get("authorization"):
        # Another scheme (Basic, a bare key …) is a mistake to report, not anonymous access.
        raise _unauthorized(_("The Authorization header must be 'Bearer <key>'."))
    if key is None:
        principal = ANONYMOUS
    else:
        from daliz.service.context import get_context

        # Only a key needs the database, so only then leave the event loop.
        user = await anyio.to_thread.run_sync(authenticate, get_context(request).sessions, key)
        if user is None:
            raise _unauthorized(_("The API key is not valid or has been revoked."))
        principal = Principal(user.id, user.name, user.role)
    request.state.principal = principal
    return principal


def require(permission: Permission) -> object:
    """A dependency that lets through only principals holding `permission`."""

    async def check(
        request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        from daliz.service.context import get_context

        access = get_context(request).settings.anonymous
        if principal.can(permission, access):
            return principal
        if principal.anonymous:
            raise _unauthorized(_("This needs an API key."))
        raise ServiceError(
            403,
            "forbidden",
            _("The role {role!r} may not do this; it needs {needed}.").format(
                role=principal.role, needed=_minimum_role(permission)
            ),
        )

    return Depends(check)


def _minimum_role(permission: Permission) -> str:
    for role in ROLES:
        if permission in _ROLE_PERMISSIONS[role]:
            return role
    return "admin"


Reader = Annotated[Principal, require(Permission.READ)]
SavedReader = Annotated[Principal, require(Permission.SAVED_READ)]
Saver = Annotated[Principal, require(Permission.SAVE)]
Admin = Annotated[Principal, require(Permission.ADMIN)]

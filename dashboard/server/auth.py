"""Accounts, roles and the scope each account may see (issue #7).

Roles (the one list; the README and the login page describe the same four):
- `admin`: every district, user management (command line), uploads for any district;
- `analista`: every district, read only (a ministry analyst);
- `atm`: one or more districts, read, and uploads for those districts (a municipal ATM);
- `ong`: the districts of one NGO portfolio (cartera_ong), read only.

Accounts live in the warehouse's `usuario` table and are written only by
`python -m dashboard users` (dashboard/server/users_cli.py). Passwords are werkzeug hashes (scrypt).
The scope is resolved per request from the account (an NGO portfolio follows the loads), and
every query reads through it (`Warehouse.scoped`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.queries import Scope, Warehouse
from etl import schema

ROLES = ("admin", "analista", "atm", "ong")
NATIONAL_ROLES = frozenset({"admin", "analista"})
UPLOAD_ROLES = frozenset({"admin", "atm"})
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
UBIGEO_RE = re.compile(r"^\d{6}$")
MIN_PASSWORD = 10
# Checked against when the account does not exist, so a wrong name costs as much as a wrong
# password (no timing oracle for which accounts exist).
_DUMMY_HASH = generate_password_hash("not-a-real-password-atm")


class AccountError(ValueError):
    """An account request that cannot be done; the message is for the person at the terminal."""


@dataclass(frozen=True)
class Account:
    """A dashboard account as Flask-Login needs it (never carries the password hash)."""

    usuario: str
    rol: str
    distritos: tuple[str, ...] = ()
    ong: str | None = None
    activo: bool = True
    sesion: str = ""  # the session version a cookie must carry (see AccountStore.end_sessions)

    # Flask-Login's user interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.activo

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.usuario

    @property
    def can_upload(self) -> bool:
        return self.rol in UPLOAD_ROLES


# The account of the local demo (`make run`: no login). It sees and loads everything.
DEMO = Account("demo", "admin")


def scope_of(account: Account | None, wh: Warehouse) -> Scope:
    """What an account may see. No account (anonymous): nothing."""
    if account is None or not account.activo:
        return Scope.nothing()
    if account.rol in NATIONAL_ROLES:
        return Scope.national(account.usuario)
    if account.rol == "atm":
        return Scope(frozenset(account.distritos), account.usuario)
    if account.rol == "ong" and account.ong:
        return Scope(wh.portfolio_districts(account.ong), account.usuario)
    return Scope.nothing()


def parse_districts(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """District codes from "010101, 010102" or a list; a lost leading zero is repaired."""
    items = re.split(r"[,;\s]+", raw) if isinstance(raw, str) else list(raw or ())
    codes = sorted({item.strip().zfill(6) for item in items if item and item.strip()})
    bad = [code for code in codes if not UBIGEO_RE.match(code)]
    if bad:
        raise AccountError(f"Ubigeo no válido / invalid ubigeo: {', '.join(bad)}")
    return tuple(codes)


class AccountStore:
    """The usuario table: the only code that reads or writes accounts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, usuario: str) -> Account | None:
        row = self._row(usuario)
        return _account(row) if row else None

    def all(self) -> list[Account]:
        u = schema.usuario
        with self.engine.connect() as conn:
            rows = conn.execute(select(u).order_by(u.c.usuario)).mappings().all()
        return [_account(row) for row in rows]

    def verify(self, usuario: str, password: str) -> Account | None:
        """The active account when the password matches, else None (same cost either way)."""
        row = self._row(usuario.strip().lower()) if usuario else None
        stored = row["clave_hash"] if row else _DUMMY_HASH
        matches = check_password_hash(stored, password or "")
        if row is None or not matches or not row["activo"]:
            return None
        return _account(row)

    def active_admins(self) -> int:
        u = schema.usuario
        stmt = select(func.count()).where(u.c.rol == "admin", u.c.activo.is_(True))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def add(
        self,
        usuario: str,
        rol: str,
        password: str,
        distritos: Iterable[str] = (),
        ong: str | None = None,
    ) -> Account:
        """Create an account; raises AccountError with the reason when it cannot be made."""
        usuario = usuario.strip().lower()
        account = Account(usuario, rol, tuple(distritos), (ong or "").strip() or None)
        self._validate(account)
        check_password(password)
        if self.get(usuario) is not None:
            raise AccountError(f"La cuenta «{usuario}» ya existe / account already exists.")
        now = dt.datetime.now()
        row = _row_values(account) | {
            "clave_hash": generate_password_hash(password),
            "creado": now,
            "actualizado": now,
            # New for every account: a cookie of a removed account of the same name never fits.
            "sesion": new_session_version(),
        }
        with self.engine.begin() as conn:
            conn.execute(insert(schema.usuario), row)
        return account

    def set_password(self, usuario: str, password: str) -> None:
        """A new password ends the account's sessions (a stolen cookie stops working)."""
        check_password(password)
        values = {"clave_hash": generate_password_hash(password), "sesion": new_session_version()}
        self._update(usuario, values)

    def set_active(self, usuario: str, active: bool) -> None:
        self._update(usuario, {"activo": active, "sesion": new_session_version()})

    def end_sessions(self, usuario: str) -> None:
        """Every session of the account ends (logout): its cookies no longer match."""
        self._update(usuario, {"sesion": new_session_version()})

    def session_account(self, usuario: str, version: object) -> Account | None:
        """The active account of a session cookie that carries its current session version."""
        account = self.get(usuario)
        if account is None or not account.activo or not account.sesion:
            return None
        return account if secrets.compare_digest(account.sesion, str(version or "")) else None

    def remove(self, usuario: str) -> None:
        account = self.get(usuario)
        if account is None:
            raise AccountError(f"No existe la cuenta «{usuario}» / no such account.")
        if account.rol == "admin" and account.activo and self.active_admins() <= 1:
            raise AccountError(
                "Es la última cuenta admin: cree otra antes de eliminarla. "
                "/ It is the last admin account: create another first."
            )
        with self.engine.begin() as conn:
            conn.execute(delete(schema.usuario).where(schema.usuario.c.usuario == usuario))

    # -- helpers ------------------------------------------------------------------------------
    def _row(self, usuario: str):
        u = schema.usuario
        with self.engine.connect() as conn:
            return conn.execute(select(u).where(u.c.usuario == usuario)).mappings().first()

    def _update(self, usuario: str, values: dict) -> None:
        u = schema.usuario
        values = values | {"actualizado": dt.datetime.now()}
        with self.engine.begin() as conn:
            done = conn.execute(update(u).where(u.c.usuario == usuario).values(**values))
        if done.rowcount == 0:
            raise AccountError(f"No existe la cuenta «{usuario}» / no such account.")

    def _validate(self, account: Account) -> None:
        if not NAME_RE.match(account.usuario):
            raise AccountError(
                "Nombre de cuenta: 3 a 64 caracteres en minúscula, cifras, '.', '_', '-' o '@'. "
                "/ Account name: 3-64 lower-case letters, digits, '.', '_', '-' or '@'."
            )
        if account.rol not in ROLES:
            raise AccountError(
                f"Rol desconocido / unknown role: {account.rol} ({', '.join(ROLES)})"
            )
        if account.rol == "atm":
            self._check_districts(account.distritos)
        if account.rol == "ong" and not account.ong:
            raise AccountError("Una cuenta ong necesita --ong / an ong account needs --ong.")

    def _check_districts(self, codes: tuple[str, ...]) -> None:
        if not codes:
            raise AccountError(
                "Una cuenta atm necesita --distritos / an atm account needs --distritos."
            )
        d = schema.distrito
        with self.engine.connect() as conn:
            known = set(conn.execute(select(d.c.ubigeo).where(d.c.ubigeo.in_(codes))).scalars())
        unknown = sorted(set(codes) - known)
        if unknown:
            raise AccountError(f"Distritos desconocidos / unknown districts: {', '.join(unknown)}")


def check_password(password: str) -> None:
    """A password long enough to resist guessing (length is what matters most: NIST 800-63B)."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(
            f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres "
            f"/ the password needs at least {MIN_PASSWORD} characters."
        )


def new_session_version() -> str:
    return secrets.token_urlsafe(32)


def _account(row) -> Account:
    distritos = tuple(code for code in (row["distritos"] or "").split(",") if code)
    active = bool(row["activo"])
    return Account(row["usuario"], row["rol"], distritos, row["ong"], active, row["sesion"] or "")


def _row_values(account: Account) -> dict:
    return {
        "usuario": account.usuario,
        "rol": account.rol,
        "distritos": ",".join(account.distritos) or None,
        "ong": account.ong,
        "activo": account.activo,
    }

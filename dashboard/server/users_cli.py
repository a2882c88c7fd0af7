"""`python -m dashboard users add|list|remove|set-password|disable|enable`: manage accounts.

Passwords are never taken from the command line (they would sit in the shell history and in
`ps`): they come from a prompt (asked twice), from `--password-file FILE` (its first line) or
from standard input with `--password-stdin` (for scripts and provisioning tools).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard.server.auth import ROLES, AccountError, AccountStore, parse_districts
from etl import db


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        allow_abbrev=False,
        description="Cuentas del tablero ATM / ATM dashboard accounts.",
    )
    top = parser.add_subparsers(dest="area", required=True, metavar="AREA")
    users = top.add_parser("users", help="manage accounts", description=__doc__, allow_abbrev=False)
    sub = users.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("add", help="create an account", allow_abbrev=False)
    p.add_argument("name", help="account name (lower case, 3-64 characters)")
    p.add_argument("--rol", "--role", dest="rol", choices=ROLES, required=True)
    p.add_argument(
        "--distritos", "--districts", dest="distritos", help="atm: ubigeos, e.g. 010101,010102"
    )
    p.add_argument("--ong", help="ong: the organisation's name as in the NGO portfolio file")
    _password_args(p)

    sub.add_parser("list", help="list accounts")
    p = sub.add_parser("remove", help="delete an account")
    p.add_argument("name")
    p = sub.add_parser("set-password", help="change an account's password", allow_abbrev=False)
    p.add_argument("name")
    _password_args(p)
    for command in ("disable", "enable"):
        p = sub.add_parser(command, help=f"{command} an account (keeps it)")
        p.add_argument("name")
    for p in sub.choices.values():
        p.add_argument("--db", metavar="URL", help="warehouse URL (default: $DATABASE_URL)")
    return parser


def _password_args(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--password-file", type=Path, metavar="FILE", help="first line is used")
    source.add_argument("--password-stdin", action="store_true", help="read it from stdin")


def read_password(args: argparse.Namespace) -> str:
    """The new password from a file, stdin or an interactive prompt (asked twice)."""
    if args.password_file:
        lines = args.password_file.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Contraseña / password: ")
    if getpass.getpass("Repita / repeat: ") != first:
        raise AccountError("Las contraseñas no coinciden / passwords do not match.")
    return first


def _add(store: AccountStore, args: argparse.Namespace) -> str:
    districts = parse_districts(args.distritos) if args.rol == "atm" else ()
    account = store.add(args.name, args.rol, read_password(args), districts, args.ong)
    return f"Cuenta creada / account created: {account.usuario} ({account.rol})"


def _list(store: AccountStore, args: argparse.Namespace) -> str:
    rows = [("usuario", "rol", "activo", "distritos / ong")]
    for a in store.all():
        where = a.ong or ",".join(a.distritos) or "(nacional)"
        rows.append((a.usuario, a.rol, "sí" if a.activo else "no", where))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        for r in rows
    )


def _remove(store: AccountStore, args: argparse.Namespace) -> str:
    store.remove(args.name)
    return f"Cuenta eliminada / account removed: {args.name}"


def _set_password(store: AccountStore, args: argparse.Namespace) -> str:
    if store.get(args.name) is None:
        raise AccountError(f"No existe la cuenta «{args.name}» / no such account.")
    store.set_password(args.name, read_password(args))
    return f"Contraseña cambiada / password changed: {args.name}"


def _disable(store: AccountStore, args: argparse.Namespace) -> str:
    store.set_active(args.name, False)
    return f"Cuenta desactivada / account disabled: {args.name}"


def _enable(store: AccountStore, args: argparse.Namespace) -> str:
    store.set_active(args.name, True)
    return f"Cuenta activada / account enabled: {args.name}"


COMMANDS: dict[str, Callable[[AccountStore, argparse.Namespace], str]] = {
    "add": _add,
    "list": _list,
    "remove": _remove,
    "set-password": _set_password,
    "disable": _disable,
    "enable": _enable,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; errors are one readable line on stderr and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        engine = db.make_engine(args.db) if args.db else db.make_engine()
        db.init_db(engine)  # the usuario table comes with the schema's migrations
        print(COMMANDS[args.command](AccountStore(engine), args))
        return 0
    except (AccountError, OSError, db.WarehouseOutdated) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"Error de base de datos / database error: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\nCancelado / cancelled.", file=sys.stderr)
        return 130

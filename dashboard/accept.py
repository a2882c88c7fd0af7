"""Accepting a suggested mentor (issue 16): the district page's "Aceptar" button.

Who may: an admin, or an ATM account whose districts hold the learning JASS's (the mentee's)
district; never an analista, an NGO or an anonymous request (`may_accept`). The button is drawn
only for them, and the callback asks again here, on the server, for every click: a crafted
request names a suggestion, never a mentor or items, which are read from the warehouse.

How: the dashboard never writes the warehouse itself. Accepting builds a one-row partnership
file (kind `alianza`, docs/INPUTS.md) in a private folder and loads it through the one loader
with the account's write reach, as a confirmed upload does (dashboard/uploads.py): the load's
`carga` row names the account, the file is archived, and the reach refuses a mentee outside
the account's districts even if this module were wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.exc import SQLAlchemyError

from dashboard import uploads
from dashboard.server.auth import Account
from etl import schema
from etl.load import LoadResult, load_paths
from etl.partnership import join_items

ACCEPT_ROLES = frozenset({"admin", "atm"})
OPEN_STATES = ("propuesta", "activa")  # a pair already in one of these is not registered again
COLUMNS = ("codigo_oc", "mentor_oc", "items", "tema", "fecha_inicio", "fecha_fin", "estado")


@dataclass(frozen=True)
class Outcome:
    """What a click did: `key` (an i18n key under ix.accept_*) and its parameters."""

    ok: bool
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    carga_id: int | None = None


def may_accept(account: Account | None, mentee_ubigeo: str | None) -> bool:
    """An admin, or an ATM account of the mentee's district."""
    if account is None or not account.activo or account.rol not in ACCEPT_ROLES:
        return False
    return account.rol == "admin" or (mentee_ubigeo or "") in account.distritos


def _suggestion(engine: Engine, mentee: str, rank: int) -> dict[str, Any] | None:
    sg = schema.intercambio_sugerencia
    stmt = select(sg.c.codigo_oc, sg.c.mentor_oc, sg.c.ubigeo, sg.c["items"]).where(
        and_(sg.c.codigo_oc == mentee, sg.c.rango == rank)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def _already(engine: Engine, mentee: str, mentor: str) -> bool:
    al = schema.intercambio_alianza
    stmt = select(al.c.estado).where(
        al.c.codigo_oc == mentee, al.c.mentor_oc == mentor, al.c.estado.in_(OPEN_STATES)
    )
    with engine.connect() as conn:
        return conn.execute(stmt).first() is not None


def partnership_file(folder: Path, row: dict[str, str]) -> Path:
    """The one-row `alianza` file the loader reads (canonical headers, ISO date)."""
    path = folder / "alianza_aceptada.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(COLUMNS)
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


def _valid(mentee: Any, rank: Any) -> bool:
    return isinstance(mentee, str) and 0 < len(mentee) <= 40 and type(rank) is int and rank > 0


def accept(
    engine: Engine, account: Account | None, mentee: Any, rank: Any, today: dt.date | None = None
) -> Outcome:
    """Register suggestion `rank` of JASS `mentee` as an active partnership starting today."""
    if account is None or account.rol not in ACCEPT_ROLES:
        return Outcome(False, "ix.accept_refused_role")
    if not _valid(mentee, rank):
        return Outcome(False, "ix.accept_gone")
    try:
        found = _suggestion(engine, mentee, rank)
        if found is None:
            return Outcome(False, "ix.accept_gone")
        if not may_accept(account, found["ubigeo"]):
            return Outcome(False, "ix.accept_refused_scope", {"district": found["ubigeo"]})
        if _already(engine, mentee, found["mentor_oc"]):
            return Outcome(False, "ix.accept_already")
        row = {
            "codigo_oc": mentee,
            "mentor_oc": found["mentor_oc"],
            "items": join_items(found["items"] or []) or "",
            "fecha_inicio": (today or dt.date.today()).isoformat(),
            "estado": "activa",
        }
        return _load(engine, account, row)
    except SQLAlchemyError:
        return Outcome(False, "ix.accept_failed")


def _load(engine: Engine, account: Account, row: dict[str, str]) -> Outcome:
    """The row through the loader, from a private folder removed afterwards."""
    folder = uploads.stage_root() / f"alianza-{secrets.token_urlsafe(12)}"
    folder.mkdir(mode=0o700)
    try:
        result = load_paths(
            engine,
            [partnership_file(folder, row)],
            user=f"{account.usuario} (tablero)",
            reach=uploads.write_reach(account),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _outcome(result)


def _outcome(result: LoadResult) -> Outcome:
    loaded = sum(f.rows_loaded for f in result.files)
    if loaded == 1:
        return Outcome(True, "ix.accept_done", carga_id=result.carga_id)
    problems = [p for f in result.files for p in f.problems]
    if problems:  # the loader's own reason (its reach, a JASS gone since the page was drawn)
        p = problems[0]
        return Outcome(False, "ix.accept_rejected", {"es": p.message_es, "en": p.message_en})
    return Outcome(False, "ix.accept_failed")

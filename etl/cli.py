"""The command line: a thin adapter. It parses arguments, calls the library, prints results.

Errors a user can cause (a missing file, a bad URL) become one readable line, never a
traceback; the library raises, this module explains.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from etl import db

SCALES = ("tiny", "small", "national")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="warehouse URL (default: $DATABASE_URL, then sqlite:///data/warehouse.db)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Carga y deriva el almacén de datos del tablero ATM / "
        "Load and derive the ATM dashboard warehouse.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "sample",
        help="write deterministic sample input files",
        description="Write sample input files of every kind (CSV and XLSX).",
    )
    p.add_argument("--scale", choices=SCALES, default="tiny")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--multiplier",
        type=int,
        default=1,
        help="more CPs, JASS and years per district (for scaling benchmarks)",
    )
    p.add_argument("--out", type=Path, required=True, help="output folder")

    p = sub.add_parser(
        "load",
        help="load input files into the warehouse",
        description="Load .csv/.xlsx files (or folders of them). Exit 0: every row "
        "loaded; 1: some rows rejected; 2: nothing loaded.",
    )
    _add_db(p)
    p.add_argument("--report", type=Path, metavar="FILE.json", help="write the full report")
    p.add_argument("--user", help="who is loading (recorded with the load)")
    p.add_argument(
        "--max-problems",
        type=int,
        default=20,
        help="problems shown on screen (all are in the report)",
    )
    p.add_argument("--lang", choices=("es", "en"), default="es")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    p = sub.add_parser(
        "status",
        help="what the warehouse holds",
        description="Rows per table, last load, data dates.",
    )
    _add_db(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser(
        "rejects",
        help="export the rejected rows with their problems",
        description="The rejected rows with their problems, to fix and reload.",
    )
    _add_db(p)
    p.add_argument("--out", type=Path, metavar="FILE.csv|.xlsx")

    p = sub.add_parser(
        "init",
        help="build the sample warehouse if the warehouse is empty",
        description="Used by `make run`: create the warehouse and, when it holds "
        "no load yet, write the sample files and load them.",
    )
    _add_db(p)
    p.add_argument("--scale", choices=SCALES, default="national")
    p.add_argument("--seed", type=int, default=2026)

    p = sub.add_parser(
        "derive",
        help="derive every score and summary again, as of today",
        description="A full derivation as of today, recorded as a load without files. Run it "
        "nightly (deploy/atm-derive.cron): a load derives only the districts it touches when "
        "the last derivation is of the same day, so the day's uploads stay cheap.",
    )
    _add_db(p)

    p = sub.add_parser(
        "backup",
        help="copy the warehouse to a file",
        description="SQLite: online backup (safe while the dashboard reads). PostgreSQL: "
        "pg_dump -Fc.",
    )
    _add_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")

    p = sub.add_parser(
        "restore",
        help="replace the warehouse with a backup",
        description="SQLite: online copy of FILE into the warehouse. PostgreSQL: pg_restore "
        "--clean --if-exists. Refuses a warehouse that holds loads unless --force.",
    )
    _add_db(p)
    p.add_argument("--force", action="store_true", help="overwrite a warehouse with loads")
    p.add_argument("file", type=Path, metavar="FILE")
    return parser


def cmd_sample(args: argparse.Namespace) -> int:
    from etl import sample

    paths = sample.write_sample(
        args.out, scale=args.scale, seed=args.seed, multiplier=args.multiplier
    )
    for path in paths:
        print(path)
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from etl import load, report

    engine = db.make_engine(args.db)
    db.init_db(engine)
    result = load.load_paths(engine, args.paths, user=args.user, progress=sys.stderr.isatty())
    print(report.render_text(result, lang=args.lang, max_problems=args.max_problems))
    if args.report:
        args.report.write_text(
            json.dumps(report.to_json(result, lang=args.lang), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    return result.exit_code


def cmd_status(args: argparse.Namespace) -> int:
    from etl import status

    engine = db.make_engine(args.db)
    db.init_db(engine)
    info = status.warehouse_status(engine)
    print(
        json.dumps(info, ensure_ascii=False, indent=2, default=str)
        if args.json
        else status.render_text(info)
    )
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    from etl import status

    engine = db.make_engine(args.db)
    db.init_db(engine)
    frame = status.rejects_frame(engine)
    if args.out is None:
        print(frame.to_csv(index=False))
    elif args.out.suffix.lower() == ".xlsx":
        frame.to_excel(args.out, index=False)
    else:
        frame.to_csv(args.out, index=False, encoding="utf-8-sig")
    print(f"{len(frame)} rechazos / rejects", file=sys.stderr)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from etl import load, report, sample, status

    engine = db.make_engine(args.db)
    db.init_db(engine)
    if status.has_loads(engine):
        print("El almacén ya tiene datos; no se carga la muestra. / Warehouse already loaded.")
        return 0
    out = db.DATA_DIR / "sample" / args.scale
    print(f"Generando la muestra '{args.scale}' en {out} …")
    paths = sample.write_sample(out, scale=args.scale, seed=args.seed)
    result = load.load_paths(engine, paths, user="make run", progress=sys.stderr.isatty())
    print(report.render_text(result, lang="es", max_problems=10))
    planted = sum(sample.expected_errors(args.scale).values())
    print(
        f"La muestra trae {planted} errores intencionales para mostrar el flujo de rechazos "
        f"(página Datos). / The sample carries {planted} deliberate errors to show rejects."
    )
    return 0 if result.exit_code in (0, 1) else result.exit_code


def cmd_derive(args: argparse.Namespace) -> int:
    from etl import load

    engine = db.make_engine(args.db)
    db.init_db(engine)
    carga = load.rederive(engine, user="derive")
    print(
        f"Derivación completa registrada como carga #{carga} / full derivation recorded as load #{carga}"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from etl import backup

    out = backup.backup(args.db, args.out)
    print(f"Copia guardada / backup written: {out} ({out.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from etl import backup

    backup.restore(args.db, args.file, force=args.force)
    print(f"Almacén restaurado desde / warehouse restored from: {args.file}")
    return 0


COMMANDS = {
    "sample": cmd_sample,
    "load": cmd_load,
    "status": cmd_status,
    "rejects": cmd_rejects,
    "init": cmd_init,
    "derive": cmd_derive,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(
            "Interrumpido: el almacén queda como estaba. / Interrupted: warehouse unchanged.",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # the last line of defence: one readable line, never a traceback
        from sqlalchemy.exc import ArgumentError, OperationalError

        from etl.backup import BackupError

        if isinstance(exc, db.WarehouseOutdated | BackupError):
            print(str(exc), file=sys.stderr)
            return 2
        if isinstance(exc, ArgumentError | OperationalError):
            print(
                f"Error de base de datos / database error: {exc}".splitlines()[0], file=sys.stderr
            )
            return 2
        raise

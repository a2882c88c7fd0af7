"""The load report: a terminal summary for people, a JSON document for scripts."""

from __future__ import annotations

from etl.load import FileResult, LoadResult
from etl.sources import KINDS

EXIT_MEANING = {
    0: ("Todas las filas se cargaron.", "Every row was loaded."),
    1: (
        "Algunas filas se rechazaron; el resto se cargó. Corrija las filas y vuelva a cargar "
        "el archivo (las filas ya cargadas no se duplican).",
        "Some rows were rejected; the rest was loaded. Fix those rows and load the file again "
        "(rows already loaded are not duplicated).",
    ),
    2: (
        "Al menos un archivo no se pudo cargar, o no se cargó ninguna fila.",
        "At least one file could not be loaded, or no row was loaded.",
    ),
}


def _t(lang: str, es: str, en: str) -> str:
    return en if lang == "en" else es


def _file_line(f: FileResult, lang: str) -> str:
    """'reg.csv [Hoja1] → registro_oc: 10 leídas, 8 cargadas, 2 rechazadas'."""
    name = f.path.name + (f" [{f.sheet}]" if f.sheet else "")
    kind = KINDS[f.kind].name if f.kind else _t(lang, "no reconocido", "not recognised")
    counts = _t(
        lang,
        f"{f.rows_read} leídas, {f.rows_loaded} cargadas, {f.rows_rejected} rechazadas",
        f"{f.rows_read} read, {f.rows_loaded} loaded, {f.rows_rejected} rejected",
    )
    return f"{name} → {kind}: {counts}"


def _problem_line(p, lang: str) -> str:
    """'  reg.csv fila 5, «Fecha Registro» = '31/02/2024': message  → hint'."""
    where = p.file + (f" [{p.sheet}]" if p.sheet else "")
    if p.row:
        where += _t(lang, f" fila {p.row}", f" row {p.row}")
    if p.column:
        where += f", {p.column}"
    if p.value is not None and p.value != "":
        where += f" = '{p.value}'"
    return f"  [{p.code}] {where}: {p.message(lang)}\n      → {p.hint(lang)}"


def render_text(result: LoadResult, lang: str = "es", max_problems: int = 20) -> str:
    """Summary per file, then the first `max_problems` problems, then what the exit code means."""
    lines = [_t(lang, f"Carga {result.carga_id}", f"Load {result.carga_id}")]
    for f in result.files:
        lines.append(_file_line(f, lang))
        lines.extend(f"    ! {w.text(lang)}" for w in f.warnings)
    problems = [p for f in result.files for p in f.problems]
    if problems:
        shown = problems[:max_problems]
        head = _t(lang, f"Problemas ({len(problems)}):", f"Problems ({len(problems)}):")
        lines += ["", head, *(_problem_line(p, lang) for p in shown)]
        if len(problems) > len(shown):
            rest = len(problems) - len(shown)
            lines.append(
                _t(
                    lang,
                    f"  … y {rest} más (todos en --report y en `python -m etl rejects`).",
                    f"  … and {rest} more (all in --report and `python -m etl rejects`).",
                )
            )
    es, en = EXIT_MEANING[result.exit_code]
    lines += ["", f"{_t(lang, 'Resultado', 'Result')} {result.exit_code}: {_t(lang, es, en)}"]
    return "\n".join(lines)


def to_json(result: LoadResult, lang: str = "es") -> dict:
    """The full report: every file with its counts, problems and warnings, and the exit code."""
    return {
        "files": [
            {
                "path": str(f.path),
                "kind": f.kind,
                "sheet": f.sheet,
                "rows_read": f.rows_read,
                "rows_loaded": f.rows_loaded,
                "rows_rejected": f.rows_rejected,
                "problems": [p.to_dict(lang) for p in f.problems],
                "warnings": [w.text(lang) for w in f.warnings],
            }
            for f in result.files
        ],
        "exit_code": result.exit_code,
    }

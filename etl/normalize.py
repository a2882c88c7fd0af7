"""Value normalisation, vectorised per column: the spellings clerks and Excel produce → typed values.

Every parser takes a Series of cell text (as read, "" when blank) and returns
`(values, bad)`: `values` holds Python objects (bool, int, float, date, str, list) or None,
`bad` is True where a non-blank cell could not be understood (a `type-error`). Blank cells
are None and never bad: whether a blank is allowed is the validator's business.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

Parsed = tuple[pd.Series, pd.Series]

# Cells that mean "no data" in hand-kept registers.
BLANKS = frozenset({"", "-", "--", "—", "na", "n/a", "nan", "none", "null", "s/d", "sd", "#n/a"})
TRUE_WORDS = frozenset({"si", "s", "1", "true", "verdadero", "x", "yes", "y", "v", "1.0"})
FALSE_WORDS = frozenset({"no", "n", "0", "false", "falso", "0.0", "f"})
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (it counts 1900 as a leap year)
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
ISO_RE = r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$"
DMY_RE = r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME + "$"
SERIAL_RE = r"^\d{4,5}(?:\.\d+)?$"


def strip_accents(text: str) -> str:
    """'Comité Ñaupa' → 'Comite Naupa'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# Little words clerks add to headers ("Fecha de Visita", "Nombre de la JASS"): not part of a key.
HEADER_STOPWORDS = frozenset({"a", "al", "de", "del", "el", "en", "la", "las", "lo", "los", "y"})


def header_key(text: object) -> str:
    """Header text → matching key: lower-case, no accents, no little words, letters and digits."""
    words = re.split(r"[^a-z0-9]+", strip_accents(str(text)).lower())
    return "".join(w for w in words if w not in HEADER_STOPWORDS)


def _none(values: pd.Series, keep: pd.Series) -> pd.Series:
    """An object Series with None wherever `keep` is False."""
    out = values.astype(object)
    return out.where(keep, None)


def clean(cells: pd.Series) -> pd.Series:
    """Cell text stripped; the usual 'no data' spellings become ''."""
    values = cells.tolist()
    if all(type(v) is str for v in values):  # cells as read: one plain loop (4x faster)
        stripped = [v.strip() for v in values]
        out = ["" if t.lower() in BLANKS else t for t in stripped]
        return pd.Series(out, index=cells.index, dtype="str", name=cells.name)
    text = cells.fillna("").astype(str).str.strip()
    return text.where(~text.str.lower().isin(BLANKS), "")


def to_text(cells: pd.Series) -> Parsed:
    """Free text, stripped; never bad."""
    text = clean(cells)
    return _none(text, text != ""), pd.Series(False, index=cells.index)


_EXCEL_NUMBER = re.compile(r"^(\d+)\.0+$")
_DIGITS = re.compile(r"\d+")


def to_code(cells: pd.Series) -> Parsed:
    """An identifier kept as text; '10101.0' (a number that went through Excel) → '10101'."""
    # A plain loop; the pattern needs a '.', which most codes lack (the regex is then skipped).
    text = pd.Series(
        [_EXCEL_NUMBER.sub(r"\1", t) if "." in t else t for t in clean(cells).tolist()],
        index=cells.index,
        dtype="str",
        name=cells.name,
    )
    return _none(text, text != ""), pd.Series(False, index=cells.index)


def to_bool(cells: pd.Series) -> Parsed:
    """Sí/Si/SI/S/1/TRUE/Verdadero/X/Yes → True, No/N/0/FALSE/Falso → False."""
    text = clean(cells)
    key = text.map(strip_accents).str.lower()
    out = pd.Series(None, index=cells.index, dtype=object)
    out[key.isin(TRUE_WORDS)] = True
    out[key.isin(FALSE_WORDS)] = False
    known = key.isin(TRUE_WORDS) | key.isin(FALSE_WORDS)
    return _none(out, known), (text != "") & ~known


def _number_text(text: pd.Series) -> pd.Series:
    """Decimal comma and thousands separators → a plain '1234.5' string."""
    return pd.Series([_one_number_text(t) for t in text.tolist()], index=text.index, dtype=object)


_NUMBER_JUNK = re.compile(r"[\s\u00a0']|^S/\.?")


def _one_number_text(text: str) -> str:
    """_number_text for one cell (a plain loop: seven vectorised string passes cost more)."""
    t = _NUMBER_JUNK.sub("", text)
    commas, dots = t.count(","), t.count(".")
    one_comma = dots == 0 and commas == 1
    if commas > 0 and (one_comma or (t.rfind(",") > t.rfind(".") and dots > 0)):
        return t.replace(".", "").replace(",", ".")  # decimal comma
    if dots > 1 and commas == 0:
        return t.replace(".", "")  # dots group thousands
    return t.replace(",", "")


def to_float(cells: pd.Series) -> Parsed:
    """Numbers with decimal comma, thousands separators and stray spaces → float."""
    text = clean(cells)
    number = pd.to_numeric(text.astype(object), errors="coerce")  # plain '12.5': the fast path
    slow = number.isna() & (text != "")
    if slow.any():
        number[slow] = pd.to_numeric(_number_text(text[slow]), errors="coerce")
    ok = number.notna() & np.isfinite(number)
    return _none(pd.Series(number.tolist(), index=cells.index), ok), (text != "") & ~ok


# "32,000": one group of digits, then groups of exactly three after commas. In an amount
# (soles, metres, UTM metres) that is a thousands separator: cents have two digits, and
# nobody measures an altitude in thousandths. "0,500" does not match (no group starts with 0).
_GROUPED_THOUSANDS = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+")


def to_amount(cells: pd.Series) -> Parsed:
    """Amounts: to_float, except that "32,000" / "S/ 1,250,000" group thousands.

    to_float reads a single ",ddd" as a decimal comma ("0,523" mg/L of chlorine); for money,
    altitude and UTM coordinates that would silently divide by a thousand what a clerk
    typed with Peru's usual thousands comma.
    """
    values, bad = to_float(cells)
    plain = clean(cells).map(lambda t: _NUMBER_JUNK.sub("", t))
    grouped = plain.map(lambda t: _GROUPED_THOUSANDS.fullmatch(t) is not None).astype(bool)
    if grouped.any():
        thousands = pd.to_numeric(plain[grouped].str.replace(",", "", regex=False))
        values = values.astype(object)
        values[grouped] = thousands.astype(float).tolist()
        bad = bad & ~grouped
    return values, bad


MAX_WHOLE = 1e15


def to_int(cells: pd.Series) -> Parsed:
    """Whole numbers (also '12.0' and '1.234'); a fraction is a type error."""
    values, bad = to_float(cells)
    number = pd.to_numeric(values, errors="coerce")
    # "1,234" / "1.234" in a count column is a thousands separator, not a fraction.
    text = clean(cells)
    grouped = text.str.fullmatch(r"\d{1,3}([.,]\d{3})+")
    digits = pd.to_numeric(text.str.replace(r"[.,]", "", regex=True), errors="coerce")
    number = number.where(~grouped, digits)
    # Beyond 1e15 a float is no count anyone typed ("1e27"), and it would overflow Int64:
    # a type error for the clerk, never an exception that stops the load.
    whole = number.notna() & (number == number.round()) & (number.abs() < MAX_WHOLE)
    ints = pd.Series(number.where(whole).astype("Int64").tolist(), index=cells.index)
    return _none(ints, whole), bad | (number.notna() & ~whole)


def _ymd_frame(text: pd.Series) -> pd.DataFrame:
    """Year, month, day columns from ISO or day-first text (NaN where neither matches)."""
    iso = text.str.extract(ISO_RE).astype(float)
    dmy = text.str.extract(DMY_RE).astype(float)
    year = dmy[2].where(dmy[2] >= 100, dmy[2] + np.where(dmy[2] <= _this_year() % 100, 2000, 1900))
    return pd.DataFrame(
        {
            "year": iso[0].fillna(year),
            "month": iso[1].fillna(dmy[1]),
            "day": iso[2].fillna(dmy[0]),
        }
    )


def _this_year() -> int:
    return dt.date.today().year


def to_date(cells: pd.Series) -> Parsed:
    """dd/mm/yyyy, d/m/yy, ISO (with or without time), Excel serial numbers → date."""
    text = clean(cells)
    parts = _ymd_frame(text)
    stamps = pd.to_datetime(parts.dropna(), errors="coerce").reindex(text.index)
    serial = pd.to_numeric(text.where(text.str.match(SERIAL_RE)), errors="coerce")
    serial = serial.where(serial.between(1, 2_958_465))  # Excel's own range of day numbers
    from_serial = EXCEL_EPOCH + pd.to_timedelta(np.floor(serial), unit="D")
    stamps = stamps.fillna(from_serial)
    ok = stamps.notna()
    dates = pd.Series([s.date() if s is not pd.NaT else None for s in stamps], index=text.index)
    return _none(dates, ok), (text != "") & ~ok


def to_ubigeo(cells: pd.Series, width: int = 6) -> Parsed:
    """A district (6) or centro poblado (10) code; one leading zero lost by Excel is restored."""
    codes, _ = to_code(cells)
    # Plain loops over the codes (pandas' string methods loop in Python too, with more cost).
    digits, exact = _DIGITS, re.compile(rf"\d{{{width}}}")
    fixed = [
        t.zfill(width) if len(t) == width - 1 and digits.fullmatch(t) else t
        for t in ("" if v is None else v for v in codes.tolist())
    ]
    text = pd.Series(fixed, index=cells.index, dtype="str", name=cells.name)
    ok = pd.Series(
        [exact.fullmatch(t) is not None for t in fixed], index=cells.index, name=cells.name
    )
    return _none(text, ok), (text != "") & ~ok


def to_cp_list(cells: pd.Series) -> Parsed:
    """Several centro poblado codes separated by ';' (or ',', '|', spaces) → list of codes."""
    text = clean(cells)
    pieces = text.str.split(r"[;,|\s]+", regex=True).explode()
    pieces = pieces[pieces.fillna("") != ""]
    codes, bad_piece = to_ubigeo(pieces, 10)
    bad = bad_piece.groupby(level=0).any().reindex(text.index, fill_value=False)
    # Each row's distinct codes, sorted: one plain loop (a groupby lambda per row is slow).
    found: dict[object, set[str]] = {}
    for row, code in zip(codes.index.tolist(), codes.tolist(), strict=True):
        seen = found.setdefault(row, set())
        if code is not None:
            seen.add(code)
    lists = pd.Series({row: sorted(seen) for row, seen in found.items()}, dtype=object)
    values = lists.reindex(text.index)
    return _none(values, (text != "") & ~bad), bad


# SIASAR writes a state as "A - BUENO" … "D - CAIDO"; the word must agree with the letter.
STATE_WORDS = {"A": "BUENO", "B": "REGULAR", "C": "MALO", "D": "CAIDO"}
_STATE_RE = r"^([A-D])(?:\s*[-–:]\s*([A-Z ]+))?$"


def to_grade(cells: pd.Series) -> Parsed:
    """Infrastructure state A–D, any case; SIASAR's "A - BUENO" … "D - CAIDO" too."""
    text = clean(cells).map(strip_accents).str.upper().str.strip()
    parts = text.str.extract(_STATE_RE)
    words = parts[1].fillna("").str.strip()
    agree = (words == "") | (words == parts[0].map(STATE_WORDS).fillna(""))
    ok = parts[0].notna() & agree
    return _none(parts[0], ok), (text != "") & ~ok


def to_choice(cells: pd.Series, choices: tuple[str, ...]) -> Parsed:
    """One of `choices`, compared without case, accents or punctuation; stored canonically."""
    text = clean(cells)
    canon = {header_key(c): c for c in choices}
    values = text.map(header_key).map(canon)
    ok = values.notna()
    return _none(values, ok), (text != "") & ~ok


PARSERS = {
    "text": to_text,
    "code": to_code,
    "int": to_int,
    "year": to_int,
    "float": to_float,
    "amount": to_amount,
    "bool": to_bool,
    "date": to_date,
    "ubigeo": to_ubigeo,
    "ubigeo_cp": lambda cells: to_ubigeo(cells, 10),
    "cp_list": to_cp_list,
    "grade": to_grade,
}


def parse(cells: pd.Series, type_: str, choices: tuple[str, ...] = ()) -> Parsed:
    """Parse a column of cell text as sources.FieldType `type_`.

    Each distinct spelling is parsed once (a column of 100,000 'Sí'/'No' has a handful), then
    spread back to the rows: this is what keeps a national load fast.
    """
    if isinstance(cells.dtype, pd.StringDtype):  # as read: factorize the plain str objects
        codes, uniques = pd.factorize(cells.to_numpy(dtype=object, na_value=""), sort=False)
    else:
        codes, uniques = pd.factorize(cells.fillna("").astype(str), sort=False)
    distinct = pd.Series(uniques, dtype=object)
    values, bad = to_choice(distinct, choices) if type_ == "choice" else PARSERS[type_](distinct)
    out = values.to_numpy(dtype=object)[codes]
    return (
        pd.Series(out, index=cells.index, dtype=object),
        pd.Series(bad.to_numpy(dtype=bool)[codes], index=cells.index),
    )

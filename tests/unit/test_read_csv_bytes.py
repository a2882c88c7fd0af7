"""Issue #18: the CSV reader hands pandas the file's bytes (not a 4-bytes-per-character
StringIO) and measures its extent from the lines it already split: the same grids and the
same extent checks as reading the decoded text."""

from __future__ import annotations

import io
import itertools

import pandas as pd
import pytest

from etl import limits, read

TEXTS = [
    "codigo_oc;fecha\n0101-J01;01/02/2024\n0101-J02;03/02/2024\n",
    'título\r\n\r\ncodigo_oc,nombre\r\n0101-J01,"Año, ñandú"\r\n0101-J02,"dos\nlíneas"\r\n',
    "a\tb\rc\td\r",
    "x;y\n1;2;3;4\n\n5",  # a wide line, a blank line, no final break
    "a;b\x0cc;d\n1;2\n",  # a form feed: splitlines breaks there, the parser does not
    "a;b\u2028c;d;e\n1;2\n",
]
ENCODINGS = [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.encode("cp1252", errors="replace") + b"\x81",  # a byte cp1252 leaves undefined
]


def _old_grid(data: bytes) -> pd.DataFrame:
    """The reader before: the decoded text through io.StringIO."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    sep = read._sniff_separator(lines)
    width = max(map(str.count, lines, itertools.repeat(sep)), default=0) + 1
    return pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        names=range(width),
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        quotechar='"',
    )


@pytest.mark.parametrize(("text", "encode"), list(itertools.product(TEXTS, ENCODINGS)))
def test_rcb001_same_grid_as_reading_the_text(text, encode) -> None:
    data = encode(text)
    pd.testing.assert_frame_equal(read._csv_grid(data), _old_grid(data))


@pytest.mark.parametrize("text", TEXTS)
def test_rcb002_same_extent_check(text, monkeypatch) -> None:
    """The extent checked is the parser's (limits.csv_extent), also when splitlines splits
    where the parser does not."""
    checked: list[limits.Extent] = []
    monkeypatch.setattr(
        limits, "check_extent", lambda extent, lim, where="": checked.append(extent)
    )
    read._csv_grid(text.encode("utf-8"))
    sep = read._sniff_separator(text.splitlines())
    assert checked == [limits.csv_extent(text, sep)]


def test_rcb003_too_wide_still_refused(monkeypatch) -> None:
    monkeypatch.setattr(limits, "READ_LIMITS", limits.Limits(rows=100, columns=4, cells=400))
    with pytest.raises(read.ReadError):
        read._csv_grid(b"a;b\n1;2;3;4;5\n")
    # Five columns for the parser, at most four on any line splitlines gives.
    with pytest.raises(read.ReadError):
        read._csv_grid(b"a;b\x0c;;;\n1;2\n")

"""Big CSVs read in pieces (#18): the pieces put together are the grid a whole read gives, and
the streamed measure (encoding, lines, width) is the whole text's."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import read

HEADER = "titulo;;\n\ncodigo_oc;nombre;ubigeo;tipo\n"
BODY = "".join(
    f"OC{i:05d};JASS Ñ{i};0101{i % 100:02d};JASS\n" + ("\n" if i % 5 == 0 else "")
    for i in range(60)
)
CASES = {
    "utf8": (HEADER + BODY).encode(),
    "crlf": (HEADER + BODY).replace("\n", "\r\n").encode(),
    "bom": b"\xef\xbb\xbf" + (HEADER + BODY).encode(),
    "cp1252_no_final_break": (HEADER + BODY + "x;y;z;w").encode("cp1252"),
    "quoted_line_break": (HEADER + BODY.replace("JASS Ñ3;", '"JASS\nen dos";')).encode(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rpc001_pieces_are_the_whole_read(tmp_path, monkeypatch, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(CASES[name])
    (whole,) = read.read_file(path)
    pieces = list(read.read_csv_pieces(path, rows=7))
    assert len(pieces) > 5
    pd.testing.assert_frame_equal(pd.concat([p.frame for p in pieces]), whole.frame)
    assert {p.header_row for p in pieces} == {whole.header_row}
    monkeypatch.setattr(read, "_BLOCK", 5)  # lines and '\r\n' cut by the blocks
    encoding, sep, start, extent = read._measure(path)
    text, want_encoding, want_start = read._decode(CASES[name])
    assert (encoding, sep, start) == (want_encoding, ";", want_start)
    assert extent.rows == len(text.splitlines())
    assert extent.columns == 4


def test_rpc002_kind_probed_from_the_first_lines(tmp_path, monkeypatch):
    path = tmp_path / "r.csv"
    path.write_bytes(CASES["utf8"])
    assert read.probe_kind(path) == "registro_oc"
    monkeypatch.setattr(read, "PIECE_BYTES", 10)
    assert read.is_big_csv(path)
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04" + b"0" * 100)
    assert not read.is_big_csv(tmp_path / "x.xlsx")

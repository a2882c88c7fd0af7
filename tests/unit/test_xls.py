"""Legacy .xls (issue 15): SIASAR's BIFF8 sheets read as Excel shows them, never a traceback."""

from __future__ import annotations

import io
import random
import struct
from pathlib import Path

import pandas as pd
import pytest
import python_calamine

from etl import xls
from etl.read import ReadError, read_file

ROOT = Path(__file__).resolve().parents[2]
# The project's shared data sits next to the repository (../shared), or next to the worktrees.
SIASAR = next(
    (p / "shared" / "data" / "siasar-peru" for p in (ROOT.parent, ROOT.parent.parent)
     if (p / "shared" / "data" / "siasar-peru").is_dir()),
    ROOT / "missing",
)  # fmt: skip
DISTRIBUTION = SIASAR / "system_distribution.PE.xls"
STORAGE = SIASAR / "system_storage-PE.xls"
needs_shared = pytest.mark.skipif(not DISTRIBUTION.exists(), reason="shared SIASAR data absent")


def _cells(path: Path) -> pd.DataFrame:
    (table,) = read_file(path)
    return table.frame


@needs_shared
def test_xl001_root_cause_calamine_decodes_utf16_with_the_workbook_codepage():
    """The bug as it was: CODEPAGE 1252 in a BIFF8 file makes calamine put NUL between letters.
    The repaired bytes (CODEPAGE 1200, what Excel writes) read right; at most 2 bytes change."""
    data = DISTRIBUTION.read_bytes()
    raw = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert "\x00" in raw.get_sheet_by_index(0).to_python(nrows=1)[0][0]
    fixed = xls.with_unicode_codepage(data)
    assert 1 <= sum(a != b for a, b in zip(data, fixed, strict=True)) <= 2
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(fixed))
    assert book.get_sheet_by_index(0).to_python(nrows=1)[0][0] == "fecha_encuesta"
    assert xls.with_unicode_codepage(fixed) == fixed  # already 1200: unchanged


@needs_shared
def test_xl002_names_accents_and_dates_as_excel_shows_them():
    frame = _cells(DISTRIBUTION)
    first = frame.iloc[0]
    assert first["nombre"] == "Sistema de CHIARA CCOLLPA"
    assert first["pais"] == "Perú"
    assert first["divisiones"] == "CUSCO,CANCHIS,COMBAPATA"
    assert first["fecha_encuesta"] == "2015-07-20"  # the date cell 20/07/2015
    assert first["ID"] == "147405"
    assert list(frame.columns[:3]) == ["fecha_encuesta", "fecha_validacion", "nombre"]
    assert "año" in frame.columns


@needs_shared
@pytest.mark.parametrize(
    ("path", "column", "counts"),
    [
        (
            DISTRIBUTION,
            "dist_estado",
            {"A - BUENO": 277, "B - REGULAR": 29, "C - MALO": 46, "D - CAIDO": 39},
        ),
        (
            STORAGE,
            "almc_estado",
            {"A - BUENO": 50, "B - REGULAR": 4, "C - MALO": 8, "D - CAIDO": 329},
        ),
    ],
)
def test_xl003_every_state_as_excel_counts_it_and_no_nul_anywhere(path, column, counts):
    frame = _cells(path)
    assert len(frame) == 391
    assert frame[column].value_counts().to_dict() == counts
    text = "".join(frame.columns) + "".join(frame.astype(str).to_numpy().ravel().tolist())
    assert "\x00" not in text


def test_xl004_other_bytes_are_left_alone():
    assert xls.with_unicode_codepage(b"ubigeo;anio\n") == b"ubigeo;anio\n"
    junk = xls.OLE2_MAGIC + b"\xff" * 600
    assert xls.with_unicode_codepage(junk) == junk


def test_xl005_nul_bytes_in_a_csv_never_reach_the_table(tmp_path):
    """The choke point (read._table): a NUL past the binary sniff is removed, not kept."""
    path = tmp_path / "reg.csv"
    body = "codigo_oc;nombre;ubigeo\n" + "OC1;JASS Uno;010101\n" * 300
    path.write_bytes(body.encode() + b"OC2;JASS\x00Dos;010101\n")
    frame = _cells(path)
    assert frame.iloc[-1]["nombre"] == "JASSDos"
    assert not any("\x00" in v for v in frame.to_numpy().ravel().tolist())


@needs_shared
def test_xl006_fuzzed_xls_bytes_give_a_read_error_never_a_traceback(tmp_path):
    """Bounded: 40 truncations and byte flips of a real SIASAR sheet, seeded."""
    data = STORAGE.read_bytes()
    rng = random.Random(15)
    path = tmp_path / "f.xls"
    for i in range(40):
        mutated = bytearray(data)
        if i % 2:
            mutated = mutated[: rng.randrange(8, len(data))]
        else:
            for _ in range(rng.randrange(1, 60)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        path.write_bytes(bytes(mutated))
        try:
            tables = read_file(path)
        except ReadError as exc:
            assert exc.detail_es and "\x00" not in exc.detail_es
            continue
        for table in tables:
            cells = table.frame.to_numpy().ravel().tolist() + list(table.frame.columns)
            assert not any("\x00" in str(c) for c in cells)


def test_xl007_a_crafted_ole_header_is_bounded():
    """Sector chains that loop or point past the end stop the repair, not the process."""
    head = bytearray(512)
    head[:8] = xls.OLE2_MAGIC
    struct.pack_into("<HH", head, 0x1E, 9, 6)
    struct.pack_into("<I", head, 0x2C, 1)
    struct.pack_into("<I", head, 0x30, 0)  # directory in sector 0 ...
    struct.pack_into("<I", head, 0x4C, 0)  # ... which is also the FAT: chain 0 -> 0 loops
    data = bytes(head) + b"\x00" * 512
    assert xls.with_unicode_codepage(data) == data


@pytest.mark.parametrize("codepage", [1200, 1252])
def test_xl008_our_writer_round_trips_text_numbers_and_dates(tmp_path, codepage):
    """The sample generator's .xls: with CODEPAGE 1252 (as SIASAR writes) calamine alone
    mangles the text, and the reader still reads it right."""
    import datetime as dt

    path = tmp_path / "s.xls"
    rows = [["fecha_encuesta", "nombre", "ID"], [dt.date(2015, 7, 20), "Ñuñoa Perú", 147405]]
    xls.write_workbook(path, "Hoja1", rows, codepage=codepage)
    raw = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert ("\x00" in raw.to_python()[1][1]) == (codepage == 1252)
    (table,) = read_file(path)
    assert table.sheet == "Hoja1"
    assert table.frame.to_dict("records") == [
        {"fecha_encuesta": "2015-07-20", "nombre": "Ñuñoa Perú", "ID": "147405"}
    ]


@needs_shared
def test_xl009_upload_sniff_of_fuzzed_xls_refuses_cleanly(tmp_path):
    """The data page's check of an uploaded .xls and the reader: 'xls' or a refusal a clerk
    reads, bounded. Mutation 2 of this seed made calamine abort the whole process (SIGABRT)
    before parsing moved to a child process: this test then died with "Fatal Python error"."""
    from dashboard import uploads

    path = tmp_path / "f.xls"

    data = DISTRIBUTION.read_bytes()
    assert uploads.sniff(data, 20 * 1024 * 1024) == "xls"
    rng = random.Random(19)
    for i in range(30):
        mutated = bytearray(data[: rng.randrange(8, len(data))] if i % 2 else data)
        for _ in range(rng.randrange(0, 40)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        try:
            assert uploads.sniff(bytes(mutated), 20 * 1024 * 1024) == "xls"
        except uploads.UploadRefused as exc:
            assert ".xls" in exc.es
        path.write_bytes(bytes(mutated))
        try:
            read_file(path)
        except ReadError as exc:
            assert "\x00" not in exc.detail_en

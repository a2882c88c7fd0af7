"""Inputs no one expected, for the file readers and the loader (hypothesis).

The only allowed outcomes: `read_file` returns tables or raises ReadError; `load_paths`
returns a LoadResult (problems inside), never another exception. The short runs are part of
`make test`; tests/soak/test_fuzz_soak.py runs the same properties with many more examples.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import db, load, sample
from etl.read import ReadError, read_file

SHORT = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SUFFIXES = st.sampled_from([".csv", ".xlsx", ".xlsm", ".CSV"])
ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200
) | st.sampled_from(["\ufeff", "\u202e", "\x00", "ñáéíóú", "𝔘𝔟𝔦𝔤𝔢𝔬", "\r\n\r", "\u2028"])


@pytest.fixture(scope="module")
def real_files(tmp_path_factory) -> list[bytes]:
    """The tiny sample's files, as bytes (to truncate and splice)."""
    paths = sample.write_sample(tmp_path_factory.mktemp("fz") / "in", scale="tiny")
    return [p.read_bytes() for p in paths]


def mangled_csv(draw, real: list[bytes]) -> bytes:
    """A real sample file, truncated, with odd text or a BOM spliced in the middle."""
    data = draw(st.sampled_from(real))
    cut = draw(st.integers(0, len(data)))
    data = data[:cut]
    at = draw(st.integers(0, len(data)))
    insert = draw(ODD_TEXT).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        insert = b"\xef\xbb\xbf" + insert + b"x" * draw(st.sampled_from([0, 10, 200_000]))
    return data[:at] + insert + data[at:]


@st.composite
def file_contents(draw, real: list[bytes]) -> bytes:
    """Random bytes, a mangled real file, or a CSV with huge or odd cells."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(st.binary(max_size=2000))
    if choice == 1:
        return mangled_csv(draw, real)
    cells = draw(st.lists(ODD_TEXT, min_size=1, max_size=6))
    header = "ubigeo,codigo_oc,nombre,fecha_visita,cloro_residual_mg_l,anio"
    return (header + "\n" + ",".join(cells) + "\n").encode("utf-8", "surrogatepass")


def check_read(content: bytes, suffix: str) -> None:
    """read_file on the content: tables or ReadError, nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(content)
        with contextlib.suppress(ReadError):
            read_file(path)


def check_load(engine, content: bytes, suffix: str, archive: Path) -> None:
    """load_paths on the content: a LoadResult (whatever it says), never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(content)
        result = load.load_paths(engine, [path])
    assert isinstance(result, load.LoadResult)
    assert result.exit_code in (0, 1, 2)


def test_fz001_read_file_never_raises_anything_but_read_error(real_files):
    @SHORT
    @given(data=st.data(), suffix=SUFFIXES)
    def prop(data, suffix):
        check_read(data.draw(file_contents(real_files)), suffix)

    prop()


def test_fz002_loader_returns_a_result_for_any_file(tmp_path, real_files, monkeypatch):
    """The loader end to end on odd files; derivation is stubbed here (the soak runs it)."""
    monkeypatch.setenv(load.ARCHIVE_ENV, str(tmp_path / "archive"))
    monkeypatch.setattr(load.derive, "derive_all", lambda *a, **k: None)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    db.init_db(engine)

    @settings(SHORT, max_examples=10)
    @given(data=st.data(), suffix=SUFFIXES)
    def prop(data, suffix):
        check_load(engine, data.draw(file_contents(real_files)), suffix, tmp_path)

    prop()
    engine.dispose()


def test_fz003_csv_of_only_a_bom_is_a_read_error(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(ReadError):
        read_file(path)

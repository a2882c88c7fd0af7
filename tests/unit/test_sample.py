"""The sample-data generator (etl/sample.py): determinism, formats, scales, realism, errors."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl import catalog, sample, sources
from etl.derive import goals

KIND_OF_FILE = {
    "datass_consolidado.csv": "datass",
    "datass_extracto_2026.xlsx": "datass",
    "registro_oc.csv": "registro_oc",
    "monitoreo_oc.csv": "monitoreo_oc",
    "atm.xlsx": "atm",
    "clasificacion_municipal.xlsx": "clasificacion_municipal",
    "avance_metas.csv": "avance_metas",
    "resultado_mef.csv": "resultado_mef",
    "cartera_ong.csv": "cartera_ong",
    "siasar_system.xls": "siasar_sistema",
    "siasar_system_distribution.xls": "siasar_distribucion",
    "siasar_system_storage.xls": "siasar_almacenamiento",
    "siasar_system_catchment.xls": "siasar_captacion",
    "siasar_system_treatment.xls": "siasar_tratamiento",
    "siasar_vinculos.csv": "siasar_vinculo",
    "alianzas.csv": "alianza",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    sample.write_sample(out, scale="tiny", seed=2026)
    return out


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("national")
    sample.write_sample(out, scale="national", seed=2026)
    return out


def read(folder: Path, name: str) -> pd.DataFrame:
    """Read a sample file back as text, the way the formats are documented."""
    path = folder / name
    if name == "datass_consolidado.csv":
        return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if name == "registro_oc.csv":
        return pd.read_csv(path, sep=";", dtype=str, encoding="cp1252", keep_default_na=False)
    if name == "resultado_mef.csv":
        return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if name == "alianzas.csv":
        return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8", keep_default_na=False)
    if name == "atm.xlsx":
        return pd.read_excel(path, sheet_name="ATM", header=2, engine="calamine")
    if name.endswith(".xlsx"):
        return pd.read_excel(path, dtype={"ubigeo": str}, engine="calamine")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def latest_surveys(folder: Path) -> pd.DataFrame:
    """The latest DATASS survey per CP (CSV and 2026 extract), planted errors left out."""
    csv = read(folder, "datass_consolidado.csv")
    old = pd.DataFrame({
        "ubigeo_cp": csv.ubigeo_cp,
        "fecha": pd.to_datetime(csv.fecha_encuesta, format="%d/%m/%Y"),
        "pop": csv.total_poblacion.astype(int),
        "served": csv.poblacion_servicio_agua.astype(int),
        "excreta": csv.sistema_disposicion_excretas.eq("Sí"),
        "codigo_ps": csv.codigo_ps,
    })  # fmt: skip
    x = read(folder, "datass_extracto_2026.xlsx")
    new = pd.DataFrame({
        "ubigeo_cp": x.CentroPoblado_Nombre.str[:10],
        "fecha": pd.to_datetime(x.FechaModificacion_Encuesta),
        "pop": x.p100_TotalPoblacion,
        "served": x.p105c_NumeroPoblacionConAccesoServicio,
        "excreta": x.p107_CuentaSistemaDisposicionExcretas.eq("SI"),
        "codigo_ps": x.codigo_ps.fillna(""),
    })  # fmt: skip
    s = pd.concat([old, new], ignore_index=True)
    s = s[(s["pop"] <= 100_000) & (s.served <= s["pop"])]
    return s.sort_values("fecha").drop_duplicates("ubigeo_cp", keep="last")


# ---------------------------------------------------------------- tiny scale --------------


def test_smp001_tiny_writes_every_kind(tmp_path):
    paths = sample.write_sample(tmp_path / "out", scale="tiny")
    assert paths == sorted(paths)
    assert {p.name for p in paths} == set(KIND_OF_FILE)
    assert all(p.stat().st_size > 200 for p in paths)
    assert set(KIND_OF_FILE.values()) == set(sources.KINDS)


def test_smp002_same_seed_same_bytes_other_seed_other_bytes(tiny, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    sample.write_sample(again, scale="tiny", seed=2026)
    sample.write_sample(other, scale="tiny", seed=2027)
    for name in KIND_OF_FILE:
        assert (tiny / name).read_bytes() == (again / name).read_bytes(), name
        assert (tiny / name).read_bytes() != (other / name).read_bytes(), name


def test_smp003_tiny_is_one_rural_province(tiny):
    datass = read(tiny, "datass_consolidado.csv")
    districts = datass.ubigeo_cp.str[:6].unique()
    assert set(datass.ubigeo_cp.str[:4]) == {sample.TINY_PROVINCE}
    assert 8 <= len(districts) <= 15
    assert 150 <= datass.ubigeo_cp.nunique() <= 600
    assert 50 <= len(read(tiny, "registro_oc.csv")) <= 400
    assert 50 <= len(read(tiny, "monitoreo_oc.csv")) <= 2_000


def test_smp004_codes_have_their_digits(tiny):
    datass = read(tiny, "datass_consolidado.csv")
    assert datass.ubigeo_cp.str.fullmatch(r"\d{10}").all()
    ps = datass.codigo_ps[datass.codigo_ps != ""]
    assert ps.str.fullmatch(r"OC\d{6}\d{3}").all()
    assert (ps.str[2:8] == datass.ubigeo_cp[ps.index].str[:6]).all()
    visits = read(tiny, "monitoreo_oc.csv")
    assert visits.ubigeo.str.fullmatch(r"\d{6}").all()
    extract = read(tiny, "datass_extracto_2026.xlsx")
    assert extract.CentroPoblado_Nombre.str.fullmatch(r"\d{10} - [A-ZÁÉÍÓÚÑ ]+").all()


def test_smp005_register_lost_the_leading_zero_as_excel_does(tiny):
    reg = read(tiny, "registro_oc.csv")
    assert reg.ubigeo.str.fullmatch(r"10\d{3}").all()  # Amazonas 01xxxx written as 1xxxx
    assert reg.ubigeo_cp.str.fullmatch(r"\d{10}(;\d{10}){0,2}").all()
    assert reg.ubigeo_cp.str.contains(";").any()  # some JASS serve several CPs
    assert "DNI" not in " ".join(reg.columns).upper()


def test_smp006_csv_encodings_and_separators(tiny):
    datass = (tiny / "datass_consolidado.csv").read_bytes()
    assert datass.startswith(b"\xef\xbb\xbfubigeo_cp;centro_poblado;")
    assert b"\r\n" in datass and "Sí".encode() in datass
    assert re.search(rb";-\d+,\d+;", datass)  # decimal comma in coordinates
    assert re.search(rb";\d\d/\d\d/20\d\d\r\n", datass)
    register = (tiny / "registro_oc.csv").read_bytes()
    assert "Sí".encode("cp1252") in register
    with pytest.raises(UnicodeDecodeError):
        register.decode("utf-8")
    visits = (tiny / "monitoreo_oc.csv").read_bytes()
    assert visits.startswith(b"codigo_oc,fecha_visita,ubigeo,")
    assert b"\r\n" not in visits
    assert re.search(rb",20\d\d-\d\d-\d\d,\d{6},\d+\.\d+,[01],", visits)


def test_smp007_headers_follow_the_input_contract(tiny):
    for name, kind in KIND_OF_FILE.items():
        if name == "datass_extracto_2026.xlsx" or kind.startswith("siasar"):
            continue  # export names, not canonical ones (recognition: test_sample_roundtrip)
        columns = list(read(tiny, name).columns)
        fields = [f.name for f in sources.KINDS[kind].fields]
        assert set(sources.KINDS[kind].required) <= set(columns), name
        assert set(columns) <= set(fields), name
    assert list(read(tiny, "datass_consolidado.csv").columns) == [
        f.name for f in sources.DATASS.fields
    ]
    assert list(read(tiny, "monitoreo_oc.csv").columns) == [
        f.name for f in sources.MONITOREO_OC.fields
    ]


def test_smp008_extract_columns_are_datass_aliases(tiny):
    aliases = {a for f in sources.DATASS.fields for a in f.aliases}
    columns = read(tiny, "datass_extracto_2026.xlsx").columns
    # FechaModificacion_Encuesta is in real extracts but is not read (issue 14: not a survey date).
    known = {"centropoblado_nombre", "codigo_ps", "fechamodificacion_encuesta"} | aliases
    assert all(c.lower() in known for c in columns), set(columns)
    assert "fechamodificacion_encuesta" not in aliases


def test_smp009_xlsx_layouts(tiny):
    ws = openpyxl.load_workbook(tiny / "atm.xlsx", read_only=True)["ATM"]
    rows = list(ws.iter_rows(values_only=True, max_row=4))
    assert rows[0][0].startswith("Registro de ATM") and not any(rows[1])
    assert rows[2][:2] == ("ubigeo", "anio")
    assert isinstance(rows[3][0], int) and rows[3][0] < 100_000  # number: leading zero gone
    assert hasattr(rows[3][3], "year")  # fecha_ordenanza is a real Excel date
    wb = openpyxl.load_workbook(tiny / "datass_extracto_2026.xlsx", read_only=True)
    assert wb.sheetnames == ["Encuestas"]
    first = next(wb["Encuestas"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert hasattr(first[5], "year") and first[5].year == 2026
    assert first[8] in ("SI", "NO")


def test_smp010_no_date_after_the_sample_reference_date(tiny):
    visits = pd.to_datetime(read(tiny, "monitoreo_oc.csv").fecha_visita)
    surveys = latest_surveys(tiny).fecha
    assert visits.max().date() <= sample.SAMPLE_AS_OF
    assert surveys.max().date() <= sample.SAMPLE_AS_OF
    years = set(visits.dt.year)  # the goal years' visits, then the follow-up from 2022 on
    assert years <= set(sample.GOAL_YEARS) | set(range(sample.FIRST_VISIT_YEAR, 2027))
    assert min(years - set(sample.GOAL_YEARS)) == sample.FIRST_VISIT_YEAR


def test_smp011_tiny_has_one_or_two_planted_errors(tiny):
    errors = sample.expected_errors("tiny")
    assert 1 <= sum(errors.values()) <= 2
    datass = read(tiny, "datass_consolidado.csv")
    served, pop = datass.poblacion_servicio_agua.astype(int), datass.total_poblacion.astype(int)
    assert (served > pop).sum() == errors["datass"]
    chlorine = pd.to_numeric(read(tiny, "monitoreo_oc.csv").cloro_residual_mg_l)
    assert (chlorine > 10).sum() == errors["monitoreo_oc"]


def test_smp012_multiplier_adds_cps_and_years():
    one = sample.build_sample("tiny", seed=5)
    two = sample.build_sample("tiny", seed=5, multiplier=2)
    assert len(two.centros_poblados) == 2 * len(one.centros_poblados)
    assert 1.6 < len(two.jass) / len(one.jass) < 2.4
    assert two.surveys.anio.min() < one.surveys.anio.min()
    assert min(d.year for d in two.visits.fecha_visita) < sample.FIRST_VISIT_YEAR


def test_smp013_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        sample.write_sample(tmp_path, scale="regional")
    with pytest.raises(ValueError, match="multiplier"):
        sample.write_sample(tmp_path, multiplier=0)


# ---------------------------------------------------------------- national scale ----------


def test_smp020_national_sizes(national):
    clas = read(national, "clasificacion_municipal.xlsx")
    valid = clas[clas.ubigeo != sample.BAD_UBIGEO]
    assert valid.ubigeo.nunique() == 1_892
    assert set(valid.anio) >= {2015, 2016, 2017}
    cats = valid[valid.anio == 2015].categoria.value_counts()
    assert cats["A"] < cats["B"] < cats["C"] < cats["D"]
    latest = latest_surveys(national)
    assert 27_000 <= latest.ubigeo_cp.nunique() <= 33_000
    register = read(national, "registro_oc.csv")
    jass = set(latest.codigo_ps[latest.codigo_ps != ""]) | set(register.codigo_oc)
    assert 22_000 <= len(jass) <= 28_000
    assert 0.7 <= len(register) / len(jass) <= 0.88  # about 80 %: unregistered, unvisited = E
    atm = read(national, "atm.xlsx")
    assert 1_300 <= atm[atm.anio == 2026].ubigeo.nunique() <= 1_500
    no_cp = set(valid.ubigeo) - set(latest.ubigeo_cp.str[:6])
    assert len(no_cp) >= 40
    assert {"150101", "070101"} <= no_cp


def test_smp021_national_coverage_like_the_pnsr_baselines(national):
    s = latest_surveys(national)
    assert 0.76 <= s.served.sum() / s["pop"].sum() <= 0.79
    assert 0.30 <= s["pop"][s.excreta].sum() / s["pop"].sum() <= 0.40
    assert s["pop"].median() == pytest.approx(150, rel=0.2)
    assert s["pop"].max() < 100_000
    v = read(national, "monitoreo_oc.csv")
    v["clr"] = pd.to_numeric(v.cloro_residual_mg_l)
    last = v.sort_values("fecha_visita").drop_duplicates("codigo_oc", keep="last")
    safe = set(last.codigo_oc[(last.realiza_cloracion == "1") & last.clr.between(0.5, 5)])
    assert 0.03 <= s.served[s.codigo_ps.isin(safe)].sum() / s["pop"].sum() <= 0.05


def test_smp022_national_grades_and_goals_vary(national):
    v = read(national, "monitoreo_oc.csv")
    grades = v.estado_almacenamiento.value_counts(normalize=True)
    assert set(grades.index) == {"A", "B", "C", "D"} and grades.max() < 0.5
    datass = read(national, "datass_consolidado.csv")
    y2015 = datass[datass.fecha_encuesta.str.endswith("2015")]
    per_district = y2015.groupby(y2015.ubigeo_cp.str[:6]).size()
    all_cps = datass.groupby(datass.ubigeo_cp.str[:6]).ubigeo_cp.nunique()
    share = (per_district / all_cps).fillna(0)
    assert (share >= 0.8).mean() > 0.1 and (share < 0.8).mean() > 0.5
    evidence = read(national, "avance_metas.csv")
    assert set(evidence.estado) == {"cumplida", "en_proceso", "no_iniciada"}
    ids = {(g.anio, g.numero, a.id) for g in catalog.load_catalog().goals for a in g.actividades}
    keys = zip(
        evidence.anio.astype(int), evidence.meta.astype(int), evidence.actividad, strict=True
    )
    unknown = sum(k not in ids for k in keys)
    assert unknown == sample.expected_errors("national")["avance_metas"]


def test_smp023_national_planted_errors_are_where_documented(national):
    expected = sample.expected_errors("national")
    # The SIASAR sheets plant no errors: their bad input is tested on the real export
    # (tests/integration/test_siasar_load.py); nor does the small partnership file (its
    # rejections: tests/integration/test_partnership_load.py).
    kinds = set(sources.KINDS) - sources.SIASAR_KINDS - {"siasar_vinculo", "alianza"}
    assert all(n >= 1 for n in expected.values()) and set(expected) == kinds
    register = read(national, "registro_oc.csv")
    assert (register.ubigeo == sample.BAD_UBIGEO).sum() == expected["registro_oc"]
    for name in (
        "atm.xlsx",
        "clasificacion_municipal.xlsx",
        "resultado_mef.csv",
        "cartera_ong.csv",
    ):
        frame = read(national, name)
        bad = (frame.ubigeo.astype(str) == sample.BAD_UBIGEO).sum()
        assert bad == expected[KIND_OF_FILE[name]], name
    v = read(national, "monitoreo_oc.csv")
    registered = set(register.codigo_oc)
    errors = (
        (~v.codigo_oc.isin(registered)).sum()
        + (pd.to_numeric(v.cloro_residual_mg_l) > 10).sum()
        + v.duplicated(["codigo_oc", "fecha_visita"]).sum()
    )
    assert errors == expected["monitoreo_oc"]
    s = latest_surveys(national)
    assert len(s) > 0
    csv = read(national, "datass_consolidado.csv")
    x = read(national, "datass_extracto_2026.xlsx")
    planted = (csv.poblacion_servicio_agua.astype(int) > csv.total_poblacion.astype(int)).sum()
    assert planted + (x.p100_TotalPoblacion > 100_000).sum() == expected["datass"]
    assert not csv.duplicated(["ubigeo_cp", "fecha_encuesta"]).any()


@pytest.fixture(scope="module")
def national_tables() -> sample.Sample:
    return sample.build_sample("national", seed=2026)


def test_smp024_national_goals_met_by_most_varying_by_department(national_tables):
    smp = national_tables
    calc = goals.goal_progress(
        sample._goal_frames(smp.districts, smp), catalog.load_catalog(), sample.SAMPLE_AS_OF
    )
    calc = calc[calc.aplica.astype(bool)]
    met = calc.estado.eq("cumplida")
    for key, share in met.groupby([calc.anio, calc.meta]).mean().items():
        assert 0.45 <= share <= 0.75, key
    by_dep = met.groupby([calc.anio, calc.meta, calc.ubigeo.str[:2]]).agg(["mean", "size"])
    by_dep = by_dep[by_dep["size"] >= 10]["mean"].groupby(level=[0, 1])
    assert (by_dep.max() - by_dep.min() >= 0.3).all()
    mef = smp.results[smp.results.ubigeo != sample.BAD_UBIGEO]
    both = calc.merge(mef, on=["ubigeo", "anio", "meta"])
    assert len(both) == len(mef) > 4_000
    agree = (both.estado.eq("cumplida") == both.cumplio.astype(bool)).mean()
    assert 0.92 <= agree <= 0.97
    flipped = both[both.estado.eq("cumplida") != both.cumplio.astype(bool)]
    above = flipped.puntaje_y >= 100 * flipped.puntaje_minimo / flipped.puntaje_maximo
    assert (above == flipped.cumplio.astype(bool)).all()  # the official file agrees with itself


def test_smp025_goal_metrics_follow_how_the_atm_worked(national_tables):
    smp = national_tables
    f = sample._goal_frames(smp.districts, smp)
    d = smp.districts.set_index("ubigeo")
    rural = d.n_cp > 0
    for year in sample.GOAL_YEARS:
        good = d[f"buena_{year}"]
        surveyed = goals.cp_con_diagnostico(f, year).reindex(d.index) >= 0.8
        assert surveyed[good].mean() > 0.9 and surveyed[~good & rural].mean() < 0.1
        visited = goals.oc_visitadas(f, year).reindex(d.index).fillna(0)
        assert visited[good].mean() > 0.5 > visited[~good & rural].mean()
    visited = goals.oc_visitadas(f, 2017).reindex(d.index) >= 0.6
    assert visited[d.buena_2017].mean() > 0.9
    budget = goals.atm_presupuesto_pia(f, 2017).reindex(d.index).fillna(0)
    assert budget[d.buena_2016].mean() > 0.9 > 0.2 > budget[~d.buena_2016 & rural].mean()


def test_smp026_ngo_portfolios_are_national_and_staged(national_tables, tiny):
    d = national_tables.districts
    ngo = d[d.ong.ne("")]
    assert ngo.ong.nunique() == 3 and 80 <= len(ngo) <= 100
    assert (ngo.n_cp > 0).all() and (ngo.anio_atm > 0).all()
    levers = ngo[[f"ong_{k}" for k in sample._MISSING_WEIGHT]]
    ready = levers.all(axis=1).groupby(ngo.ong).mean()
    assert ((ready >= 0.05) & (ready <= 0.12)).all()
    portfolio = read(tiny, "cartera_ong.csv")
    assert portfolio.ubigeo.str.startswith(sample.TINY_PROVINCE).all()
    assert set(portfolio.ubigeo) == set(ngo.ubigeo[ngo.ubigeo.str.startswith(sample.TINY_PROVINCE)])

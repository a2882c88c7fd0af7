"""Every read of the warehouse: one object owns the engine; views never open connections.

Methods return DataFrames (or plain values) and are scoped twice: by the location filter the
user chose, and by the `Scope` of the account (issue #7), which every query applies where it
reads, so the restriction holds whatever the browser sends. Nothing here writes: the
dashboard only reads what the ETL derived (README, "Data flow": data flows one way).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, false, func, select
from sqlalchemy.exc import SQLAlchemyError

from etl import schema as s
from etl.db import make_engine
from etl.derive import partnerships


@dataclass(frozen=True)
class Scope:
    """The districts an account may see (None: all) and the account (for its own loads)."""

    districts: frozenset[str] | None = None
    account: str | None = None

    @classmethod
    def national(cls, account: str | None = None) -> Scope:
        return cls(None, account)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(frozenset(), None)

    @property
    def restricted(self) -> bool:
        return self.districts is not None

    def allows(self, ubigeo: str | None) -> bool:
        return self.districts is None or (ubigeo or "")[:6] in self.districts

    @property
    def key(self) -> tuple:
        """Hashable identity for caches (the account too: pages show its name)."""
        codes = "*" if self.districts is None else tuple(sorted(self.districts))
        return (codes, self.account)


class Warehouse:
    """Read-only access to the warehouse, created once by the app factory; `scoped` gives
    the same warehouse seen by one account."""

    def __init__(self, url_or_engine: str | Engine, scope: Scope | None = None) -> None:
        self.engine = (
            make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        )
        self.scope = scope or Scope.national()

    def scoped(self, scope: Scope) -> Warehouse:
        """This warehouse (same engine) restricted to `scope`."""
        return Warehouse(self.engine, scope)

    def _limit(self, stmt: Select, ubigeo_col: Any) -> Select:
        """Restrict a select to the scope's districts (a no-op for national accounts)."""
        if self.scope.districts is None:
            return stmt
        return stmt.where(ubigeo_col.in_(sorted(self.scope.districts)))

    def _limit_oc(self, stmt: Select, codigo_col: Any) -> Select:
        """Restrict a select keyed by organisation to organisations of the scope's districts."""
        if self.scope.districts is None:
            return stmt
        oc = s.organizacion_comunal
        mine = select(oc.c.codigo_oc).where(oc.c.ubigeo.in_(sorted(self.scope.districts)))
        return stmt.where(codigo_col.in_(mine))

    def _own_loads(self) -> ColumnElement[bool] | None:
        """Scoped accounts see the loads (and rejects) of their own uploads only."""
        if self.scope.districts is None:
            return None
        if self.scope.account is None:
            return false()
        return s.carga.c.cuenta == self.scope.account

    def _frame(self, stmt: Select) -> pd.DataFrame:
        """Run a select and return its rows; JSON columns arrive already decoded."""
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))

    def _scalar(self, stmt: Select) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar()

    # ------------------------------------------------------------------ reference / filters
    def years(self) -> list[int]:
        """Years with district summaries, newest first."""
        stmt = select(s.resumen_distrito.c.anio).distinct().order_by(s.resumen_distrito.c.anio)
        return sorted((int(y) for y in self._frame(stmt)["anio"]), reverse=True)

    def latest_year(self) -> int | None:
        """The newest year with district summaries."""
        return self._scalar(select(func.max(s.resumen_distrito.c.anio)))

    def data_years(self, dep: str | None = None, prov: str | None = None) -> list[int]:
        """Years with real data in the scope, newest first: coverage, goal results or ATM rows.

        resumen_distrito has a row for every district and year, so "a row exists" is not
        "there is something to show"; a year counts when one of its sources has rows.
        """
        rd, a, d = s.resumen_distrito, s.atm, s.distrito
        summary = select(rd.c.anio).where(
            (rd.c.n_cp > 0) | rd.c.cobertura_agua.is_not(None) | (rd.c.metas_aplicables > 0)
        )
        summary = _in_place(summary, rd.c.departamento, rd.c.provincia, dep, prov)
        summary = self._limit(summary, rd.c.ubigeo).distinct()
        atm = select(a.c.anio).join(d, d.c.ubigeo == a.c.ubigeo)
        atm = _in_place(atm, d.c.departamento, d.c.provincia, dep, prov)
        atm = self._limit(atm, a.c.ubigeo).distinct()
        with self.engine.connect() as conn:
            years = {int(y) for y in conn.execute(summary).scalars()}
            years |= {int(y) for y in conn.execute(atm).scalars()}
        return sorted(years, reverse=True)

    def goal_totals(self, anio: int, dep: str | None, prov: str | None) -> tuple[int, int, int]:
        """(goal year, met, applicable) of the newest year up to `anio` with applicable goals.

        Goals are yearly programmes: in a year without goals the KPI shows the last one that
        had them rather than a meaningless "0 / 0". (0, 0, 0) when there is none.
        """
        rd = s.resumen_distrito
        stmt = (
            select(
                rd.c.anio,
                func.sum(rd.c.metas_cumplidas).label("met"),
                func.sum(rd.c.metas_aplicables).label("applicable"),
            )
            .where(rd.c.anio <= anio)
            .group_by(rd.c.anio)
            .having(func.sum(rd.c.metas_aplicables) > 0)
            .order_by(rd.c.anio.desc())
            .limit(1)
        )
        stmt = self._limit(
            _in_place(stmt, rd.c.departamento, rd.c.provincia, dep, prov), rd.c.ubigeo
        )
        frame = self._frame(stmt)
        if frame.empty:
            return (0, 0, 0)
        row = frame.iloc[0]
        return (int(row["anio"]), int(row["met"]), int(row["applicable"]))

    def freshness(self) -> dict[str, Any] | None:
        """The newest finished load: when the data was last refreshed, and its number."""
        c = s.carga
        stmt = (
            select(c.c.id, c.c.terminada, c.c.iniciada, c.c.fecha_corte)
            .order_by(c.c.id.desc())
            .limit(1)
        )
        frame = self._frame(stmt)
        return None if frame.empty else frame.iloc[0].to_dict()

    def data_version(self) -> tuple[Any, ...] | None:
        """The newest load's (id, end time): it changes with every load, so caches keyed by it
        are invalidated by a new load (or a restored backup). None when it cannot be read."""
        c = s.carga
        stmt = select(c.c.id, c.c.terminada).order_by(c.c.id.desc()).limit(1)
        try:
            with self.engine.connect() as conn:
                row = conn.execute(stmt).first()
        except SQLAlchemyError:
            return None
        return tuple(row) if row is not None else (None, None)

    def as_of(self) -> dt.date:
        """The date the derived tables were computed as of (deadline states, "last 12 months")."""
        load = self.freshness()
        corte = load.get("fecha_corte") if load else None
        return (
            pd.Timestamp(corte).date() if corte is not None and pd.notna(corte) else dt.date.today()
        )

    def departments(self) -> pd.DataFrame:
        """Departments that have at least one district with data."""
        rd = s.resumen_distrito
        with_data = self._limit(select(rd.c.departamento), rd.c.ubigeo).distinct()
        stmt = (
            select(s.departamento.c.ubigeo, s.departamento.c.nombre)
            .where(s.departamento.c.ubigeo.in_(with_data))
            .order_by(s.departamento.c.nombre)
        )
        return self._frame(stmt)

    def provinces(self, dep: str) -> pd.DataFrame:
        """Provinces of a department that have data."""
        rd = s.resumen_distrito
        p = s.provincia
        with_data = self._limit(select(rd.c.provincia), rd.c.ubigeo).distinct()
        stmt = (
            select(p.c.ubigeo, p.c.nombre)
            .where(p.c.departamento == dep, p.c.ubigeo.in_(with_data))
            .order_by(p.c.nombre)
        )
        return self._frame(stmt)

    def districts(self, dep: str | None, prov: str | None) -> pd.DataFrame:
        """Districts with data in the filter, for the "go to district" list (with the province's
        name: many district names repeat across Peru)."""
        d, p = s.distrito, s.provincia
        rd = s.resumen_distrito
        # EXISTS walks the summary's primary key (ubigeo, anio) and stops at the first year
        # with data: the cost does not grow with the years kept.
        with_data = (
            select(rd.c.ubigeo)
            .where(rd.c.ubigeo == d.c.ubigeo, (rd.c.poblacion_rural > 0) | (rd.c.n_oc > 0))
            .exists()
        )
        stmt = (
            select(d.c.ubigeo, d.c.nombre, p.c.nombre.label("provincia_nombre"))
            .join(p, p.c.ubigeo == d.c.provincia)
            .where(with_data)
        )
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, prov).order_by(d.c.nombre)
        return self._frame(self._limit(stmt, d.c.ubigeo))

    def reference_points(self, dep: str | None = None) -> pd.DataFrame:
        """District capitals' points (of one department when given): the faint backdrop that
        draws Peru without tiles."""
        d = s.distrito
        stmt = select(d.c.ubigeo, d.c.latitud, d.c.longitud).where(d.c.latitud.is_not(None))
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, None)
        return self._frame(self._limit(stmt, d.c.ubigeo))

    def map_reference(self, dep: str | None, prov: str | None) -> pd.DataFrame:
        """Every district of the view with how the map draws it (its shape, its 2007
        container's, or its point: `distrito.mapa`, issue 17)."""
        d = s.distrito
        stmt = select(
            d.c.ubigeo,
            d.c.nombre,
            d.c.mapa,
            d.c.contenedor_2007,
            d.c.latitud,
            d.c.longitud,
            d.c.pobreza_total_pct,
        ).where(d.c.mapa.is_not(None))
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, prov)
        return self._frame(self._limit(stmt, d.c.ubigeo))

    def cp_points(self, ubigeo: str) -> pd.DataFrame:
        """A district's centros poblados with their DATASS coordinates (the district map)."""
        cp = s.centro_poblado
        stmt = (
            select(cp.c.ubigeo_cp, cp.c.nombre, cp.c.latitud, cp.c.longitud)
            .where(cp.c.ubigeo == ubigeo, cp.c.latitud.is_not(None), cp.c.longitud.is_not(None))
            .order_by(cp.c.ubigeo_cp)
        )
        return self._frame(self._limit(stmt, cp.c.ubigeo))

    def jass_points(self, ubigeo: str) -> pd.DataFrame:
        """A district's JASS with their grade, placed at the centros poblados they serve
        (one row per JASS and CP: a JASS is drawn at the mean of its CPs)."""
        r, link, cp = s.resumen_oc, s.oc_centro_poblado, s.centro_poblado
        stmt = (
            select(
                r.c.codigo_oc,
                r.c.nombre,
                r.c.grado,
                cp.c.nombre.label("cp_nombre"),
                cp.c.latitud,
                cp.c.longitud,
            )
            .join(link, link.c.codigo_oc == r.c.codigo_oc)
            .join(cp, cp.c.ubigeo_cp == link.c.ubigeo_cp)
            .where(r.c.ubigeo == ubigeo, cp.c.latitud.is_not(None), cp.c.longitud.is_not(None))
            .order_by(r.c.codigo_oc)
        )
        return self._frame(self._limit(stmt, r.c.ubigeo))

    # ------------------------------------------------------------------ overview
    def district_summary(self, anio: int, dep: str | None, prov: str | None) -> pd.DataFrame:
        """resumen_distrito for a year and location, with names and capital coordinates."""
        rd, d = s.resumen_distrito, s.distrito
        stmt = (
            select(
                rd,
                d.c.nombre,
                d.c.latitud,
                d.c.longitud,
                d.c.coordenadas_fuente,
                d.c.pobreza_total_pct,  # issue 17: "brecha × pobreza" (dashboard/poverty.py)
                s.provincia.c.nombre.label("provincia_nombre"),
                s.departamento.c.nombre.label("departamento_nombre"),
            )
            .join(d, d.c.ubigeo == rd.c.ubigeo)
            .join(s.provincia, s.provincia.c.ubigeo == rd.c.provincia)
            .join(s.departamento, s.departamento.c.ubigeo == rd.c.departamento)
            # A district with no rural CP and no JASS has nothing to show or count.
            .where(rd.c.anio == anio, (rd.c.poblacion_rural > 0) | (rd.c.n_oc > 0))
        )
        stmt = _in_place(stmt, rd.c.departamento, rd.c.provincia, dep, prov)
        return self._frame(self._limit(stmt, rd.c.ubigeo))

    def coverage_totals(self, anio: int, dep: str | None, prov: str | None) -> dict[str, float]:
        """Population-weighted coverage over the filtered districts (sums of cobertura)."""
        c, d = s.cobertura, s.distrito
        stmt = (
            select(
                func.sum(c.c.poblacion_rural).label("rural"),
                func.sum(c.c.poblacion_servida).label("servida"),
                func.sum(c.c.poblacion_agua_segura).label("segura"),
                func.sum(c.c.poblacion_saneamiento).label("saneamiento"),
                func.sum(c.c.n_cp).label("n_cp"),
                func.sum(c.c.n_cp_cloro_vigente).label("n_cp_cloro_vigente"),
            )
            .join(d, d.c.ubigeo == c.c.codigo)
            .where(c.c.nivel == "distrito", c.c.anio == anio)
        )
        stmt = self._limit(_in_place(stmt, d.c.departamento, d.c.provincia, dep, prov), c.c.codigo)
        row = self._frame(stmt).iloc[0]
        rural = float(row["rural"] or 0)
        if rural <= 0:
            return {}
        return {
            "cobertura_agua": float(row["servida"] or 0) / rural,
            "cobertura_agua_segura": float(row["segura"] or 0) / rural,
            "cobertura_saneamiento": float(row["saneamiento"] or 0) / rural,
            # issue 14: the basis each KPI states ("n de N CP")
            "n_cp": float(row["n_cp"] or 0),
            "n_cp_cloro_vigente": float(row["n_cp_cloro_vigente"] or 0),
        }

    # ------------------------------------------------------------------ district
    def district(self, ubigeo: str) -> dict[str, Any] | None:
        """Names and point of a district, or None when the code is unknown."""
        d = s.distrito
        stmt = (
            select(
                d,
                s.provincia.c.nombre.label("provincia_nombre"),
                s.departamento.c.nombre.label("departamento_nombre"),
            )
            .join(s.provincia, s.provincia.c.ubigeo == d.c.provincia)
            .join(s.departamento, s.departamento.c.ubigeo == d.c.departamento)
            .where(d.c.ubigeo == ubigeo)
        )
        frame = self._frame(self._limit(stmt, d.c.ubigeo))
        return None if frame.empty else frame.iloc[0].to_dict()

    def atm(self, ubigeo: str) -> pd.DataFrame:
        """The district's ATM facts by year, newest first."""
        a = s.atm
        stmt = select(a).where(a.c.ubigeo == ubigeo).order_by(a.c.anio.desc())
        return self._frame(self._limit(stmt, a.c.ubigeo))

    def district_history(self, ubigeo: str) -> pd.DataFrame:
        """resumen_distrito over the years for one district."""
        rd = s.resumen_distrito
        stmt = select(rd).where(rd.c.ubigeo == ubigeo).order_by(rd.c.anio)
        return self._frame(self._limit(stmt, rd.c.ubigeo))

    def organisations(self, ubigeo: str) -> pd.DataFrame:
        """resumen_oc of a district, highest priority first."""
        r = s.resumen_oc
        stmt = select(r).where(r.c.ubigeo == ubigeo).order_by(r.c.prioridad.desc(), r.c.nombre)
        return self._frame(self._limit(stmt, r.c.ubigeo))

    def coverage_cp(self, ubigeo: str, anio: int | None) -> pd.DataFrame:
        """Coverage per centro poblado of a district for a year (latest year when None)."""
        c, cp = s.cobertura, s.centro_poblado
        base = and_(c.c.nivel == "cp", c.c.codigo.like(f"{ubigeo}%"))
        if not self.scope.allows(ubigeo):
            base = and_(base, false())
        if anio is None:
            anio = self._scalar(select(func.max(c.c.anio)).where(base))
        stmt = (
            select(c, cp.c.nombre)
            .outerjoin(cp, cp.c.ubigeo_cp == c.c.codigo)
            .where(base, c.c.anio == anio)
            .order_by(c.c.cobertura_agua, cp.c.nombre)
        )
        return self._frame(stmt)

    def goals_for(self, ubigeo: str) -> pd.DataFrame:
        """Goal progress rows that apply to a district, with the goal's catalogue data."""
        a, m = s.avance_meta_calc, s.meta
        stmt = (
            select(
                a,
                m.c.nombre_es,
                m.c.nombre_en,
                m.c.fecha_limite,
                m.c.puntaje_minimo_supuesto,
                m.c.verificado,
            )
            .join(m, and_(m.c.anio == a.c.anio, m.c.numero == a.c.meta))
            .where(a.c.ubigeo == ubigeo, a.c.aplica.is_(True))
            .order_by(a.c.anio.desc(), a.c.meta)
        )
        return self._frame(self._limit(stmt, a.c.ubigeo))

    def activities(self, anio: int | None = None, numero: int | None = None) -> pd.DataFrame:
        """The goal catalogue's activities (of one goal when given), in catalogue order."""
        m = s.meta_actividad
        stmt = select(m).order_by(m.c.anio, m.c.meta, m.c.orden)
        if anio is not None and numero is not None:
            stmt = stmt.where(m.c.anio == anio, m.c.meta == numero)
        return self._frame(stmt)

    def exit_readiness(self, ubigeo: str) -> pd.DataFrame:
        """salida_distrito for one district, newest year first."""
        sd = s.salida_distrito
        stmt = select(sd).where(sd.c.ubigeo == ubigeo).order_by(sd.c.anio.desc())
        return self._frame(self._limit(stmt, sd.c.ubigeo))

    # ------------------------------------------------------------------ JASS
    def organisation(self, codigo_oc: str) -> dict[str, Any] | None:
        """Register data of one organisation (the president's name is never selected), and
        whether its board term is in force as the load judged it (resumen_oc)."""
        oc, reg, summary = s.organizacion_comunal, s.registro_oc, s.resumen_oc
        public = [c for c in reg.c if c.name not in ("presidente", "codigo_oc", "carga_id")]
        stmt = (
            select(oc.c.codigo_oc, oc.c.nombre, oc.c.ubigeo, oc.c.tipo_organizacion, oc.c.origen)
            .add_columns(*public, summary.c.consejo_vigente)
            .outerjoin(reg, reg.c.codigo_oc == oc.c.codigo_oc)
            .outerjoin(summary, summary.c.codigo_oc == oc.c.codigo_oc)
            .where(oc.c.codigo_oc == codigo_oc)
        )
        frame = self._frame(self._limit(stmt, oc.c.ubigeo))
        return None if frame.empty else frame.iloc[0].to_dict()

    def organisation_codes(self) -> set[str]:
        """Codes of the organisations in the scope (exports check rows against them)."""
        oc = s.organizacion_comunal
        return set(self._frame(self._limit(select(oc.c.codigo_oc), oc.c.ubigeo))["codigo_oc"])

    def organisation_summary(self, codigo_oc: str) -> dict[str, Any] | None:
        """The resumen_oc row of one organisation."""
        r = s.resumen_oc
        frame = self._frame(self._limit(select(r).where(r.c.codigo_oc == codigo_oc), r.c.ubigeo))
        return None if frame.empty else frame.iloc[0].to_dict()

    def scores(self, codigo_oc: str) -> pd.DataFrame:
        """Every health score of one organisation, oldest first."""
        p = s.puntaje_oc
        stmt = select(p).where(p.c.codigo_oc == codigo_oc).order_by(p.c.fecha_evaluacion)
        return self._frame(self._limit_oc(stmt, p.c.codigo_oc))

    def visits(self, codigo_oc: str) -> pd.DataFrame:
        """ATM visits to one organisation, oldest first (observations are free text: kept)."""
        v = s.visita
        stmt = select(v).where(v.c.codigo_oc == codigo_oc).order_by(v.c.fecha_visita)
        return self._frame(self._limit_oc(stmt, v.c.codigo_oc))

    # ------------------------------------------------------------------ goals
    def goals(self) -> pd.DataFrame:
        """The goal catalogue, newest first."""
        m = s.meta
        return self._frame(select(m).order_by(m.c.anio.desc(), m.c.numero))

    def goal_progress(self, anio: int, numero: int, dep: str | None = None) -> pd.DataFrame:
        """avance_meta_calc of one goal for every municipality (of a department), with names."""
        a, d = s.avance_meta_calc, s.distrito
        stmt = (
            select(
                a,
                d.c.nombre,
                d.c.departamento,
                s.departamento.c.nombre.label("departamento_nombre"),
                s.provincia.c.nombre.label("provincia_nombre"),
            )
            .join(d, d.c.ubigeo == a.c.ubigeo)
            .join(s.departamento, s.departamento.c.ubigeo == d.c.departamento)
            .join(s.provincia, s.provincia.c.ubigeo == d.c.provincia)
            .where(a.c.anio == anio, a.c.meta == numero)
        )
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, None)
        return self._frame(self._limit(stmt, a.c.ubigeo))

    # ------------------------------------------------------------------ NGO exit
    def portfolios(self) -> list[str]:
        """NGO names with a portfolio."""
        c = s.cartera_ong
        stmt = self._limit(select(c.c.organizacion), c.c.ubigeo)
        frame = self._frame(stmt.distinct().order_by(c.c.organizacion))
        return [str(x) for x in frame["organizacion"]]

    def portfolio_districts(self, organizacion: str) -> frozenset[str]:
        """The districts of one NGO portfolio: the scope of that NGO's accounts."""
        c = s.cartera_ong
        frame = self._frame(select(c.c.ubigeo).where(c.c.organizacion == organizacion))
        return frozenset(str(x) for x in frame["ubigeo"])

    def portfolio(self, organizacion: str) -> pd.DataFrame:
        """Each district of a portfolio with its latest exit assessment."""
        c, sd, d = s.cartera_ong, s.salida_distrito, s.distrito
        latest = (
            select(sd.c.ubigeo, func.max(sd.c.anio).label("anio")).group_by(sd.c.ubigeo).subquery()
        )
        stmt = (
            select(
                c.c.ubigeo,
                c.c.fecha_inicio,
                c.c.fecha_salida_prevista,
                d.c.nombre,
                s.departamento.c.nombre.label("departamento_nombre"),
                sd.c.anio,
                sd.c.estado,
                sd.c.n_cumplidos,
                sd.c.n_criterios,
                sd.c.criterios,
                sd.c.faltantes,
            )
            .join(d, d.c.ubigeo == c.c.ubigeo)
            .join(s.departamento, s.departamento.c.ubigeo == d.c.departamento)
            .outerjoin(latest, latest.c.ubigeo == c.c.ubigeo)
            .outerjoin(sd, and_(sd.c.ubigeo == c.c.ubigeo, sd.c.anio == latest.c.anio))
            .where(c.c.organizacion == organizacion)
            .order_by(d.c.nombre)
        )
        return self._frame(self._limit(stmt, c.c.ubigeo))

    # ------------------------------------------------------------------ peer exchange (#16)
    # Scoped by the LEARNER's district (a JASS's, an at-risk ATM's): an account sees who its
    # districts could learn from. A mentor of another district is named by its JASS name and
    # district only (privacy, issue 16): its code (the link to its page) and score are left
    # out; no person's name is ever selected (the tables hold none).
    def peer_mentees(
        self, dep: str | None, prov: str | None, ubigeo: str | None = None
    ) -> pd.DataFrame:
        """Weak JASS (intercambio_jass) of the place, with names, weakest first."""
        ij, oc, d = s.intercambio_jass, s.organizacion_comunal, s.distrito
        stmt = (
            select(
                ij.c.codigo_oc,
                oc.c.nombre,
                ij.c.ubigeo,
                d.c.nombre.label("distrito_nombre"),
                s.provincia.c.nombre.label("provincia_nombre"),
                ij.c.grado,
                ij.c.grado_provisional,
                ij.c.puntaje,
                ij.c.items_debiles,
                ij.c.n_sugerencias,
                ij.c.sin_mentor,
                ij.c.calculado,
            )
            .join(oc, oc.c.codigo_oc == ij.c.codigo_oc)
            .join(d, d.c.ubigeo == ij.c.ubigeo)
            .join(s.provincia, s.provincia.c.ubigeo == d.c.provincia)
            .order_by(ij.c.grado.desc(), ij.c.puntaje, ij.c.codigo_oc)
        )
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, prov)
        if ubigeo is not None:
            stmt = stmt.where(ij.c.ubigeo == ubigeo)
        return self._frame(self._limit(stmt, ij.c.ubigeo))

    def peer_suggestions(
        self, dep: str | None, prov: str | None, ubigeo: str | None = None
    ) -> pd.DataFrame:
        """Suggested mentors (intercambio_sugerencia) of the place's weak JASS, with the
        learner's and the mentor's JASS and district names."""
        sg = s.intercambio_sugerencia
        columns = [sg.c.rango, sg.c.mismo_distrito, sg.c.distancia_km]
        columns += [sg.c["items"], sg.c.grado_mentor, sg.c.puntaje_mentor, sg.c.razones]
        # `.c["items"]`: `.c.items` is the collection's own method
        return self._pairs(sg, columns, [sg.c.codigo_oc, sg.c.rango], (dep, prov, ubigeo))

    def _pairs(
        self, table: Any, columns: list, order: list, place: tuple[str | None, ...]
    ) -> pd.DataFrame:
        """Rows of a learner → mentor table (`codigo_oc`, `ubigeo`, `mentor_oc`,
        `ubigeo_mentor`) with both JASS's and districts' names, scoped by the learner's
        district; a mentor of a district the account does not see loses its code and score."""
        oc, d = s.organizacion_comunal, s.distrito
        mentor, md = oc.alias("mentor"), d.alias("mentor_distrito")
        dep, prov, ubigeo = place
        stmt = (
            select(
                table.c.codigo_oc,
                oc.c.nombre,
                table.c.ubigeo,
                d.c.nombre.label("distrito_nombre"),
                table.c.mentor_oc,
                mentor.c.nombre.label("mentor_nombre"),
                table.c.ubigeo_mentor,
                md.c.nombre.label("mentor_distrito"),
                *columns,
            )
            .join(oc, oc.c.codigo_oc == table.c.codigo_oc)
            .join(d, d.c.ubigeo == table.c.ubigeo)
            .join(mentor, mentor.c.codigo_oc == table.c.mentor_oc)
            .join(md, md.c.ubigeo == table.c.ubigeo_mentor)
            .order_by(d.c.nombre, oc.c.nombre, *order)
        )
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, prov)
        if ubigeo is not None:
            stmt = stmt.where(table.c.ubigeo == ubigeo)
        frame = self._frame(self._limit(stmt, table.c.ubigeo))
        if self.scope.restricted and not frame.empty:
            mine = frame["ubigeo_mentor"].map(self.scope.allows).astype(bool)
            for hidden in ("mentor_oc", "puntaje_mentor"):
                if hidden in frame:
                    frame[hidden] = frame[hidden].where(mine, None)
        return frame

    def peer_atms(self, dep: str | None, prov: str | None) -> pd.DataFrame:
        """At-risk ATMs (intercambio_atm) of the place, one row per suggested pair (or one
        row without a pair), with both districts' names."""
        ia, par, d = s.intercambio_atm, s.intercambio_atm_par, s.distrito
        pd_ = d.alias("par_distrito")
        pp = s.provincia.alias("par_provincia")
        stmt = (
            select(
                ia.c.ubigeo,
                d.c.nombre,
                s.provincia.c.nombre.label("provincia_nombre"),
                s.departamento.c.nombre.label("departamento_nombre"),
                ia.c.anio,
                ia.c.motivos,
                ia.c.meta_anio,
                ia.c.meta,
                ia.c.n_pares,
                ia.c.sin_par,
                ia.c.calculado,
                par.c.rango,
                par.c.ubigeo_par,
                pd_.c.nombre.label("par_nombre"),
                pp.c.nombre.label("par_provincia"),
                par.c.nivel,
                par.c.distancia_km,
                par.c.actividades,
                par.c.actividades_meta,
            )
            .join(d, d.c.ubigeo == ia.c.ubigeo)
            .join(s.provincia, s.provincia.c.ubigeo == d.c.provincia)
            .join(s.departamento, s.departamento.c.ubigeo == d.c.departamento)
            .outerjoin(par, par.c.ubigeo == ia.c.ubigeo)
            .outerjoin(pd_, pd_.c.ubigeo == par.c.ubigeo_par)
            .outerjoin(pp, pp.c.ubigeo == pd_.c.provincia)
            .order_by(s.departamento.c.nombre, s.provincia.c.nombre, d.c.nombre, par.c.rango)
        )
        stmt = _in_place(stmt, d.c.departamento, d.c.provincia, dep, prov)
        return self._frame(self._limit(stmt, ia.c.ubigeo))

    def peer_partnerships(
        self, dep: str | None, prov: str | None, ubigeo: str | None = None
    ) -> pd.DataFrame:
        """Partnerships (intercambio_alianza, p16) whose learning JASS is of the place, with
        both JASS's and districts' names and did-it-work (`partnership_results`): scoped by
        the mentee's district; a mentor the account does not see keeps its name only."""
        al = s.intercambio_alianza
        columns = [al.c["items"], al.c.tema, al.c.fecha_inicio, al.c.fecha_fin, al.c.estado]
        order = [al.c.fecha_inicio.desc(), al.c.mentor_oc]
        frame = self._pairs(al, columns, order, (dep, prov, ubigeo))
        history = self._score_history(frame["codigo_oc"].unique().tolist()) if len(frame) else {}
        return partnership_results(frame, history)

    def _score_history(self, codes: list[str]) -> dict[str, list[partnerships.Assessment]]:
        """Every assessment (puntaje_oc) of these JASS: the few a page's partnerships name."""
        p = s.puntaje_oc
        out: dict[str, list[partnerships.Assessment]] = {}
        stmt = select(
            p.c.codigo_oc, p.c.fecha_evaluacion, p.c["items"], p.c.grado_provisional
        ).where(p.c.codigo_oc.in_(codes))
        with self.engine.connect() as conn:
            for code, fecha, items, provisional in conn.execute(stmt):
                day = pd.Timestamp(fecha).date()
                out.setdefault(code, []).append(
                    partnerships.Assessment(day, items or {}, bool(provisional))
                )
        return out

    def peer_calculated(self) -> dt.date | None:
        """The as-of date of the full derivation that wrote the intercambio tables (every row
        of one derivation has the same; the newest when they differ). A date, not data."""
        ij, ia = s.intercambio_jass, s.intercambio_atm
        with self.engine.connect() as conn:
            dates = [
                conn.execute(select(func.max(ij.c.calculado))).scalar(),
                conn.execute(select(func.max(ia.c.calculado))).scalar(),
            ]
        known = [pd.Timestamp(x).date() for x in dates if x is not None]
        return max(known) if known else None

    # ------------------------------------------------------------------ data / audit
    def loads(self) -> pd.DataFrame:
        """Load runs, newest first (a scoped account's own uploads only)."""
        stmt = select(s.carga).order_by(s.carga.c.id.desc())
        own = self._own_loads()
        return self._frame(stmt if own is None else stmt.where(own))

    def files(self) -> pd.DataFrame:
        """Files of every load, newest first."""
        f = s.carga_archivo
        cols = [c for c in f.c if c.name != "archivado_en"]
        return self._frame(self._of_own_loads(select(*cols).order_by(f.c.id.desc()), f.c.carga_id))

    def rejects(self, limit: int | None = None) -> pd.DataFrame:
        """Rejected rows and file problems (the raw row is left out: it may be long), the
        newest file's first and each file's in row order: the grid shows the first few
        hundred, and the file just loaded is the one a clerk is fixing."""
        r = s.rechazo
        cols = [c for c in r.c if c.name != "datos"]
        order = (r.c.carga_archivo_id.desc(), r.c.id)
        stmt = self._of_own_rejects(select(*cols).order_by(*order))
        return self._frame(stmt.limit(limit) if limit else stmt)

    def rejects_count(self) -> int:
        """How many rejected rows and file problems there are in all."""
        stmt = self._of_own_rejects(select(func.count()).select_from(s.rechazo))
        return int(self._scalar(stmt) or 0)

    def _of_own_loads(self, stmt: Select, carga_id_col: Any) -> Select:
        own = self._own_loads()
        if own is None:
            return stmt
        return stmt.where(carga_id_col.in_(select(s.carga.c.id).where(own)))

    def _of_own_rejects(self, stmt: Select) -> Select:
        if self._own_loads() is None:
            return stmt
        f = s.carga_archivo
        mine = self._of_own_loads(select(f.c.id), f.c.carga_id)
        return stmt.where(s.rechazo.c.carga_archivo_id.in_(mine))

    def versions(self) -> pd.DataFrame:
        """Catalogue and score-model versions in use."""
        m, p = s.meta, s.puntaje_oc
        cat = self._frame(select(m.c.version_catalogo.label("version")).distinct())
        mod = self._frame(select(p.c.version_modelo.label("version")).distinct())
        cat["tipo"], mod["tipo"] = "catalogo", "modelo"
        return pd.concat([cat, mod], ignore_index=True)


def partnership_results(
    frame: pd.DataFrame, history: dict[str, list[partnerships.Assessment]]
) -> pd.DataFrame:
    """Each partnership row with its did-it-work (etl/derive/partnerships.py): the item list,
    `detalle` (per item: before, now, verdict), `veredicto` (all items), `motivos` (why it
    is provisional), `fecha_linea_base` and `fecha_ahora` (the two assessments compared)."""
    out = frame.copy()
    columns: dict[str, list] = {
        k: [] for k in ("lista_items", "detalle", "veredicto", "motivos", "fecha_linea_base",
                        "fecha_ahora")
    }  # fmt: skip
    for code, items, start in zip(
        out.get("codigo_oc", []), out.get("items", []), out.get("fecha_inicio", []), strict=True
    ):
        listed = [i for i in (items if isinstance(items, str) else "").split(";") if i]
        result = partnerships.evaluate(listed, pd.Timestamp(start).date(), history.get(code, []))
        columns["lista_items"].append(listed)
        columns["detalle"].append([vars(r) for r in result.items])
        columns["veredicto"].append(partnerships.summary(result))
        columns["motivos"].append(list(result.motivos))
        columns["fecha_linea_base"].append(result.inicio.fecha if result.inicio else None)
        columns["fecha_ahora"].append(result.ahora.fecha if result.ahora else None)
    for name, values in columns.items():
        out[name] = pd.Series(values, index=out.index, dtype=object)
    return out


def _in_place(
    stmt: Select, dep_col: Any, prov_col: Any, dep: str | None, prov: str | None
) -> Select:
    """Restrict a select to the place the user filtered on (a department and/or province).

    Not the account's `Scope` (which districts an account may see, applied by `_limit`):
    this is the location filter of a page, an account sees at most its scope within it."""
    if prov:
        return stmt.where(prov_col == prov)
    if dep:
        return stmt.where(dep_col == dep)
    return stmt

"""The words of the peer-exchange reasons (issue 16), Spanish and English, in one place.

The intercambio tables store reasons as codes and numbers (etl/derive/peers.py); these
templates turn them into the sentence a page shows, e.g. "cloro residual adecuado en sus 4
últimas lecturas (la última, 0,8 mg/L) · a 3,2 km · mismo tipo de sistema (gravedad sin
tratamiento)". Pure: the dashboard calls `suggestion_text` and friends with the stored JSON.

Why "visitas": a mentor holds a firm grade, which needs a chlorine reading within its validity
(issue 14), and readings come only from visits; a JASS with any visit is assessed only at its
visits (DATASS stands in only for never-visited ones). So a mentor's assessments are visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from etl.derive.peers import Rules, load_rules

Pair = tuple[str, str]  # (es, en)

# What a JASS at full marks on each model item does (data/modelo_salud.yaml).
ITEM: dict[str, Pair] = {
    "registrada": ("inscrita en el libro municipal", "in the municipal register"),
    "reconocida": ("reconocida por resolución", "recognised by resolution"),
    "consejo_vigente": ("consejo directivo vigente", "board term in force"),
    "reuniones_consejo": ("su consejo se reúne con regularidad", "its board meets regularly"),
    "rinde_cuentas": ("rinde cuentas a la asamblea", "reports its accounts to the assembly"),
    "mujeres_consejo": ("mujeres en el consejo directivo", "women on the board"),
    "cobra_cuota": ("cobra la cuota familiar", "charges the family fee"),
    "tasa_cobranza": ("todos sus asociados al día en la cuota", "every member up to date"),
    "libro_caja": ("libro de caja al día", "cash book up to date"),
    "fondos_disponibles": ("tiene fondos disponibles", "has funds available"),
    "tiene_operador": ("tiene operador", "has an operator"),
    "operador_remunerado": ("paga a su operador", "pays its operator"),
    "plan_om": ("tiene plan de operación y mantenimiento", "has an O&M plan"),
    "infraestructura": ("infraestructura en buen estado", "infrastructure in good state"),
    "continuidad": ("agua las 24 horas", "water 24 hours a day"),
    "realiza_cloracion": ("clora el agua", "chlorinates its water"),
    "cloro_residual": ("cloro residual adecuado", "adequate residual chlorine"),
    "registro_cloro": ("lleva registro de cloro residual", "keeps a residual-chlorine log"),
    "fuente_protegida": ("fuente protegida", "protected source"),
}

SYSTEM: dict[str, Pair] = {
    "gravedad_sin_tratamiento": ("gravedad sin tratamiento", "gravity, no treatment"),
    "gravedad_con_tratamiento": ("gravedad con tratamiento", "gravity with treatment"),
    "bombeo_sin_tratamiento": ("bombeo sin tratamiento", "pumped, no treatment"),
    "bombeo_con_tratamiento": ("bombeo con tratamiento", "pumped with treatment"),
    "gravedad": ("gravedad", "gravity"),
    "bombeo": ("bombeo", "pumped"),
}

TEMPLATES: dict[str, Pair] = {
    # a suggestion's reasons
    "item.visitas": ("{item} en sus {n} últimas visitas", "{item} at its last {n} visits"),
    "item.visita": ("{item} en su última visita", "{item} at its last visit"),
    "item.sin_racha": ("{item}", "{item}"),
    "item.lectura": (
        "{item} en su última lectura ({mg} mg/L)",
        "{item} at its latest reading ({mg} mg/L)",
    ),
    "item.lecturas": (
        "{item} en sus {n} últimas lecturas (la última, {mg} mg/L)",
        "{item} in its last {n} readings (latest {mg} mg/L)",
    ),
    "distancia": ("a {km} km", "{km} km away"),
    "distancia.sin_punto": ("distancia desconocida", "distance unknown"),
    "mismo_distrito": ("mismo distrito", "same district"),
    "mismo_tipo_sistema": ("mismo tipo de sistema ({tipo})", "same kind of system ({tipo})"),
    "mismo_tipo_organizacion": ("mismo tipo de organización", "same kind of organisation"),
    # why a weak item has no mentor
    "sin_mentor_cerca": (
        "{item}: ninguna JASS de grado A o B firme del mismo tipo en el distrito ni a menos de"
        " {radio} km",
        "{item}: no JASS of the same kind with a firm A or B grade in the district or within"
        " {radio} km",
    ),
    "sin_fuerte_en_item": (
        "{item}: ninguna JASS cercana (distrito o {radio} km) con nota completa",
        "{item}: no nearby JASS (district or {radio} km) scores full marks",
    ),
    "sin_cupo": (
        "{item}: las JASS cercanas fuertes en esto ya tienen su cupo de aprendices",
        "{item}: the nearby JASS strong on this already have their share of learners",
    ),
    # ATM pairs
    "atm_no_operativa": ("la ATM no opera en {anio}", "the ATM does not operate in {anio}"),
    "meta_no_cumplida": (
        "no cumplió la meta {meta} de {meta_anio}",
        "missed goal {meta} of {meta_anio}",
    ),
    "meta_en_riesgo": (
        "meta {meta} de {meta_anio} en riesgo",
        "goal {meta} of {meta_anio} at risk",
    ),
    "nivel.provincia": ("misma provincia", "same province"),
    "nivel.departamento": ("mismo departamento", "same department"),
    "act.ordenanza": ("ordenanza de creación de la ATM", "ordinance creating the ATM"),
    "act.responsable_designado": ("responsable de la ATM designado", "ATM head designated"),
    "act.poa_aprobado": ("plan operativo anual (POA) aprobado", "annual plan (POA) approved"),
    "act.presupuesto_pia": ("presupuesto de apertura (PIA) para la ATM", "opening budget (PIA)"),
    "act.jass_registradas": (
        "al menos {pct} de sus JASS inscritas en el libro municipal",
        "at least {pct} of its JASS in the municipal register",
    ),
    "act.jass_visitadas": (
        "al menos {pct} de sus JASS visitadas en los últimos 12 meses",
        "at least {pct} of its JASS visited in the last 12 months",
    ),
    "act.sin_dato": ("{act} (sin dato de la otra ATM)", "{act} (no data for the other ATM)"),
    "pares_sin_cupo": (
        "las ATM que operan y cumplieron en su departamento ya acompañan a otras",
        "the operating ATMs of its department that met their goal already pair with others",
    ),
    "sin_atm_modelo_en_departamento": (
        "ninguna ATM de su departamento opera y cumplió su última meta",
        "no ATM of its department operates and met its latest goal",
    ),
}
SEP = " · "


def _pick(pair: Pair, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def num(value: float, lang: str, digits: int = 1) -> str:
    """3.2 -> '3,2' in Spanish, '3.2' in English."""
    text = f"{value:.{digits}f}"
    return text if lang == "en" else text.replace(".", ",")


def item_name(item: str, lang: str) -> str:
    return _pick(ITEM.get(item, (item, item)), lang)


def reason_text(reason: Mapping, lang: str = "es") -> str:
    """One stored reason of a suggestion in words."""
    code = reason["codigo"]
    if code == "item":
        return _item_text(reason, lang)
    if code in ("distancia", "mismo_distrito"):
        km = reason.get("km")
        far = (
            _pick(TEMPLATES["distancia"], lang).format(km=num(km, lang))
            if km is not None
            else _pick(TEMPLATES["distancia.sin_punto"], lang)
        )
        return far if code == "distancia" else f"{_pick(TEMPLATES[code], lang)}, {far}"
    if code == "mismo_tipo_sistema":
        tipo = _pick(SYSTEM.get(reason["tipo"], (reason["tipo"],) * 2), lang)
        return _pick(TEMPLATES[code], lang).format(tipo=tipo)
    return _pick(TEMPLATES.get(code, (code, code)), lang)


def _item_text(reason: Mapping, lang: str) -> str:
    item = item_name(reason["item"], lang)
    if reason.get("lecturas"):
        mg = num(reason["ultima_mg_l"], lang, 2)
        key = "item.lecturas" if int(reason["lecturas"]) > 1 else "item.lectura"
        return _pick(TEMPLATES[key], lang).format(item=item, n=reason["lecturas"], mg=mg)
    n = int(reason.get("evaluaciones") or 0)
    key = "item.visitas" if n > 1 else "item.visita" if n == 1 else "item.sin_racha"
    return _pick(TEMPLATES[key], lang).format(item=item, n=n)


def suggestion_text(razones: Iterable[Mapping], lang: str = "es") -> str:
    """All reasons of a suggestion, joined: 'clora el agua en sus 4 últimas visitas · a 3,2 km'."""
    return SEP.join(reason_text(r, lang) for r in razones)


def no_mentor_text(entry: Mapping, lang: str = "es") -> str:
    """Why a weak item has no suggested mentor (an intercambio_jass.sin_mentor entry)."""
    radio = num(float(entry.get("radio_km") or 0), lang, 0)
    template = _pick(TEMPLATES[entry["motivo"]], lang)
    return template.format(item=item_name(entry["item"], lang), radio=radio)


def at_risk_text(motivos: Iterable[str], anio: int, meta, meta_anio, lang: str = "es") -> str:
    """Why an ATM needs a pair."""
    return SEP.join(
        _pick(TEMPLATES[m], lang).format(anio=anio, meta=meta, meta_anio=meta_anio) for m in motivos
    )


def activity_text(entry: Mapping, lang: str = "es", rules: Rules | None = None) -> str:
    """One activity the pair has done and the other has not (intercambio_atm_par.actividades),
    with the shares of data/intercambio.yaml for the two JASS activities."""
    r = rules or load_rules()
    shares = {"jass_registradas": r.jass_registradas_min, "jass_visitadas": r.jass_visitadas_min}
    act = entry["actividad"]
    pct = f"{round(shares.get(act, 0) * 100)} %"
    text = _pick(TEMPLATES[f"act.{act}"], lang).format(pct=pct)
    if entry.get("hecha") is None:
        return _pick(TEMPLATES["act.sin_dato"], lang).format(act=text)
    return text


def pair_text(pair: Mapping, lang: str = "es", rules: Rules | None = None) -> str:
    """An ATM pair in words: level, distance and what the pair has done that the other has not."""
    parts = [_pick(TEMPLATES[f"nivel.{pair['nivel']}"], lang)]
    if pair.get("distancia_km") is not None:
        parts.append(_pick(TEMPLATES["distancia"], lang).format(km=num(pair["distancia_km"], lang)))
    parts += [activity_text(a, lang, rules) for a in pair.get("actividades") or []]
    return SEP.join(parts)


def no_pair_text(code: str, lang: str = "es") -> str:
    return _pick(TEMPLATES[code], lang)


def level_text(nivel: str, lang: str = "es") -> str:
    """Where an ATM's pair is: 'misma provincia' / 'mismo departamento'."""
    return _pick(TEMPLATES.get(f"nivel.{nivel}", (nivel, nivel)), lang)

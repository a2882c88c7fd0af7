"""Translations (issue 13): every key is used, keys are grouped by page, and every item and
dimension of the score model has a label in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard import i18n
from dashboard.state import INDICATORS
from etl.derive import health

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
# Key families built at run time (`label(prefix, code)`, `t(f"prefix.{code}")`): a key of one
# of these is used when the code builds its prefix; the codes come from the ETL or the page.
DYNAMIC = (
    "role.", "au.", "sia.col_", "sia.aspect_", "sia.link_", "sia.ul_", "common.export_",
    "carga.", "origen.", "motivo.", "razon.", "estado.", "criterio.", "evidencia.",
)  # fmt: skip


def _code() -> str:
    """The dashboard's code, without the translation tables themselves."""
    parts = []
    for path in sorted(DASHBOARD.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "i18n.py":
            text = text[text.index("def lang_or_default") :]
        parts.append(text)
    return "\n".join(parts)


def _builds(code: str, prefix: str) -> bool:
    """Whether the code builds keys of a family: label("carga", …) or t(f"au.{…}")."""
    family = prefix.rstrip(".")
    built = rf"""label\(["']{family}["']|f["']{re.escape(prefix)}\{{"""
    return bool(re.search(built, code))


def unused_keys(keys: list[str], code: str) -> list[str]:
    items, dims = set(health.items()), {*health.dimensions(), "otros"}
    unused = []
    for key in keys:
        prefix, _, rest = key.partition(".")
        if f'"{key}"' in code or f"'{key}'" in code:
            continue
        if (prefix == "item" and rest in items) or (prefix == "dim" and rest in dims):
            continue
        if prefix == "ind" and rest in INDICATORS:
            continue
        if any(key.startswith(p) and _builds(code, p) for p in DYNAMIC):
            continue
        unused.append(key)
    return unused


def test_dsh210_every_translation_key_is_used():
    keys = [*i18n.TEXTS, *i18n.CODES]
    assert unused_keys(keys, _code()) == []


def test_dsh211_the_unused_key_check_can_fail():
    code = 'x = t("ov.title", lang)\ny = label("carga", code, lang)'
    keys = ["ov.title", "ov.never", "carga.ok", "item.clora", "item.cobra_cuota", "dim.otros"]
    assert unused_keys(keys, code) == ["ov.never", "item.clora"]


def test_dsh212_keys_are_grouped_by_page():
    """Each page's keys sit together under one `# ---- <page>` header, in page order."""
    text = (DASHBOARD / "i18n.py").read_text(encoding="utf-8")
    block = text[text.index("TEXTS: dict") : text.index("CODES: dict")]
    seen: list[str] = []
    for prefix in re.findall(r'^    "([a-z_]+)\.', block, re.M):
        if not seen or seen[-1] != prefix:
            assert prefix not in seen, f"keys of {prefix!r} are in two places"
            seen.append(prefix)
    headers = re.findall(r"^    # ---- (\w+)", block, re.M)
    assert headers[:2] == ["shell", "overview"] and "district" in headers and "data" in headers


def test_dsh213_every_model_item_and_dimension_has_both_labels():
    """The score model (data/modelo_salud.yaml) owns its items; each needs words in Spanish
    and English, not the readable-code fallback."""
    missing = []
    for prefix, codes in (("item", health.items()), ("dim", health.dimensions())):
        for code in codes:
            pair = i18n.CODES.get(f"{prefix}.{code}") or i18n.TEXTS.get(f"{prefix}.{code}")
            if not pair or not all(text.strip() for text in pair):
                missing.append(f"{prefix}.{code}")
    assert missing == []
    assert health.dimension_of("cobra_cuota") == "finanzas"
    assert health.dimension_of("clora") is None  # an item the model no longer has
    assert health.items()[0] == "registrada" and len(health.dimensions()) == 4

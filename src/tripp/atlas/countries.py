"""ISO 3166-1 alpha-2 country codes, with ``XZ`` for international waters, and the names
users type for them (:func:`country_code`: "Russia" → ``RU``, "Türkiye" or "Turkey" → ``TR``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tripp.atlas.names import did_you_mean, name_key
from tripp.units import INTERNATIONAL_WATERS


@cache
def country_names() -> dict[str, str]:
    """Map every valid code to its English short name."""
    import pycountry

    names = {country.alpha_2: country.name for country in pycountry.countries}
    names[INTERNATIONAL_WATERS] = "international waters"
    return names


#: The 249 officially assigned ISO 3166-1 alpha-2 codes (as of 2026), kept here so that
#: checking a code does not load the full country database; names come from pycountry.
ISO_ALPHA_2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
    """.split()
)


def is_country(code: str) -> bool:
    """True when ``code`` is an upper-case ISO alpha-2 code or ``XZ``."""
    return code in ISO_ALPHA_2 or code == INTERNATIONAL_WATERS


#: Names in common use that neither pycountry nor the bundled outlines give (name → code).
COMMON_NAMES = {
    "Türkiye": "TR",
    "Turkey": "TR",
    "Turkiye": "TR",
    "Russia": "RU",
    "Iran": "IR",
    "Persia": "IR",
    "Georgia": "GE",
    "Britain": "GB",
    "Great Britain": "GB",
    "United Kingdom": "GB",
    "UK": "GB",
    "Czech Republic": "CZ",
    "Moldova": "MD",
    "Syria": "SY",
    "South Korea": "KR",
    "North Korea": "KP",
    "Vietnam": "VN",
    "Laos": "LA",
    "Kyrgyzstan": "KG",
    "Belarus": "BY",
}


@cache
def _codes_by_name() -> dict[str, str]:
    """Every name a country goes by, as a :func:`~tripp.atlas.names.name_key`, to its code:
    pycountry's name, common name, official name and alpha-3 code, the names of the bundled
    outlines (Natural Earth), and :data:`COMMON_NAMES`."""
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(name_key(value), country.alpha_2)
    for feature in read_outlines().get("features", []):
        properties = feature.get("properties") or {}
        code, name = properties.get("iso_a2"), properties.get("name")
        if isinstance(name, str) and isinstance(code, str) and is_country(code):
            index.setdefault(name_key(name), code)
    index.update({name_key(name): code for name, code in COMMON_NAMES.items()})
    index[name_key("international waters")] = INTERNATIONAL_WATERS
    return index


def country_code(text: str) -> str | None:
    """The ISO alpha-2 code ``text`` names, or None: a code in any case (``ru``), an
    alpha-3 code (``RUS``) or an English name, case- and accent-insensitive ("Russia",
    "Türkiye", "turkey").

    >>> country_code("Russia"), country_code("türkiye"), country_code("ge")
    ('RU', 'TR', 'GE')
    """
    stripped = text.strip()
    if len(stripped) == 2 and is_country(stripped.upper()):
        return stripped.upper()
    if not stripped:
        return None
    return _codes_by_name().get(name_key(stripped))


def country_hint(code: str) -> str:
    """A fix text for an unknown code: the code it resembles or the country it names."""
    import pycountry

    names = country_names()
    try:
        found = pycountry.countries.lookup(code)
    except LookupError:
        found = None
    if found is not None and found.alpha_2 != code:
        return f"did you mean '{found.alpha_2}'? (the code of {found.name})"
    by_name = {name_key(name): alpha for alpha, name in names.items()}
    if name_key(code) in by_name:
        return f"did you mean '{by_name[name_key(code)]}'? (ISO 3166-1 alpha-2 code of {code})"
    if code.upper() in names:
        return f"did you mean '{code.upper()}'? (codes are upper case)"
    known = {**by_name, **_codes_by_name()}
    close = did_you_mean(code, list(names), limit=3) + did_you_mean(code, known, limit=2)
    if close:
        codes = [c if c in names else known[name_key(c)] for c in close]
        shown = ", ".join(f"'{c}' ({names[c]})" for c in dict.fromkeys(codes))
        return f"did you mean {shown}?"
    return "use an ISO 3166-1 alpha-2 code such as AZ, AM, GE, TR, IR"


def outlines_file() -> Path:
    """The bundled Natural Earth country outlines (GeoJSON, WGS 84; see data/geo/README.md)."""
    return Path(str(resources.files("tripp") / "data" / "geo" / "countries.geojson"))


def read_outlines() -> dict[str, Any]:
    """The bundled country outlines as a GeoJSON mapping."""
    return dict(json.loads(outlines_file().read_text(encoding="utf-8")))

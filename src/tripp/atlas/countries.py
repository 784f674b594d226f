"""ISO 3166-1 alpha-2 country codes, with ``XZ`` for international waters."""

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
    close = did_you_mean(code, list(names), limit=3) + did_you_mean(code, names.values(), limit=2)
    if close:
        codes = [c if c in names else by_name[name_key(c)] for c in close]
        shown = ", ".join(f"'{c}' ({names[c]})" for c in dict.fromkeys(codes))
        return f"did you mean {shown}?"
    return "use an ISO 3166-1 alpha-2 code such as AZ, AM, GE, TR, IR"


def outlines_file() -> Path:
    """The bundled Natural Earth country outlines (GeoJSON, WGS 84; see data/geo/README.md)."""
    return Path(str(resources.files("tripp") / "data" / "geo" / "countries.geojson"))


def read_outlines() -> dict[str, Any]:
    """The bundled country outlines as a GeoJSON mapping."""
    return dict(json.loads(outlines_file().read_text(encoding="utf-8")))

"""ISO 3166-1 alpha-2 country codes, with ``XZ`` for international waters."""

from __future__ import annotations

from functools import cache

from tripp.names import did_you_mean, name_key
from tripp.units import INTERNATIONAL_WATERS


@cache
def country_names() -> dict[str, str]:
    """Map every valid code to its English short name."""
    import pycountry

    names = {country.alpha_2: country.name for country in pycountry.countries}
    names[INTERNATIONAL_WATERS] = "international waters"
    return names


def is_country(code: str) -> bool:
    """True when ``code`` is an upper-case ISO alpha-2 code or ``XZ``."""
    return code in country_names()


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

"""Indonesian mobile numbers, for offenders reached by phone instead of Telegram.

A number is taken as people write it (``0812-3456-7890``, ``+62 812 3456 7890``,
``62812…``) and kept in the form they use: spaces, dashes, dots and brackets dropped, the
leading ``0`` or ``+62`` as typed (``62…`` becomes ``+62…``). Only mobile numbers (``08…``):
the list is for calls now and for SMS or WhatsApp later.
"""

import re

_SEPARATORS = re.compile(r"[\s\-.()]")
#: 08 and then 8 to 11 digits: 10 to 13 digits in all, as Indonesian mobile numbers are.
_LOCAL = re.compile(r"^08\d{8,11}$")
_INTERNATIONAL = re.compile(r"^\+628\d{7,10}$")


def parse_phone(text: str) -> str | None:
    """The number as stored, or None if it is not an Indonesian mobile number."""
    compact = _SEPARATORS.sub("", text.strip())
    if compact.startswith("62"):
        compact = "+" + compact
    if _LOCAL.match(compact) or _INTERNATIONAL.match(compact):
        return compact
    return None

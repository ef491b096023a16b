"""UK identifiers: NHS number (modulus 11), UPN (check letter) and postcodes (BS 7666 shape).

Rules from standards.md section 6. NHS number and UPN validation use python-stdnum, which
implements the published algorithms; postcodes use the BS 7666 letter restrictions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import nhs, upn


class IdentifierError(ValueError):
    """A human-readable reason why an identifier is not valid."""


def clean_nhs_number(value: str) -> str:
    """Return the 10-digit NHS number, or raise IdentifierError saying what is wrong."""
    compact = re.sub(r"[\s-]", "", value or "")
    if not compact.isdigit() or len(compact) != 10:
        raise IdentifierError("Enter an NHS number with 10 digits, like 943 476 5919")
    try:
        return nhs.validate(compact)
    except StdnumError as exc:
        raise IdentifierError(
            "NHS number is not valid: the check digit does not match. "
            "Check it has been copied correctly"
        ) from exc


def format_nhs_number(value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if value and len(value) == 10 else value or ""


def is_valid_nhs_number(value: str | None) -> bool:
    try:
        clean_nhs_number(value or "")
    except IdentifierError:
        return False
    return True


def clean_upn(value: str) -> str:
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) != 13:
        raise IdentifierError("Enter a UPN with 13 characters, like B801200005001")
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", compact):
        raise IdentifierError("UPN must be a letter, 11 digits, then a digit or letter")
    try:
        return upn.validate(compact)
    except StdnumError as exc:
        raise IdentifierError(
            "UPN is not valid: the check letter does not match. Check it has been copied correctly"
        ) from exc


# BS 7666 shape with the positional letter restrictions.
_A1 = "[A-PR-UWYZ]"
_A2 = "[A-HK-Y]"
_A3 = "[A-HJKPSTUW]"
_A4 = "[ABEHMNPRVWXY]"
_IN = "[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(
    rf"^(GIR0AA|{_A1}[0-9]{{1,2}}{_IN}|{_A1}{_A2}[0-9]{{1,2}}{_IN}|{_A1}[0-9]{_A3}{_IN}|{_A1}{_A2}[0-9]{_A4}{_IN})$"
)


@dataclass(frozen=True)
class Postcode:
    """A normalised postcode with its outward code, sector and district."""

    value: str

    @property
    def outward(self) -> str:
        return self.value.split(" ")[0]

    @property
    def district(self) -> str:
        return self.outward

    @property
    def sector(self) -> str:
        return self.value[:-2]

    @property
    def area(self) -> str:
        return re.match(r"[A-Z]+", self.value).group(0)


def normalise_postcode(value: str) -> Postcode:
    """Uppercase, remove spaces, and put one space before the inward code; raise if malformed."""
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        raise IdentifierError("Enter a postcode, like NB1 4QT")
    if not _POSTCODE.match(compact):
        raise IdentifierError("Enter a real postcode, like NB1 4QT")
    return Postcode(f"{compact[:-3]} {compact[-3:]}")

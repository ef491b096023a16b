"""NHS number (modulus 11), UPN (check letter) and postcode (BS 7666) rules, standards.md 6."""

from __future__ import annotations

import pytest

from continuum.core.identifiers import (
    IdentifierError,
    clean_nhs_number,
    clean_upn,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_postcode,
)


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "])
def test_valid_nhs_number_in_any_layout(value):
    assert clean_nhs_number(value) == "9434765919"


def test_check_digit_eleven_becomes_zero():
    # weights 10..2 over 100000006 sum to 22 → remainder 0 → 11 - 0 = 11 → check digit 0
    assert clean_nhs_number("1000000060") == "1000000060"


@pytest.mark.parametrize("last", list("0123456789"))
def test_check_digit_ten_is_never_valid(last):
    # weights over 100000001 give a check of 10: no such NHS number is ever issued
    with pytest.raises(IdentifierError, match="check digit"):
        clean_nhs_number("100000001" + last)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9434765918", "check digit does not match"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347659l9", "10 digits"),
        ("", "10 digits"),
    ],
)
def test_invalid_nhs_numbers(value, message):
    with pytest.raises(IdentifierError, match=message):
        clean_nhs_number(value)
    assert not is_valid_nhs_number(value)


def test_nhs_number_display():
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number("") == ""


@pytest.mark.parametrize(
    "value", ["B801200005001", "b801200005001", "B 8012 0000 5001", "M80120000500A"]
)
def test_valid_upns(value):
    assert clean_upn(value) == value.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("A801200005001", "check letter does not match"),
        ("C801200005001", "check letter does not match"),
        ("B80120000500", "13 characters"),
        ("8801200005001", "a letter, 11 digits"),
        ("B8012000050O1", "a letter, 11 digits"),
    ],
)
def test_invalid_upns(value, message):
    with pytest.raises(IdentifierError, match=message):
        clean_upn(value)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("nb1 4qt", "NB1 4QT"),
        ("NB14QT", "NB1 4QT"),
        ("  sw1a   1aa ", "SW1A 1AA"),  # AA9A
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_valid_postcodes_are_normalised(raw, normalised):
    assert normalise_postcode(raw).value == normalised


def test_postcode_parts():
    postcode = normalise_postcode("nb14qt")
    assert (postcode.outward, postcode.sector, postcode.area) == ("NB1", "NB1 4", "NB")


@pytest.mark.parametrize(
    "raw",
    [
        "QA1 1AA",  # Q never first
        "VA1 1AA",  # V never first
        "XA1 1AA",  # X never first
        "AI1 1AA",  # I never second
        "AJ1 1AA",  # J never second
        "AZ1 1AA",  # Z never second
        "W1I 0AX",  # I not allowed third in A9A
        "EC1C 1BB",  # C not allowed fourth in AA9A
        "NB1 4CI",  # C and I never in the inward code
        "NB1 4QK",  # K never in the inward code
        "NB1 4MO",  # M, O never in the inward code
        "NB1 4QV",  # V never in the inward code
        "NB1",  # no inward code
        "NB1 4Q",  # short inward code
        "1NB 4QT",
        "NB123 4QT",
    ],
)
def test_invalid_postcodes(raw):
    with pytest.raises(IdentifierError, match="real postcode"):
        normalise_postcode(raw)


def test_empty_postcode_asks_for_one():
    with pytest.raises(IdentifierError, match="Enter a postcode"):
        normalise_postcode("   ")

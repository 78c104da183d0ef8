import pytest

from units import convert


def test_exact_length():
    assert convert("1", "mi", "km") == convert("1609.344", "m", "km")


def test_temperature():
    assert convert("212", "F", "C") == 100
    assert convert("0", "C", "K") == convert("273.15", "K", "K")


def test_incompatible_units():
    with pytest.raises(ValueError, match="cannot convert kg to km"):
        convert("1", "kg", "km")

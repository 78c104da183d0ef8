from decimal import Decimal

from budget import categorise, monthly_totals


def test_keyword_rules():
    assert categorise("TESCO STORES 2231") == "Groceries"
    assert categorise("Mystery shop") == "Uncategorised"


def test_totals_use_decimal_per_month():
    rows = [{"date": "2026-10-02", "description": "tesco", "amount": "-0.10"},
            {"date": "2026-10-09", "description": "aldi", "amount": "-0.20"}]
    assert monthly_totals(rows)["2026-10"]["Groceries"] == Decimal("-0.30")

"""Categorise bank transactions by keyword rules and total them per month."""

import csv
import sys
from collections import defaultdict
from decimal import Decimal

RULES = {
    "Groceries": ["tesco", "sainsbury", "aldi", "lidl", "whole foods"],
    "Subscriptions": ["spotify", "netflix", "icloud", "github"],
    "Transport": ["shell", "bp ", "uber", "tfl", "trainline"],
    "Income": ["salary", "payroll", "refund"],
    "Eating out": ["pret", "deliveroo", "cafe", "restaurant"],
}


def categorise(description, rules=RULES):
    text = description.lower()
    for category, words in rules.items():
        if any(word in text for word in words):
            return category
    return "Uncategorised"


def monthly_totals(rows):
    totals = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        month = row["date"][:7]
        totals[month][categorise(row["description"])] += Decimal(row["amount"])
    return totals


if __name__ == "__main__":
    totals = monthly_totals(csv.DictReader(sys.stdin))
    for month in sorted(totals):
        print(month)
        for category, amount in sorted(totals[month].items(), key=lambda kv: kv[1]):
            print(f"  {category:<15} {amount:>10}")

"""Browse/search filters in the URL: any case, aliases, unknown values ignored with a notice."""

from __future__ import annotations

from vibecoder.domain.catalog.url_filters import UrlFilters, parse_url_filters

TECHS = ["python", "react", "node.js"]


def test_values_are_matched_in_any_case_and_spelling():
    parsed = parse_url_filters(
        {
            "category": "bots",
            "Pricing": "FREE",
            "tech": "React",
            "sort": "Price-Low",
            "license": "Apache-2.0",
            "rating": "4+",
            "min_price": "$5",
            "page": "2",
        },
        technologies=TECHS,
    )
    assert (parsed.category, parsed.pricing, parsed.technology, parsed.sort) == (
        "Bots",
        "free",
        "react",
        "price_low",
    )
    assert (parsed.license, parsed.min_rating, parsed.min_price, parsed.page) == (
        "apache-2.0",
        "4",
        "5",
        2,
    )
    assert parsed.notices == []
    assert parse_url_filters({"category": "cli-tools"}, technologies=TECHS).category == "CLI tools"
    assert parse_url_filters({"pricing": "subscription"}, technologies=TECHS).pricing == (
        "subscription_monthly"
    )


def test_unknown_values_are_ignored_and_named():
    parsed = parse_url_filters(
        {"category": "spaceships", "sort": "random", "max_price": "lots", "page": "x"},
        technologies=TECHS,
    )
    assert parsed == UrlFilters(notices=parsed.notices)
    assert parsed.notices == [
        "Ignored unknown category “spaceships”.",
        "Ignored unknown maximum price “lots”.",
        "Ignored unknown sort order “random”.",
    ]


def test_query_string_round_trips_and_omits_defaults():
    filters = UrlFilters(category="CLI tools", pricing="free", sort="top_rated", page=3)
    qs = filters.query_string(q="photo renamer")
    assert qs == "?q=photo+renamer&category=CLI+tools&pricing=free&sort=top_rated&page=3"
    from urllib.parse import parse_qsl

    again = parse_url_filters(dict(parse_qsl(qs[1:])), technologies=TECHS)
    assert (again.category, again.pricing, again.sort, again.page) == (
        "CLI tools",
        "free",
        "top_rated",
        3,
    )
    assert UrlFilters().query_string() == ""

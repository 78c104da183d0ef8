"""Browse and search filters as URL query parameters: parsed forgivingly, written canonically.

`?category=bots`, `?Category=CLI-Tools`, `?pricing=FREE`, `?sort=Price_Low` all work: values are
matched without regard to case, dashes or underscores. A value that matches nothing is dropped
and named in a notice, never an error page, so an old or hand-edited link still shows listings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import urlencode

from vibecoder.domain.catalog.listings import CATEGORIES

ANY = "any"
SORTS = ("newest", "popular", "top_rated", "price_low", "price_high")
PRICINGS = ("free", "one_time", "subscription_monthly", "subscription_yearly", "usage")
LICENSES = ("personal", "commercial", "extended", "mit", "apache-2.0")
RATINGS = ("4.5", "4", "3", "2", "1")
PRICING_ALIASES = {
    "subscription": "subscription_monthly",
    "monthly": "subscription_monthly",
    "yearly": "subscription_yearly",
    "onetime": "one_time",
    "paid": "one_time",
    "perrun": "usage",
}
# Parameter names in the URL for each field (short ones people type by hand).
PARAMS = {
    "category": "category",
    "technology": "tech",
    "pricing": "pricing",
    "license": "license",
    "min_rating": "rating",
    "min_price": "min_price",
    "max_price": "max_price",
    "sort": "sort",
    "page": "page",
}


def _key(value: str) -> str:
    return re.sub(r"[\s_\-]+", "", value.strip().lower())


def _match(
    value: str, choices: tuple[str, ...], aliases: dict[str, str] | None = None
) -> str | None:
    wanted = _key(value)
    for choice in choices:
        if _key(choice) == wanted:
            return choice
    return (aliases or {}).get(wanted)


def _price(value: str) -> str | None:
    text = value.strip().lstrip("$€£")
    try:
        amount = float(text)
    except ValueError:
        return None
    if not 0 <= amount <= 10_000:
        return None
    return f"{amount:g}"


@dataclass
class UrlFilters:
    category: str = ANY
    technology: str = ANY
    pricing: str = ANY
    license: str = ANY
    min_rating: str = ANY
    min_price: str = ""
    max_price: str = ""
    sort: str = "newest"
    page: int = 1
    notices: list[str] = field(default_factory=list)

    def query_string(self, **extra: str) -> str:
        """Only what differs from the defaults, in a stable order (`?q=` first when given)."""
        params: dict[str, str] = {k: v for k, v in extra.items() if v}
        defaults = UrlFilters()
        for f in fields(self):
            if f.name in ("notices",):
                continue
            value = getattr(self, f.name)
            if value != getattr(defaults, f.name):
                params[PARAMS[f.name]] = str(value)
        return ("?" + urlencode(params)) if params else ""


def parse_url_filters(params: dict[str, str], *, technologies: list[str]) -> UrlFilters:
    """Read the filters from query parameters (any case); unknown values become notices."""
    lowered = {str(k).lower(): str(v) for k, v in params.items()}
    result = UrlFilters()

    def take(name: str, value: str | None, label: str) -> None:
        raw = lowered.get(PARAMS[name], "").strip()
        if not raw or _key(raw) == ANY:
            return
        if value is None:
            result.notices.append(f"Ignored unknown {label} “{raw[:40]}”.")
            return
        setattr(result, name, value)

    take("category", "category" in lowered and _match(lowered["category"], CATEGORIES), "category")
    tech = lowered.get("tech", "")
    take("technology", _match(tech, tuple(technologies)) if tech else None, "technology")
    pricing = lowered.get("pricing", "")
    take("pricing", _match(pricing, PRICINGS, PRICING_ALIASES) if pricing else None, "pricing")
    lic = lowered.get("license", "")
    take("license", _match(lic, LICENSES, {"apache2": "apache-2.0"}) if lic else None, "license")
    rating = lowered.get("rating", "").strip().rstrip("+")
    take("min_rating", rating if rating in RATINGS else None, "rating")
    take("min_price", _price(lowered.get("min_price", "")), "minimum price")
    take("max_price", _price(lowered.get("max_price", "")), "maximum price")
    sort = lowered.get("sort", "")
    take("sort", _match(sort, SORTS) if sort else None, "sort order")
    try:
        result.page = max(int(lowered.get("page", "1")), 1)
    except ValueError:
        result.page = 1
    return result

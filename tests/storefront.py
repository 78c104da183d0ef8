"""The storefront templates the variation tests remix: a React one as a builder-made listing
ships it (the files "Sell this" lists), written by the offline model's own section templates,
and a static one (index.html + classic scripts) as the seeded storefront templates are."""

from __future__ import annotations

from pathlib import Path

from vibecoder.builder import shadow
from vibecoder.builder.llm.scripted import templates

STATIC_SEED = (
    Path(__file__).resolve().parent.parent
    / "vibecoder/seed_data/listings/m-30-plant-shop-template/files"
)
PROMPT = "A storefront for a coffee roaster called Ember with products and a footer"
LISTING = {
    "title": "Ember Coffee Storefront",
    "summary": "A React storefront template for a coffee roaster: hero, products and footer.",
    "description": "# Ember Coffee Storefront\n\nA React + Tailwind storefront.",
    "category": "Storefront templates",
    "technologies": ["react", "tailwindcss"],
    "license_type": "commercial",
    "pricing_model": "one_time",
    "price_cents": 1900,
}


def storefront_files(prompt: str = PROMPT) -> dict[str, str]:
    plan = [section.name for section in templates.plan_for(prompt)]
    components = {name: templates.write_section(name, prompt, plan) for name in plan}
    return shadow.assemble(components, plan, title="Ember")


STATIC_LISTING = {
    **LISTING,
    "title": "Fern & Fig Plant Shop",
    "summary": "A static storefront page for a plant shop: products, cart and discount codes.",
    "description": "# Fern & Fig\n\nOne index.html with products.js and cart.js.",
    "technologies": ["html", "css", "javascript"],
}


def static_storefront_files() -> dict[str, str]:
    """The seeded plant shop template: index.html with inline CSS, products.js and cart.js."""
    return {path.name: path.read_text() for path in sorted(STATIC_SEED.iterdir())}

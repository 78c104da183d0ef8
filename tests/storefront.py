"""A React storefront template as a builder-made listing ships it (the files "Sell this" lists),
written by the offline model's own section templates: the listing the variation tests remix."""

from __future__ import annotations

from vibecoder.builder import shadow
from vibecoder.builder.llm.scripted import templates

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

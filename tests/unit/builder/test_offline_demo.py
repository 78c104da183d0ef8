"""The offline demo model reads like the prompt: the business, its kind, the sections named."""

from __future__ import annotations

import re

import pytest

from vibecoder.builder import shadow
from vibecoder.builder.llm.scripted.templates import plan_for, write_section

BIKE = (
    "A full page for a bike repair shop called Spoke & Chain with services, team, booking, "
    "location and opening hours, and a FAQ"
)


def build(prompt):
    names = [s.name for s in plan_for(prompt)]
    return names, {n: write_section(n, prompt, names) for n in names}


def test_a_bike_repair_shop_gets_its_name_and_the_sections_it_asked_for():
    names, code = build(BIKE)
    assert names == [
        "Navbar",
        "Hero",
        "Services",
        "Team",
        "FAQ",
        "Booking",
        "Location",
        "Footer",
    ]
    page = "\n".join(code.values())
    assert page.count("Spoke & Chain") >= 4  # navbar, hero, team, booking, location, footer
    assert "Tune-up" in code["Services"] and "Wheel truing" in code["Services"]
    assert "Book a repair" in code["Hero"] and "Shop now" not in page
    assert "Opening hours" in code["Location"]
    assert "Head mechanic" in code["Team"]


@pytest.mark.parametrize(
    ("prompt", "offer", "brand", "item"),
    [
        ("A website for a bike repair shop called Spoke & Chain", "Services", "Spoke", "Tune-up"),
        ("A page for a trattoria named Casa Lume with a menu", "Menu", "Casa Lume", "Cacio e Pepe"),
        ("A landing page for a barber called Sharp & Co", "Services", "Sharp & Co", "Beard trim"),
    ],
)
def test_service_businesses_get_their_offer_not_a_product_grid(prompt, offer, brand, item):
    names, code = build(prompt)
    assert offer in names and "ProductGrid" not in names
    assert brand in code["Navbar"] and item in code[offer]


def test_no_section_starts_invisible():
    """`whileInView` with opacity 0 left sections blank in full-page screenshots."""
    names, code = build(BIKE)
    for name, text in code.items():
        assert "whileInView" not in text, name
        for data in re.findall(r"const [A-Z]+ = (\[.*?\]);", text):
            assert data != "[]", name


def test_the_bike_page_bundles_and_renders_with_content():
    names, code = build(BIKE)
    result = shadow.validate(shadow.assemble(code, names, title="Spoke & Chain"), title="x")
    assert result.ok, result.as_dict()
    assert result.render.text_chars > 800
    assert ".bg-orange-600" in result.css

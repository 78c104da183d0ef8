# ruff: noqa: E501 - JSX templates keep their lines as a developer would write them
"""What the offline model reads from a prompt: business kind (theme), brand name, palette, tone.

`Brief.from_prompt` reads the subject, brand name, palette and tone from the user's words; the
section templates (templates.py) take their copy and colours from that brief.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

COLORS = {
    "amber": "amber",
    "orange": "orange",
    "red": "red",
    "rose": "rose",
    "pink": "pink",
    "purple": "purple",
    "violet": "violet",
    "indigo": "indigo",
    "blue": "blue",
    "sky": "sky",
    "teal": "teal",
    "green": "emerald",
    "emerald": "emerald",
    "lime": "lime",
    "yellow": "yellow",
    "gold": "amber",
    "brown": "stone",
    "earthy": "stone",
    "slate": "slate",
    "gray": "slate",
    "grey": "slate",
    "black": "zinc",
    "monochrome": "zinc",
    "pastel": "pink",
}


@dataclass(frozen=True)
class Theme:
    key: str
    words: tuple[str, ...]
    color: str
    icon: str
    noun: str  # what the business sells, plural
    items: tuple[str, ...]
    features: tuple[tuple[str, str, str], ...]  # (icon, title, text)
    # "shop" sells products; "service" and "food" businesses get services/menu sections and
    # a booking call to action instead of a product grid.
    kind: str = "shop"
    offers: tuple[tuple[str, str, int], ...] = ()  # (name, detail, price) of services or dishes
    cta: str = "Shop now"
    team: tuple[tuple[str, str], ...] = ()  # (name, role)


BASE_THEMES: tuple[Theme, ...] = (
    Theme(
        "coffee",
        ("coffee", "espresso", "roaster", "cafe", "café", "beans", "barista"),
        "amber",
        "Coffee",
        "coffees",
        ("Ethiopia Yirgacheffe", "Colombia Huila", "House Espresso", "Decaf Swiss Water"),
        (
            ("Truck", "Roasted to order", "Beans leave the roaster within 48 hours."),
            ("Leaf", "Direct trade", "We pay farmers well above fair-trade prices."),
            ("Award", "Cupped daily", "Every batch is tasted before it ships."),
        ),
    ),
    Theme(
        "tea",
        ("tea", "matcha", "chai", "oolong"),
        "emerald",
        "Leaf",
        "teas",
        ("Ceremonial Matcha", "Darjeeling First Flush", "Masala Chai", "Jasmine Pearls"),
        (
            ("Leaf", "Single estate", "Traceable leaves from small gardens."),
            ("Package", "Fresh tins", "Packed in light-proof tins to keep the aroma."),
            ("Heart", "Steep guides", "Every tea comes with its brewing notes."),
        ),
    ),
    Theme(
        "plants",
        ("plant", "plants", "garden", "flower", "flowers", "florist", "succulent", "botanical"),
        "emerald",
        "Flower2",
        "plants",
        ("Monstera Deliciosa", "Fiddle Leaf Fig", "Snake Plant", "Pothos Golden"),
        (
            ("Truck", "Safe delivery", "Plants arrive potted, watered and wrapped."),
            ("ShieldCheck", "30-day guarantee", "If it wilts, we replace it."),
            ("Leaf", "Care coaching", "Our botanists answer every question."),
        ),
    ),
    Theme(
        "fashion",
        ("fashion", "clothing", "clothes", "apparel", "boutique", "shirts", "sneakers", "shoes"),
        "rose",
        "Shirt",
        "pieces",
        ("Linen Overshirt", "Everyday Tee", "Relaxed Chinos", "Wool Beanie"),
        (
            ("Sparkles", "Small batches", "Limited runs, never mass-produced."),
            ("Truck", "Free returns", "Thirty days to change your mind."),
            ("Leaf", "Natural fibres", "Organic cotton, linen and merino."),
        ),
    ),
    Theme(
        "books",
        ("book", "books", "bookstore", "bookshop", "library", "novels"),
        "orange",
        "BookOpen",
        "books",
        ("The Quiet Orchard", "Maps of Salt", "A Year of Bread", "Night Trains"),
        (
            ("Heart", "Staff picks", "Handpicked by booksellers who read everything."),
            ("Package", "Gift wrapping", "Every order wrapped by hand, for free."),
            ("Globe", "Indie press", "Small publishers from around the world."),
        ),
    ),
    Theme(
        "bakery",
        ("bakery", "bread", "pastry", "pastries", "cakes", "croissant", "patisserie"),
        "amber",
        "Croissant",
        "bakes",
        ("Sourdough Loaf", "Butter Croissant", "Cardamom Bun", "Lemon Tart"),
        (
            ("Clock", "Baked at dawn", "Everything out of the oven by 7am."),
            ("Leaf", "Stone-milled flour", "Heritage grains from local mills."),
            ("Heart", "No shortcuts", "Long fermentation, real butter."),
        ),
    ),
    Theme(
        "fitness",
        ("fitness", "gym", "yoga", "workout", "training", "pilates", "studio"),
        "sky",
        "Dumbbell",
        "classes",
        ("Morning Flow", "Strength Basics", "HIIT 30", "Mobility Reset"),
        (
            ("Zap", "Real coaching", "Small groups so every form gets checked."),
            ("Clock", "Flexible times", "Classes from 6am to 9pm, every day."),
            ("Award", "Certified trainers", "Every coach holds a national certification."),
        ),
    ),
    Theme(
        "jewelry",
        ("jewelry", "jewellery", "rings", "necklace", "earrings", "gold"),
        "violet",
        "Gem",
        "pieces",
        ("Signet Ring", "Pearl Drop Earrings", "Fine Chain Necklace", "Stacking Band"),
        (
            ("Gem", "Recycled gold", "Every piece cast from recycled metal."),
            ("ShieldCheck", "Lifetime care", "Free polishing and resizing, forever."),
            ("Package", "Gift ready", "Arrives in a linen pouch and keepsake box."),
        ),
    ),
    Theme(
        "software",
        ("saas", "software", "app", "startup", "platform", "api", "developer", "ai", "tool"),
        "indigo",
        "Cpu",
        "plans",
        ("Starter", "Team", "Business", "Enterprise"),
        (
            ("Zap", "Fast by default", "Sub-second responses on every page."),
            ("ShieldCheck", "Secure", "SSO, audit logs and encryption at rest."),
            ("Globe", "Works everywhere", "Web, desktop and mobile, always in sync."),
        ),
    ),
    Theme(
        "music",
        ("music", "band", "vinyl", "records", "concert", "festival"),
        "purple",
        "Music",
        "records",
        ("Live at the Harbour", "Slow Summer EP", "Tour Poster", "Signed Vinyl"),
        (
            ("Music", "Pressed on vinyl", "180g records, mastered for analogue."),
            ("Truck", "Ships worldwide", "Tracked shipping to 60 countries."),
            ("Heart", "Fan first", "Pre-sale access for every subscriber."),
        ),
    ),
    Theme(
        "photography",
        ("photo", "photography", "photographer", "portfolio", "studio", "art", "artist"),
        "slate",
        "Camera",
        "prints",
        ("Coastline at Dawn", "City Rain", "Desert Lines", "Winter Pines"),
        (
            ("Camera", "Archival prints", "Giclée on cotton rag, signed and numbered."),
            ("Package", "Framed to order", "Oak or black frames, ready to hang."),
            ("Globe", "Licensing", "Editorial and commercial licences available."),
        ),
    ),
)
SERVICE_THEMES = (
    Theme(
        "bike",
        ("bike", "bikes", "bicycle", "bicycles", "cycling", "cycle", "cyclists", "ebike"),
        "orange",
        "Bike",
        "repairs",
        ("Tune-up", "Flat repair", "Wheel truing", "Full overhaul"),
        (
            ("Wrench", "Same-day fixes", "Most repairs are ready by closing time."),
            ("ShieldCheck", "90-day guarantee", "If our fix fails, the next one is free."),
            ("Bike", "Every kind of bike", "Road, gravel, cargo, e-bikes and kids' bikes."),
        ),
        kind="service",
        offers=(
            ("Tune-up", "Gears and brakes adjusted, chain cleaned, safety check", 45),
            ("Flat repair", "Tube or tubeless, fixed while you wait", 15),
            ("Wheel truing", "Spokes re-tensioned until the rim runs true", 30),
            ("Full overhaul", "Stripped, cleaned, greased and rebuilt", 149),
        ),
        cta="Book a repair",
        team=(
            ("Maya Ortiz", "Head mechanic"),
            ("Sam Lee", "Wheel builder"),
            ("Jo Park", "Front desk"),
        ),
    ),
    Theme(
        "restaurant",
        (
            "restaurant",
            "bistro",
            "trattoria",
            "pizzeria",
            "diner",
            "eatery",
            "ramen",
            "tacos",
            "brasserie",
        ),
        "red",
        "UtensilsCrossed",
        "dishes",
        ("Wood-fired Margherita", "Cacio e Pepe", "Burrata & Tomatoes", "Tiramisu"),
        (
            ("Leaf", "Local produce", "Vegetables from farms within 50 km."),
            ("Clock", "Open late", "The kitchen serves until 11 pm."),
            ("Heart", "Made from scratch", "Pasta and bread made every morning."),
        ),
        kind="food",
        offers=(
            ("Wood-fired Margherita", "San Marzano tomatoes, fior di latte, basil", 14),
            ("Cacio e Pepe", "Fresh tonnarelli, pecorino romano, black pepper", 16),
            ("Burrata & Tomatoes", "Heirloom tomatoes, olive oil, sourdough", 12),
            ("Tiramisu", "Mascarpone, espresso, cocoa", 8),
        ),
        cta="Reserve a table",
        team=(("Giulia Rossi", "Head chef"), ("Marco Bianchi", "Pizzaiolo"), ("Ana Silva", "Host")),
    ),
    Theme(
        "salon",
        ("salon", "barber", "barbershop", "hairdresser", "hair", "nails", "spa"),
        "pink",
        "Scissors",
        "treatments",
        ("Cut & finish", "Colour", "Beard trim", "Blow-dry"),
        (
            ("Sparkles", "Senior stylists", "Every stylist has ten years behind the chair."),
            ("Leaf", "Gentle products", "Vegan colour and cruelty-free care."),
            ("Clock", "Evening slots", "Open until 8 pm on weekdays."),
        ),
        kind="service",
        offers=(
            ("Cut & finish", "Consultation, wash, cut and style", 55),
            ("Colour", "Full colour or roots, with gloss", 85),
            ("Beard trim", "Shape, line-up and hot towel", 25),
            ("Blow-dry", "Wash and blow-dry to finish", 35),
        ),
        cta="Book an appointment",
        team=(
            ("Lena Fox", "Creative director"),
            ("Omar Haddad", "Barber"),
            ("Kim Tran", "Colourist"),
        ),
    ),
)
THEMES: tuple[Theme, ...] = BASE_THEMES + SERVICE_THEMES
DEFAULT_THEME = Theme(
    "shop",
    (),
    "indigo",
    "ShoppingBag",
    "products",
    ("Signature Item", "Everyday Essential", "Limited Edition", "Gift Set"),
    (
        ("Truck", "Fast shipping", "Orders leave within one business day."),
        ("ShieldCheck", "Secure checkout", "Payments handled by a trusted processor."),
        ("Heart", "Made with care", "Every order is checked by hand."),
    ),
)


@dataclass(frozen=True)
class Brief:
    brand: str
    subject: str
    theme: Theme
    color: str
    dark: bool

    @classmethod
    def from_prompt(cls, prompt: str) -> Brief:
        lowered = prompt.lower()
        words = set(re.findall(r"[a-zà-ÿ]+", lowered))
        # The theme whose trigger word appears first in the prompt wins.
        best: tuple[int, Theme] | None = None
        for theme in THEMES:
            for word in theme.words:
                if word in words:
                    position = lowered.find(word)
                    if best is None or position < best[0]:
                        best = (position, theme)
        theme = best[1] if best else DEFAULT_THEME
        color = theme.color
        for word in re.findall(r"[a-z]+", lowered):
            if word in COLORS:
                color = COLORS[word]
                break
        dark = bool(words & {"dark", "night", "black", "moody"})
        named = re.search(
            r"\b(?:called|named|brand(?:ed)?|for)\s+[\"“']?([A-Z][\w'’-]*(?:\s+(?:(?:&|and|of|the)\s+)?[A-Z][\w&'’-]*){0,3})",
            prompt,
        )
        subject_match = re.search(
            r"\bfor\s+(?:a|an|my|our|the)\s+([a-z][a-z\s-]{2,40}?)(?:[,.;]|\s+(?:with|called|named|that|in|and)\b|$)",
            lowered,
        )
        subject = subject_match.group(1).strip() if subject_match else theme.key
        brand = named.group(1).strip() if named else _brand_for(theme)
        return cls(brand=brand[:40], subject=subject[:60], theme=theme, color=color, dark=dark)

    @property
    def surface(self) -> str:
        return "bg-zinc-950 text-zinc-100" if self.dark else "bg-white text-zinc-900"

    @property
    def muted(self) -> str:
        return "text-zinc-400" if self.dark else "text-zinc-600"

    @property
    def card(self) -> str:
        return "bg-zinc-900 border-zinc-800" if self.dark else "bg-white border-zinc-200"


def retheme_request(message: str) -> bool:
    """A change that moves the page to another business the offline model knows ("the same
    page for a flower shop"): every section is written again from that business's template."""
    if not re.search(r"\bfor (?:a|an|my|our)\b", message.lower()):
        return False
    return Brief.from_prompt(message).theme is not DEFAULT_THEME


def _brand_for(theme: Theme) -> str:
    return {
        "coffee": "Ember Roasters",
        "tea": "Leaf & Kettle",
        "plants": "Greenhouse Co.",
        "fashion": "Northline",
        "books": "Paper Lantern",
        "bakery": "Rise Bakery",
        "fitness": "Pulse Studio",
        "jewelry": "Aurum",
        "software": "Launchpad",
        "bike": "Spoke & Chain",
        "restaurant": "Casa Lume",
        "salon": "Studio Nine",
        "music": "Low Tide",
        "photography": "Field Notes",
    }.get(theme.key, "Corner Shop")


def js(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)

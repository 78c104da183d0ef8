# ruff: noqa: E501 - JSX templates keep their lines as a developer would write them
"""Real storefront/landing sections for the offline scripted model, adapted to the prompt.

Each section writer returns a complete React 18 component (Tailwind classes, framer-motion,
lucide-react icons) whose copy and colours come from the prompt's `Brief` (themes.py). Data goes
into the JSX as JSON literals, so any copy the user typed is escaped correctly. Which sections a
prompt names is production knowledge and lives in planning (SECTION_KEYWORDS).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from vibecoder.builder.llm.scripted.service_templates import (
    booking,
    location,
    menu,
    services,
    team,
)
from vibecoder.builder.llm.scripted.themes import Brief, js
from vibecoder.builder.planning import SECTION_KEYWORDS, sections_named_in

# --- section writers ---------------------------------------------------------------------------


def navbar(b: Brief, links: list[str]) -> str:
    return f"""import {{ useState }} from "react";
import {{ Menu, X, {b.theme.icon} }} from "lucide-react";

const LINKS = {js(links)};

export default function Navbar({{ brand = {js(b.brand)}, links = LINKS }}) {{
  const [open, setOpen] = useState(false);
  return (
    <header className="sticky top-0 z-40 border-b {b.card} backdrop-blur">
      <nav className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4">
        <a href="#top" className="flex items-center gap-2 text-lg font-bold">
          <{b.theme.icon} className="h-6 w-6 text-{b.color}-500" aria-hidden="true" />
          {{brand}}
        </a>
        <ul className="hidden gap-8 md:flex">
          {{links.map((link) => (
            <li key={{link}}>
              <a href={{`#${{link.toLowerCase()}}`}} className="{b.muted} hover:text-{b.color}-500">
                {{link}}
              </a>
            </li>
          ))}}
        </ul>
        <button
          type="button"
          className="md:hidden"
          aria-label={{open ? "Close menu" : "Open menu"}}
          onClick={{() => setOpen(!open)}}
        >
          {{open ? <X className="h-6 w-6" /> : <Menu className="h-6 w-6" />}}
        </button>
      </nav>
      {{open && (
        <ul className="space-y-2 px-6 pb-4 md:hidden">
          {{links.map((link) => (
            <li key={{link}}>
              <a href={{`#${{link.toLowerCase()}}`}} onClick={{() => setOpen(false)}}>
                {{link}}
              </a>
            </li>
          ))}}
        </ul>
      )}}
    </header>
  );
}}
"""


def hero(b: Brief, links: list[str]) -> str:
    if b.theme.kind == "shop":
        title = f"{b.brand}: {b.theme.noun} worth talking about"
        subtitle = (
            f"Everything we make for {b.subject} lovers, chosen with care and delivered fast."
        )
        badge = "New season"
    else:
        title = f"{b.brand}: {b.theme.noun} done right"
        subtitle = (
            f"{b.subject.capitalize()} with fair prices, friendly people and no waiting around."
        )
        badge = b.theme.features[0][1] if b.theme.features else "Open today"
    cta = b.theme.cta
    return f"""import {{ motion }} from "framer-motion";
import {{ ArrowRight, {b.theme.icon} }} from "lucide-react";

export default function Hero({{
  title = {js(title)},
  subtitle = {js(subtitle)},
  cta = {js(cta)},
}}) {{
  return (
    <section id="top" className="relative overflow-hidden {b.surface}">
      <div className="mx-auto grid max-w-6xl items-center gap-12 px-6 py-24 md:grid-cols-2">
        <motion.div initial={{{{ opacity: 0, y: 24 }}}} animate={{{{ opacity: 1, y: 0 }}}} transition={{{{ duration: 0.6 }}}}>
          <span className="inline-flex items-center gap-2 rounded-full bg-{b.color}-100 px-3 py-1 text-sm font-medium text-{b.color}-800">
            <{b.theme.icon} className="h-4 w-4" aria-hidden="true" /> {badge}
          </span>
          <h1 className="mt-6 text-4xl font-extrabold tracking-tight md:text-6xl">{{title}}</h1>
          <p className="mt-6 text-lg {b.muted}">{{subtitle}}</p>
          <a
            href="#{(links[1] if len(links) > 1 else "top").lower()}"
            className="mt-8 inline-flex items-center gap-2 rounded-lg bg-{b.color}-600 px-6 py-3 font-semibold text-white hover:bg-{b.color}-700"
          >
            {{cta}} <ArrowRight className="h-5 w-5" aria-hidden="true" />
          </a>
        </motion.div>
        <motion.div
          initial={{{{ opacity: 0, scale: 0.95 }}}}
          animate={{{{ opacity: 1, scale: 1 }}}}
          transition={{{{ duration: 0.6, delay: 0.1 }}}}
          className="aspect-square rounded-3xl bg-gradient-to-br from-{b.color}-400 to-{b.color}-700 shadow-2xl"
          aria-hidden="true"
        />
      </div>
    </section>
  );
}}
"""


def product_grid(b: Brief, links: list[str]) -> str:
    products = [
        {"id": i + 1, "name": name, "price": 12 + i * 7, "rating": 4 + (i % 2) * 0.5}
        for i, name in enumerate(b.theme.items)
    ]
    return f"""import {{ useState }} from "react";
import {{ motion }} from "framer-motion";
import {{ ShoppingCart, Star, {b.theme.icon} }} from "lucide-react";

const PRODUCTS = {js(products)};

export default function ProductGrid({{ products = PRODUCTS, onAddToCart }}) {{
  const [added, setAdded] = useState([]);
  const add = (product) => {{
    setAdded((ids) => [...ids, product.id]);
    if (onAddToCart) onAddToCart(product);
  }};
  return (
    <section id="shop" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-3xl font-bold">Our {b.theme.noun}</h2>
        <p className="mt-2 {b.muted}">Bestsellers from {js(b.brand)[1:-1]}.</p>
        <div className="mt-10 grid gap-6 sm:grid-cols-2 lg:grid-cols-4">
          {{products.map((product, index) => (
            <motion.article
              key={{product.id}}
              initial={{{{ opacity: 0, y: 16 }}}}
              animate={{{{ opacity: 1, y: 0 }}}}
              transition={{{{ delay: index * 0.05 }}}}
              className="flex flex-col rounded-2xl border {b.card} p-5 shadow-sm"
            >
              <div className="flex aspect-square items-center justify-center rounded-xl bg-{b.color}-50">
                <{b.theme.icon} className="h-12 w-12 text-{b.color}-600" aria-hidden="true" />
              </div>
              <h3 className="mt-4 font-semibold">{{product.name}}</h3>
              <div className="mt-1 flex items-center gap-1 text-sm {b.muted}">
                <Star className="h-4 w-4 fill-{b.color}-400 text-{b.color}-400" aria-hidden="true" />
                {{product.rating.toFixed(1)}}
              </div>
              <div className="mt-auto flex items-center justify-between pt-4">
                <span className="text-lg font-bold">${{product.price}}</span>
                <button
                  type="button"
                  onClick={{() => add(product)}}
                  className="inline-flex items-center gap-1 rounded-lg bg-{b.color}-600 px-3 py-2 text-sm font-medium text-white hover:bg-{b.color}-700"
                >
                  <ShoppingCart className="h-4 w-4" aria-hidden="true" />
                  {{added.includes(product.id) ? "Added" : "Add"}}
                </button>
              </div>
            </motion.article>
          ))}}
        </div>
      </div>
    </section>
  );
}}
"""


def features(b: Brief, links: list[str]) -> str:
    icons = sorted({icon for icon, _, _ in b.theme.features})
    items = [{"icon": icon, "title": title, "text": text} for icon, title, text in b.theme.features]
    return f"""import {{ motion }} from "framer-motion";
import {{ {", ".join(icons)} }} from "lucide-react";

const ICONS = {{ {", ".join(icons)} }};
const FEATURES = {js(items)};

export default function Features({{ features = FEATURES }}) {{
  return (
    <section id="features" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-center text-3xl font-bold">Why {js(b.brand)[1:-1]}</h2>
        <div className="mt-12 grid gap-8 md:grid-cols-3">
          {{features.map((feature, index) => {{
            const Icon = ICONS[feature.icon] || ICONS[{js(icons[0])}];
            return (
              <motion.div
                key={{feature.title}}
                initial={{{{ opacity: 0, y: 12 }}}}
                animate={{{{ opacity: 1, y: 0 }}}}
                transition={{{{ delay: index * 0.1 }}}}
                className="rounded-2xl border {b.card} p-6"
              >
                <Icon className="h-8 w-8 text-{b.color}-500" aria-hidden="true" />
                <h3 className="mt-4 text-lg font-semibold">{{feature.title}}</h3>
                <p className="mt-2 {b.muted}">{{feature.text}}</p>
              </motion.div>
            );
          }})}}
        </div>
      </div>
    </section>
  );
}}
"""


def testimonials(b: Brief, links: list[str]) -> str:
    quotes = [
        {
            "name": "Maya R.",
            "text": f"The best {b.theme.noun} I have bought online. Fast and lovely.",
        },
        {"name": "Jonas K.", "text": f"{b.brand} gets every detail right. I keep coming back."},
        {"name": "Priya S.", "text": "Friendly people, beautiful packaging, five stars."},
    ]
    return f"""import {{ Quote, Star }} from "lucide-react";

const QUOTES = {js(quotes)};

export default function Testimonials({{ quotes = QUOTES }}) {{
  return (
    <section id="reviews" className="bg-{b.color}-50 py-20 text-zinc-900">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-center text-3xl font-bold">What customers say</h2>
        <div className="mt-12 grid gap-6 md:grid-cols-3">
          {{quotes.map((quote) => (
            <figure key={{quote.name}} className="rounded-2xl bg-white p-6 shadow-sm">
              <Quote className="h-6 w-6 text-{b.color}-500" aria-hidden="true" />
              <blockquote className="mt-4 text-zinc-700">{{quote.text}}</blockquote>
              <figcaption className="mt-4 flex items-center justify-between font-semibold">
                {{quote.name}}
                <span className="flex" aria-label="5 stars">
                  {{[0, 1, 2, 3, 4].map((n) => (
                    <Star key={{n}} className="h-4 w-4 fill-{b.color}-400 text-{b.color}-400" />
                  ))}}
                </span>
              </figcaption>
            </figure>
          ))}}
        </div>
      </div>
    </section>
  );
}}
"""


def pricing(b: Brief, links: list[str]) -> str:
    tiers = [
        {"name": "Starter", "price": 9, "perks": ["Monthly delivery", "Member prices"]},
        {
            "name": "Plus",
            "price": 19,
            "perks": ["Fortnightly delivery", "Free shipping", "Early access"],
            "featured": True,
        },
        {"name": "Pro", "price": 39, "perks": ["Weekly delivery", "Free shipping", "Concierge"]},
    ]
    return f"""import {{ Check }} from "lucide-react";

const TIERS = {js(tiers)};

export default function Pricing({{ tiers = TIERS, onChoose }}) {{
  return (
    <section id="pricing" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-center text-3xl font-bold">Simple pricing</h2>
        <div className="mt-12 grid gap-6 md:grid-cols-3">
          {{tiers.map((tier) => (
            <div
              key={{tier.name}}
              className={{`rounded-2xl border p-8 ${{tier.featured ? "border-{b.color}-500 ring-2 ring-{b.color}-500" : "{b.card}"}}`}}
            >
              <h3 className="text-lg font-semibold">{{tier.name}}</h3>
              <p className="mt-4 text-4xl font-extrabold">
                ${{tier.price}}<span className="text-base font-normal {b.muted}">/mo</span>
              </p>
              <ul className="mt-6 space-y-2">
                {{tier.perks.map((perk) => (
                  <li key={{perk}} className="flex items-center gap-2">
                    <Check className="h-4 w-4 text-{b.color}-500" aria-hidden="true" /> {{perk}}
                  </li>
                ))}}
              </ul>
              <button
                type="button"
                onClick={{() => onChoose && onChoose(tier)}}
                className="mt-8 w-full rounded-lg bg-{b.color}-600 py-2 font-semibold text-white hover:bg-{b.color}-700"
              >
                Choose {{tier.name}}
              </button>
            </div>
          ))}}
        </div>
      </div>
    </section>
  );
}}
"""


def faq(b: Brief, links: list[str]) -> str:
    items = [
        {"q": "How fast do you ship?", "a": "Orders placed before noon leave the same day."},
        {"q": "Can I return an order?", "a": "Yes, within 30 days, no questions asked."},
        {
            "q": f"Where do your {b.theme.noun} come from?",
            "a": "From small makers we know by name.",
        },
        {"q": "Do you ship abroad?", "a": "We ship to most of Europe and North America."},
    ]
    return f"""import {{ useState }} from "react";
import {{ AnimatePresence, motion }} from "framer-motion";
import {{ ChevronDown }} from "lucide-react";

const ITEMS = {js(items)};

export default function FAQ({{ items = ITEMS }}) {{
  const [open, setOpen] = useState(0);
  return (
    <section id="faq" className="{b.surface} py-20">
      <div className="mx-auto max-w-3xl px-6">
        <h2 className="text-center text-3xl font-bold">Questions, answered</h2>
        <div className="mt-10 divide-y divide-zinc-200">
          {{items.map((item, index) => (
            <div key={{item.q}} className="py-4">
              <button
                type="button"
                className="flex w-full items-center justify-between text-left font-semibold"
                aria-expanded={{open === index}}
                onClick={{() => setOpen(open === index ? -1 : index)}}
              >
                {{item.q}}
                <ChevronDown className={{`h-5 w-5 transition ${{open === index ? "rotate-180" : ""}}`}} />
              </button>
              <AnimatePresence initial={{false}}>
                {{open === index && (
                  <motion.p
                    initial={{{{ height: 0, opacity: 0 }}}}
                    animate={{{{ height: "auto", opacity: 1 }}}}
                    exit={{{{ height: 0, opacity: 0 }}}}
                    className="mt-2 overflow-hidden {b.muted}"
                  >
                    {{item.a}}
                  </motion.p>
                )}}
              </AnimatePresence>
            </div>
          ))}}
        </div>
      </div>
    </section>
  );
}}
"""


def contact(b: Brief, links: list[str]) -> str:
    return f"""import {{ useState }} from "react";
import {{ Mail, MapPin, Phone, Send }} from "lucide-react";

export default function Contact({{ email = "hello@example.com", phone = "+1 555 0100", onSubmit }}) {{
  const [sent, setSent] = useState(false);
  const submit = (event) => {{
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget));
    if (onSubmit) onSubmit(data);
    setSent(true);
  }};
  return (
    <section id="contact" className="{b.surface} py-20">
      <div className="mx-auto grid max-w-6xl gap-12 px-6 md:grid-cols-2">
        <div>
          <h2 className="text-3xl font-bold">Get in touch</h2>
          <p className="mt-4 {b.muted}">Questions about {js(b.brand)[1:-1]}? We answer within a day.</p>
          <ul className="mt-8 space-y-3">
            <li className="flex items-center gap-3"><Mail className="h-5 w-5 text-{b.color}-500" /> {{email}}</li>
            <li className="flex items-center gap-3"><Phone className="h-5 w-5 text-{b.color}-500" /> {{phone}}</li>
            <li className="flex items-center gap-3"><MapPin className="h-5 w-5 text-{b.color}-500" /> Open Monday to Saturday</li>
          </ul>
        </div>
        {{sent ? (
          <p className="self-center rounded-2xl bg-{b.color}-50 p-6 font-semibold text-{b.color}-800">
            Thanks! We will reply soon.
          </p>
        ) : (
          <form onSubmit={{submit}} className="space-y-4">
            <input name="name" required placeholder="Your name" className="w-full rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
            <input name="email" type="email" required placeholder="you@example.com" className="w-full rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
            <textarea name="message" rows={{4}} required placeholder="How can we help?" className="w-full rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
            <button type="submit" className="inline-flex items-center gap-2 rounded-lg bg-{b.color}-600 px-6 py-3 font-semibold text-white">
              <Send className="h-4 w-4" aria-hidden="true" /> Send message
            </button>
          </form>
        )}}
      </div>
    </section>
  );
}}
"""


def gallery(b: Brief, links: list[str]) -> str:
    tiles = [{"id": i + 1, "caption": name} for i, name in enumerate(b.theme.items)]
    shades = [300, 400, 500, 600]
    return f"""import {{ useState }} from "react";
import {{ motion }} from "framer-motion";
import {{ Camera, X }} from "lucide-react";

const TILES = {js(tiles)};
const SHADES = ["bg-{b.color}-{shades[0]}", "bg-{b.color}-{shades[1]}", "bg-{b.color}-{shades[2]}", "bg-{b.color}-{shades[3]}"];

export default function Gallery({{ tiles = TILES }}) {{
  const [active, setActive] = useState(null);
  return (
    <section id="gallery" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-3xl font-bold">Gallery</h2>
        <div className="mt-10 grid grid-cols-2 gap-4 md:grid-cols-4">
          {{tiles.map((tile, index) => (
            <motion.button
              key={{tile.id}}
              type="button"
              whileHover={{{{ scale: 1.03 }}}}
              onClick={{() => setActive(tile)}}
              className={{`flex aspect-[4/5] items-end rounded-2xl p-4 text-left text-white ${{SHADES[index % SHADES.length]}}`}}
            >
              <Camera className="mr-2 h-4 w-4" aria-hidden="true" />
              <span className="font-medium">{{tile.caption}}</span>
            </motion.button>
          ))}}
        </div>
      </div>
      {{active && (
        <div role="dialog" aria-label={{active.caption}} className="fixed inset-0 z-50 flex items-center justify-center bg-black/70 p-6">
          <div className="relative w-full max-w-lg rounded-2xl bg-white p-8 text-zinc-900">
            <button type="button" aria-label="Close" onClick={{() => setActive(null)}} className="absolute right-4 top-4">
              <X className="h-5 w-5" />
            </button>
            <h3 className="text-xl font-bold">{{active.caption}}</h3>
          </div>
        </div>
      )}}
    </section>
  );
}}
"""


def footer(b: Brief, links: list[str]) -> str:
    return f"""import {{ Instagram, Mail, Twitter, {b.theme.icon} }} from "lucide-react";

const LINKS = {js(links)};

export default function Footer({{ brand = {js(b.brand)}, links = LINKS }}) {{
  const year = new Date().getFullYear();
  return (
    <footer className="border-t {b.card} py-12">
      <div className="mx-auto flex max-w-6xl flex-col gap-8 px-6 md:flex-row md:justify-between">
        <div>
          <p className="flex items-center gap-2 text-lg font-bold">
            <{b.theme.icon} className="h-5 w-5 text-{b.color}-500" aria-hidden="true" /> {{brand}}
          </p>
          <p className="mt-2 text-sm {b.muted}">Made for {js(b.subject)[1:-1]} lovers.</p>
        </div>
        <nav className="flex flex-wrap gap-6 text-sm">
          {{links.map((link) => (
            <a key={{link}} href={{`#${{link.toLowerCase()}}`}} className="{b.muted} hover:text-{b.color}-500">
              {{link}}
            </a>
          ))}}
        </nav>
        <div className="flex gap-4">
          <a href="#top" aria-label="Instagram"><Instagram className="h-5 w-5" /></a>
          <a href="#top" aria-label="Twitter"><Twitter className="h-5 w-5" /></a>
          <a href="#contact" aria-label="Email"><Mail className="h-5 w-5" /></a>
        </div>
      </div>
      <p className="mt-8 text-center text-xs {b.muted}">© {{year}} {{brand}}. All rights reserved.</p>
    </footer>
  );
}}
"""


@dataclass(frozen=True)
class Section:
    name: str
    purpose: str
    link: str | None  # the navbar label pointing at this section's id
    write: Callable[[Brief, list[str]], str]

    @property
    def keywords(self) -> tuple[str, ...]:
        return SECTION_KEYWORDS[self.name]


_WRITERS = (
    Section("Navbar", "Sticky top bar with brand, section links and a mobile menu", None, navbar),
    Section("Hero", "Headline, subheading and call to action with a motion entrance", None, hero),
    Section(
        "ProductGrid",
        "Responsive grid of products with price, rating and add-to-cart",
        "Shop",
        product_grid,
    ),
    Section("Features", "Three selling points with icons", "Features", features),
    Section("Testimonials", "Customer quotes with star ratings", "Reviews", testimonials),
    Section(
        "Pricing", "Three subscription tiers with the middle one highlighted", "Pricing", pricing
    ),
    Section("FAQ", "Accordion of frequent questions", "FAQ", faq),
    Section("Contact", "Contact details and a message form", "Contact", contact),
    Section("Gallery", "Grid of images with a lightbox", "Gallery", gallery),
    Section("Footer", "Brand, links, social icons and copyright", None, footer),
    Section("Services", "Services with what they include and their price", "Services", services),
    Section("Menu", "Dishes with a short description and their price", "Menu", menu),
    Section("Team", "The people behind the business, with their roles", "Team", team),
    Section(
        "Booking", "A booking form: service, date and time, with confirmation", "Book", booking
    ),
    Section("Location", "Address, map and opening hours", "Visit", location),
)
# In page order: the order planning's keyword table lists the sections in.
SECTIONS: dict[str, Section] = {
    name: s for name in SECTION_KEYWORDS for s in _WRITERS if s.name == name
}


def plan_for(prompt: str) -> list[Section]:
    named = [n for n in sections_named_in(prompt) if n not in ("Navbar", "Hero", "Footer")]
    brief = Brief.from_prompt(prompt)
    if brief.theme.kind != "shop":
        # A repair shop or a restaurant sells no products: its offer is services or a menu.
        offer = "Menu" if brief.theme.kind == "food" else "Services"
        named = [offer if n == "ProductGrid" else n for n in named]
        named = list(dict.fromkeys(named))
    if not named:
        if brief.theme.kind == "food":
            named = ["Menu", "Booking"]
        elif brief.theme.kind == "service":
            named = ["Services", "Booking"]
        else:
            named = ["Features"] if brief.theme.key == "software" else ["ProductGrid"]
        if len(prompt.split()) > 12:
            named.append("Testimonials")
    named = sorted(named, key=list(SECTIONS).index)
    names = ["Navbar", "Hero", *named, "Footer"]
    return [SECTIONS[n] for n in names]


def write_section(name: str, prompt: str, plan_names: list[str]) -> str:
    brief = Brief.from_prompt(prompt)
    links = [SECTIONS[n].link for n in plan_names if n in SECTIONS and SECTIONS[n].link]
    section = SECTIONS.get(name)
    if section is None:
        return generic(name, brief)
    return section.write(brief, [link for link in links if link])


def generic(name: str, b: Brief) -> str:
    """A component the scripted model has no template for: a simple titled block."""
    title = re.sub(r"(?<!^)(?=[A-Z])", " ", name)
    return f"""import {{ motion }} from "framer-motion";

export default function {name}({{ title = {js(title)} }}) {{
  return (
    <section id={js(name.lower())} className="{b.surface} py-16">
      <motion.div initial={{{{ opacity: 0 }}}} animate={{{{ opacity: 1 }}}} className="mx-auto max-w-6xl px-6">
        <h2 className="text-3xl font-bold text-{b.color}-600">{{title}}</h2>
        <p className="mt-4 {b.muted}">{js(b.brand)[1:-1]}</p>
      </motion.div>
    </section>
  );
}}
"""

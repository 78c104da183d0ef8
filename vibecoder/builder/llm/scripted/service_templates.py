# ruff: noqa: E501 - JSX templates keep their lines as a developer would write them
"""Sections of a business that sells services or food: services, menu, team, booking, hours.

Same rules as templates.py: a complete React 18 component per section, copy from the prompt's
`Brief`, data as JSON literals. Every list has content: a section is never empty.
"""

from __future__ import annotations

from vibecoder.builder.llm.scripted.themes import Brief, js


def _offers(b: Brief) -> list[dict]:
    offers = b.theme.offers or tuple(
        (name, f"Our {b.theme.noun} favourite", 12 + i * 7) for i, name in enumerate(b.theme.items)
    )
    return [{"name": n, "detail": d, "price": p} for n, d, p in offers]


def services(b: Brief, links: list[str]) -> str:
    return f"""import {{ motion }} from "framer-motion";
import {{ {b.theme.icon}, Clock }} from "lucide-react";

const SERVICES = {js(_offers(b))};

export default function Services({{ services = SERVICES, title = {js(f"{b.theme.noun.capitalize()} at {b.brand}")} }}) {{
  return (
    <section id="services" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6">
        <h2 className="text-3xl font-bold">{{title}}</h2>
        <p className="mt-2 {b.muted}">Fixed prices, agreed before we start.</p>
        <div className="mt-10 grid gap-6 sm:grid-cols-2">
          {{services.map((service, index) => (
            <motion.article
              key={{service.name}}
              initial={{{{ opacity: 0, y: 16 }}}}
              animate={{{{ opacity: 1, y: 0 }}}}
              transition={{{{ delay: index * 0.05 }}}}
              className="flex items-start gap-4 rounded-2xl border p-6 {b.card}"
            >
              <{b.theme.icon} className="mt-1 h-6 w-6 shrink-0 text-{b.color}-500" aria-hidden="true" />
              <div className="flex-1">
                <div className="flex items-baseline justify-between gap-4">
                  <h3 className="text-lg font-semibold">{{service.name}}</h3>
                  <span className="font-bold text-{b.color}-600">${{service.price}}</span>
                </div>
                <p className="mt-1 text-sm {b.muted}">{{service.detail}}</p>
              </div>
            </motion.article>
          ))}}
        </div>
        <p className="mt-6 flex items-center gap-2 text-sm {b.muted}"><Clock className="h-4 w-4" aria-hidden="true" /> Most jobs are ready the same day.</p>
      </div>
    </section>
  );
}}
"""


def menu(b: Brief, links: list[str]) -> str:
    return f"""import {{ UtensilsCrossed }} from "lucide-react";

const DISHES = {js(_offers(b))};

export default function Menu({{ dishes = DISHES, title = "Our menu" }}) {{
  return (
    <section id="menu" className="{b.surface} py-20">
      <div className="mx-auto max-w-3xl px-6">
        <h2 className="flex items-center gap-3 text-3xl font-bold"><UtensilsCrossed className="h-7 w-7 text-{b.color}-500" aria-hidden="true" /> {{title}}</h2>
        <ul className="mt-8 divide-y divide-zinc-200">
          {{dishes.map((dish) => (
            <li key={{dish.name}} className="flex items-baseline justify-between gap-6 py-4">
              <div>
                <h3 className="font-semibold">{{dish.name}}</h3>
                <p className="text-sm {b.muted}">{{dish.detail}}</p>
              </div>
              <span className="font-bold text-{b.color}-600">${{dish.price}}</span>
            </li>
          ))}}
        </ul>
      </div>
    </section>
  );
}}
"""


def team(b: Brief, links: list[str]) -> str:
    people = b.theme.team or (
        ("Alex Morgan", "Founder"),
        ("Riley Chen", "Operations"),
        ("Sam Patel", "Customer care"),
    )
    members = [
        {"name": n, "role": r, "initials": "".join(w[0] for w in n.split()[:2])} for n, r in people
    ]
    return f"""const TEAM = {js(members)};

export default function Team({{ members = TEAM, title = {js(f"The people of {b.brand}")} }}) {{
  return (
    <section id="team" className="{b.surface} py-20">
      <div className="mx-auto max-w-6xl px-6 text-center">
        <h2 className="text-3xl font-bold">{{title}}</h2>
        <div className="mt-10 grid gap-8 sm:grid-cols-3">
          {{members.map((person) => (
            <div key={{person.name}} className="flex flex-col items-center">
              <div className="flex h-24 w-24 items-center justify-center rounded-full bg-{b.color}-100 text-2xl font-bold text-{b.color}-700" aria-hidden="true">
                {{person.initials}}
              </div>
              <h3 className="mt-4 font-semibold">{{person.name}}</h3>
              <p className="text-sm {b.muted}">{{person.role}}</p>
            </div>
          ))}}
        </div>
      </div>
    </section>
  );
}}
"""


def booking(b: Brief, links: list[str]) -> str:
    options = [o["name"] for o in _offers(b)]
    return f"""import {{ useState }} from "react";
import {{ CalendarDays }} from "lucide-react";

const OPTIONS = {js(options)};

export default function Booking({{ options = OPTIONS, onBook }}) {{
  const [booked, setBooked] = useState(null);
  const submit = (event) => {{
    event.preventDefault();
    const data = Object.fromEntries(new FormData(event.currentTarget));
    if (onBook) onBook(data);
    setBooked(data);
  }};
  return (
    <section id="booking" className="{b.surface} py-20">
      <div className="mx-auto max-w-xl px-6">
        <h2 className="flex items-center gap-3 text-3xl font-bold"><CalendarDays className="h-7 w-7 text-{b.color}-500" aria-hidden="true" /> {js(b.theme.cta)[1:-1]}</h2>
        {{booked ? (
          <p className="mt-8 rounded-2xl bg-{b.color}-50 p-6 font-semibold text-{b.color}-800">
            Booked: {{booked.service}} on {{booked.date}} at {{booked.time}}. See you at {js(b.brand)[1:-1]}!
          </p>
        ) : (
          <form onSubmit={{submit}} className="mt-8 space-y-4">
            <select name="service" className="w-full rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900">
              {{options.map((option) => <option key={{option}}>{{option}}</option>)}}
            </select>
            <div className="grid grid-cols-2 gap-4">
              <input name="date" type="date" required className="rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
              <input name="time" type="time" required className="rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
            </div>
            <input name="name" required placeholder="Your name" className="w-full rounded-lg border border-zinc-300 px-4 py-2 text-zinc-900" />
            <button type="submit" className="w-full rounded-lg bg-{b.color}-600 py-3 font-semibold text-white hover:bg-{b.color}-700">Confirm booking</button>
          </form>
        )}}
      </div>
    </section>
  );
}}
"""


def location(b: Brief, links: list[str]) -> str:
    hours = [
        {"days": "Monday – Friday", "time": "8:00 – 19:00"},
        {"days": "Saturday", "time": "9:00 – 17:00"},
        {"days": "Sunday", "time": "Closed"},
    ]
    return f"""import {{ Clock, MapPin }} from "lucide-react";

const HOURS = {js(hours)};

export default function Location({{ address = "12 Harbour Street", hours = HOURS }}) {{
  return (
    <section id="location" className="{b.surface} py-20">
      <div className="mx-auto grid max-w-6xl gap-10 px-6 md:grid-cols-2">
        <div>
          <h2 className="text-3xl font-bold">Find {js(b.brand)[1:-1]}</h2>
          <p className="mt-4 flex items-center gap-2 {b.muted}"><MapPin className="h-5 w-5 text-{b.color}-500" aria-hidden="true" /> {{address}}</p>
          <div className="mt-6 aspect-video rounded-2xl bg-gradient-to-br from-{b.color}-200 to-{b.color}-400" aria-label="Map" />
        </div>
        <div>
          <h3 className="flex items-center gap-2 text-xl font-semibold"><Clock className="h-5 w-5 text-{b.color}-500" aria-hidden="true" /> Opening hours</h3>
          <dl className="mt-4 divide-y divide-zinc-200">
            {{hours.map((row) => (
              <div key={{row.days}} className="flex justify-between py-3">
                <dt>{{row.days}}</dt>
                <dd className="font-semibold">{{row.time}}</dd>
              </div>
            ))}}
          </dl>
        </div>
      </div>
    </section>
  );
}}
"""

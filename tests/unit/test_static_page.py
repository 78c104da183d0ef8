"""A static page (index.html + its local scripts and styles) as builder components (issue 20):
the JSX means what the HTML meant, nothing in the markup runs code, the page's scripts run in
order once React has drawn it, and the seed storefront pages build and work in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vibecoder.builder import shadow
from vibecoder.builder.changes import change_plan, changeable
from vibecoder.builder.llm.base import Completion, Usage
from vibecoder.builder.prompts import MAX_COMPONENT_LINES
from vibecoder.builder.render import get_renderer, page_html
from vibecoder.builder.service.static_page import convert
from vibecoder.errors import ValidationFailed

SEEDS = Path(__file__).resolve().parents[2] / "vibecoder" / "seed_data" / "listings"
STOREFRONTS = sorted(p.name for p in SEEDS.glob("m-*") if p.name[2:4] in ("29", "30", "31", "32"))


def page(body: str, head: str = "", **files: str) -> dict[str, str]:
    html = f"<!doctype html><html><head><title>Shop</title>{head}</head><body>{body}</body></html>"
    return {"index.html": html, **files}


def test_attributes_become_reacts_and_styles_become_objects():
    converted = convert(
        page(
            '<form class="signup" id="join"><label for="email" tabindex="0">Email</label>'
            '<input id="email" type="email" value="you@example.com" required maxlength="40">'
            '<input type="checkbox" checked><br>'
            '<div style="background-color: red; --gap: 4px; -webkit-line-clamp: 2; '
            'background: url(a;b.png) !important" data-kind="x" aria-label="Box"></div>'
            '<svg viewBox="0 0 10 10"><path stroke-width="2" fill-rule="evenodd" d="M0 0"/></svg>'
            "</form>"
        )
    )
    join = converted.components["Join"]
    assert '<form className="signup" id="join">' in join
    assert '<label htmlFor="email" tabIndex="0">Email</label>' in join
    assert (
        '<input id="email" type="email" defaultValue="you@example.com" required maxLength="40" />'
        in join
    )
    assert '<input type="checkbox" defaultChecked />' in join and "<br />" in join
    assert (
        'style={{ backgroundColor: "red", "--gap": "4px", WebkitLineClamp: "2", '
        'background: "url(a;b.png)" }}' in join
    )
    assert 'data-kind="x" aria-label="Box"' in join
    assert '<svg viewBox="0 0 10 10">' in join
    assert '<path strokeWidth="2" fillRule="evenodd" d="M0 0" />' in join


def test_text_and_attribute_values_are_escaped_for_jsx():
    converted = convert(
        page(
            '<section id="about"><p title="say &quot;hi&quot; {now}">Price {total} &lt;b&gt; '
            "&amp; more</p><p>plain words</p><pre>  a {\n  b }</pre></section>"
        )
    )
    about = converted.components["About"]
    assert 'title={"say \\"hi\\" {now}"}' in about
    assert '{"Price {total} <b> & more"}' in about
    assert "<p>plain words</p>" in about
    assert '<pre>{"  a {\\n  b }"}</pre>' in about


def test_event_handlers_javascript_urls_scripts_and_comments_never_carry_over():
    converted = convert(
        page(
            '<main id="shop" onclick="steal()"><!-- secret note -->'
            '<a href=" JaVa\tScript:alert(1)" onmouseover="x()">Go</a>'
            '<a href="#ok">Ok</a><img src="javascript:alert(2)" alt="pic">'
            "<script>window.inMarkup = 1;</script></main>"
        )
    )
    shop = converted.components["Shop"]
    assert "onclick" not in shop.lower() and "onmouseover" not in shop.lower()
    assert "javascript" not in shop.lower() and "alert" not in shop
    assert "secret note" not in shop and "<script" not in shop
    assert '<a href="#ok">Ok</a>' in shop and '<img alt="pic" />' in shop
    # The inline script still runs: from PageScripts, never from the markup.
    assert "window.inMarkup = 1;" in converted.components["PageScripts"]


def test_scripts_keep_page_order_and_remote_ones_are_dropped():
    converted = convert(
        page(
            '<main><div id="products"></div></main>'
            '<script src="https://cdn.example.com/lib.js"></script>'
            '<script src="./js/b.js?v=2"></script><script>var third = 3;</script>'
            '<script type="application/json">{"data": 1}</script>',
            head='<script src="a.js"></script><link rel="stylesheet" href="site.css">',
            **{"a.js": "var first = 1;", "js/b.js": "var second = `${first}`;"},
            **{"site.css": "main { color: rgb(1, 2, 3); }"},
        )
    )
    assert converted.order == ["PageStyles", "Content", "PageScripts"]
    scripts = converted.components["PageScripts"]
    assert "in page order: a.js, js/b.js, inline script 1." in scripts
    assert scripts.index("var first") < scripts.index("var second") < scripts.index("var third")
    assert "cdn.example.com" not in scripts and '"data": 1' not in scripts
    assert "var second = \\`\\${first}\\`;" in scripts  # a template literal inside one
    assert "main { color: rgb(1, 2, 3); }" in converted.components["PageStyles"]


def test_names_follow_roles_and_are_unique_valid_identifiers():
    converted = convert(
        page(
            "<nav>Menu</nav><section class='hero-banner'>Hi</section><div class='card'>1</div>"
            "<div class='card'>2</div><div id='app'>3</div><main>4</main><section>5</section>"
            "<div class='9lives'>6</div><div id='map'>8</div><footer>7</footer>"
        )
    )
    assert converted.order == [
        "PageStyles",
        *("Navbar", "Hero", "Card", "Card2", "Block", "Content", "Section", "Block2"),
        *("MapSection", "Footer"),
    ]
    for name in converted.order:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", name)
        assert f"export default function {name}()" in converted.components[name]


def test_a_long_section_is_split_by_its_children_within_the_line_limit():
    items = "".join(f"<li><b>Item {i}</b> <i>note</i></li>" for i in range(120))
    converted = convert(page(f'<ul id="list" class="items">{items}</ul>'))
    names = converted.order[1:]
    assert names[:2] == ["List", "List2"] and len(names) >= 3
    for name in names:
        assert converted.components[name].count("\n") <= MAX_COMPONENT_LINES
    joined = "".join(converted.components[n] for n in names)
    assert all(f"Item {i}</b>" in joined for i in range(120))
    # The element is kept around each piece; its id, once.
    assert joined.count('id="list"') == 1 and joined.count('className="items"') == len(names)


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (page("<main>x</main><script>document.write('<p>hi</p>')</script>"), "document.write"),
        (page('<main>x</main><script type="module" src="a.js"></script>'), "module script"),
        (page("<main><template id='row'><p>x</p></template></main>"), "<template>"),
        (page("<!-- nothing -->"), "shows nothing"),
        ({"app.py": "print(1)"}, "no index.html"),
    ],
)
def test_pages_it_cannot_convert_are_refused_with_the_reason(files, reason):
    with pytest.raises(ValidationFailed) as refused:
        convert(files)
    assert refused.value.code == "static_page_unsupported"
    assert refused.value.message.startswith("This page cannot be varied: ")
    assert reason in refused.value.message


def test_a_change_that_does_not_name_the_page_runtime_leaves_it_alone():
    converted = convert(_seed_files(STOREFRONTS[1]))
    order, components = converted.order, converted.components
    assert changeable("The same page for a flower shop", order, components) == [
        "Header",
        "Shop",
        "Footer",
    ]
    assert "PageScripts" in changeable("Fix the pagescripts", order, components)

    def unusable_answer(_request):  # nothing usable: every changeable component is touched
        return Completion("no idea", "stop", Usage(1, 1))

    plan = change_plan(unusable_answer, "Make it warmer", order=order, components=components)
    assert plan.source == "everything"
    assert [i.name for i in plan.touch] == ["Header", "Shop", "Footer"]
    assert plan.order(order) == order


# --- the seed storefront pages, built and rendered -------------------------------------------


def _seed_files(name: str) -> dict[str, str]:
    return {p.name: p.read_text() for p in (SEEDS / name / "files").iterdir()}


def _shop_after_a_click(js: str, css: str) -> dict:
    """The page in the shadow renderer's Chromium: the cards the scripts drew, one click."""

    def job(browser) -> dict:
        context = browser.new_context()
        try:
            tab = context.new_page()
            tab.set_content(page_html(js, css, "Shop"), wait_until="load")
            tab.wait_for_function("document.querySelectorAll('#products .card').length > 0")
            tab.locator("#products button").first.click()
            return tab.evaluate(
                """() => ({
                  cards: document.querySelectorAll('#products .card').length,
                  summary: document.getElementById('cart-summary').textContent,
                  h1: getComputedStyle(document.querySelector('h1')).fontWeight,
                  nav: getComputedStyle(document.querySelector('nav')).display,
                  errors: window.__vcErrors.concat(window.__vcHandled),
                })"""
            )
        finally:
            context.close()

    return get_renderer().run(job, timeout=20, on_page_failure=lambda exc: {"failure": str(exc)})


@pytest.mark.parametrize("name", STOREFRONTS)
def test_seed_storefront_pages_build_and_their_scripts_fill_the_shop(name):
    files = _seed_files(name)
    converted = convert(files, title=name)
    assert converted.order == ["PageStyles", "Header", "Shop", "Footer", "PageScripts"]
    built = shadow.assemble(converted.components, converted.order, title=converted.title)
    verdict = shadow.validate(built, title=converted.title)
    assert verdict.ok, verdict.as_dict()
    shop = _shop_after_a_click(verdict.js, verdict.css)
    products = len(re.findall(r"\bid: \"", files["products.js"]))
    assert shop["cards"] == products >= 3, shop
    assert shop["summary"].startswith("1 item(s)"), shop
    # The page's CSS applies, over browser defaults (not Tailwind's preflight).
    assert shop["nav"] == "flex" and shop["h1"] == "700" and shop["errors"] == []


def test_a_failing_page_script_is_logged_while_a_failing_component_still_fails():
    files = _seed_files(STOREFRONTS[0])
    files["index.html"] = files["index.html"].replace('id="products"', 'id="elsewhere"')
    converted = convert(files)
    built = shadow.assemble(converted.components, converted.order, title="Shop")
    verdict = shadow.validate(built, title="Shop")
    # The static page would show with the script's error in the console, and so does this.
    assert verdict.ok, verdict.as_dict()
    assert any(e.startswith("cart.js: ") for e in verdict.render.console_errors)
    broken = {**converted.components, "Footer": converted.components["Footer"].replace(
        "return (", 'throw new Error("footer broke");\n  return ('
    )}  # fmt: skip
    verdict = shadow.validate(shadow.assemble(broken, converted.order, title="Shop"))
    assert not verdict.ok and "footer broke" in verdict.error

"""Shadow validation with the real toolchain: esbuild, Tailwind and one headless Chromium."""

from __future__ import annotations

import pytest

from vibecoder.builder import shadow
from vibecoder.builder.llm.scripted import inject_code_fault
from vibecoder.builder.llm.scripted import templates as sections

PROMPT = "A dark storefront for a jewelry shop called Aurum with every section"
NAMES = list(sections.SECTIONS)


@pytest.fixture(scope="module")
def components():
    return {n: sections.write_section(n, PROMPT, NAMES) for n in NAMES}


def files_with(components, **overrides):
    merged = {**components, **overrides}
    return shadow.assemble(merged, list(merged), title="Aurum")


def test_every_section_bundles_and_renders(components):
    result = shadow.validate(files_with(components), title="Aurum")
    assert result.ok, result.as_dict()
    assert result.render.elements > 100 and result.render.text_chars > 500
    assert "Aurum" in result.js and ".bg-violet-600" in result.css
    # Both bundlers agree: the warm one and the one-shot command-line tools.
    cold = shadow.bundle(files_with(components))
    assert cold.ok and ".bg-violet-600" in cold.css


@pytest.mark.parametrize(
    ("fault", "stage", "message"),
    [
        ("syntax", "bundle", "Unexpected"),
        ("bad_import", "bundle", 'Could not resolve "react-sparkle-field"'),
        ("throw", "render", "boom"),
    ],
)
def test_faults_fail_before_the_preview(components, fault, stage, message):
    broken = inject_code_fault(components["Pricing"], fault)
    result = shadow.validate(files_with(components, Pricing=broken), title="Aurum")
    assert not result.ok and result.stage == stage
    assert message in result.error, result.error
    if stage == "bundle":
        assert shadow.component_of_error(result.error, NAMES) == "Pricing"


def test_icon_that_does_not_exist_fails_the_render(components):
    # lucide-react re-exports its icons, so esbuild cannot prove the name missing; the render can.
    broken = components["Hero"].replace("ArrowRight,", "ArrowRightSparkle9,")
    result = shadow.validate(files_with(components, Hero=broken))
    assert not result.ok and result.stage == "render", result.as_dict()
    assert "ArrowRight" in result.error


def test_empty_render_and_unhandled_rejection_fail():
    empty = "export default function Blank() {\n  return null;\n}\n"
    result = shadow.validate(shadow.assemble({"Blank": empty}, ["Blank"], title="t"))
    assert not result.ok and "empty" in result.error
    rejecting = (
        'import { useEffect } from "react";\n'
        "export default function Late() {\n"
        '  useEffect(() => { Promise.reject(new Error("late failure")); }, []);\n'
        "  return <p>hello</p>;\n}\n"
    )
    result = shadow.validate(shadow.assemble({"Late": rejecting}, ["Late"], title="t"))
    assert not result.ok and "late failure" in result.error, result.error


def test_a_page_that_never_yields_is_the_codes_fault_not_the_renderers():
    # An endless loop after the first paint: the renderer must answer (a code error for a FIX),
    # not hang until its own time-out and be reported as a broken tool.
    spinning = (
        'import { useEffect } from "react";\n'
        "export default function Spin() {\n"
        "  useEffect(() => { setTimeout(() => { while (true) {} }, 0); }, []);\n"
        "  return <p>spinning</p>;\n}\n"
    )
    result = shadow.validate(shadow.assemble({"Spin": spinning}, ["Spin"], title="t"))
    assert not result.ok and result.stage == "render"
    assert "stopped responding" in result.error
    # The same browser renders the next candidate.
    fine = "export default function Fine() {\n  return <p>fine</p>;\n}\n"
    assert shadow.validate(shadow.assemble({"Fine": fine}, ["Fine"], title="t")).ok

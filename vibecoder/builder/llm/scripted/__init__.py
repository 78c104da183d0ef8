"""The offline scripted model: the demo every newcomer sees, and the oracle of the fault drills.

provider.py speaks the builder protocol; themes.py reads the business from the prompt;
templates.py writes the sections.
"""

from vibecoder.builder.llm.scripted.provider import (
    OFFLINE_LABEL,
    Fault,
    FaultPlan,
    ScriptedProvider,
    apply_edit,
    inject_code_fault,
)

__all__ = [
    "OFFLINE_LABEL",
    "Fault",
    "FaultPlan",
    "ScriptedProvider",
    "apply_edit",
    "inject_code_fault",
]

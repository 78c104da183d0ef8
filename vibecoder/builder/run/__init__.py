"""One agent run, split by job: its typed state (state.py), the metered model caller (meter.py),
the lifecycle around the phases (lifecycle.py), and the phases themselves: intent and plan
(plan_phase.py), one component step (step_phase.py), verify → fix (verify.py).

`vibecoder.builder.engine` is the entry point the Celery tasks and the CLI call.
"""

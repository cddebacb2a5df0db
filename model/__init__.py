"""cogov: agent-based simulation of urban community co-governance (共建共治共享).

Entry points: :class:`model.model.CoGovernanceModel` and :func:`model.runner.run_scenario`.
"""

from __future__ import annotations

__version__ = "0.1.0"

"""The model as the live view runs it.

``CoGovernanceModel`` itself fits SolaraViz: every parameter is a keyword argument (``**kwargs``,
the one name Mesa 3.3.1's parameter check accepts) and ``running`` turns False at the horizon, so
Play stops there. This module names it for the app.
"""

from __future__ import annotations

from model.model import CoGovernanceModel

__all__ = ["ExploreModel"]

ExploreModel = CoGovernanceModel

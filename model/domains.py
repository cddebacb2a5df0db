"""Service domains (服务领域), issue kinds and age groups (docs/specification.md §2).

The numbers attached to them (each kind's share of issues and work hours, each age group's weights
of the domains) are declared parameters (model/parameters.py); the functions here turn a parameter
dict into the arrays the rules use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "DOMAINS", "DOMAIN_ZH", "ISSUE_KINDS", "ISSUE_KIND_ZH", "KIND_DOMAIN", "AGE_GROUPS", "AGE_GROUP_ZH",
    "PROPERTY", "ENVIRONMENT", "SAFETY", "CARE", "CULTURE", "INFRASTRUCTURE", "DISPUTE",
    "kind_shares", "kind_hours", "age_weights", "issue_share_name", "issue_hours_name", "quality_weight_name",
]

DOMAINS: tuple[str, ...] = ("property", "environment", "safety", "care", "culture", "infrastructure")
DOMAIN_ZH: tuple[str, ...] = ("物业服务", "环境卫生", "平安/消防", "一老一小", "文体活动", "设施/出行/停车")
PROPERTY, ENVIRONMENT, SAFETY, CARE, CULTURE, INFRASTRUCTURE = range(6)

#: Issue kinds: one per domain plus neighbour disputes (邻里纠纷), which go to the residents' committee.
ISSUE_KINDS: tuple[str, ...] = DOMAINS + ("dispute",)
ISSUE_KIND_ZH: tuple[str, ...] = DOMAIN_ZH + ("邻里纠纷",)
DISPUTE = 6
#: The quality domain whose level drives each kind's arrival rate (disputes follow safety).
KIND_DOMAIN = np.array([0, 1, 2, 3, 4, 5, 2], dtype=np.int64)
AGE_GROUPS: tuple[str, ...] = ("youth", "working", "retired")
AGE_GROUP_ZH: tuple[str, ...] = ("青年户", "在职户", "退休户")


def issue_share_name(kind: str) -> str:
    """The declared parameter holding the relative arrival weight of an issue kind."""
    return f"issue_share_{kind}"


def issue_hours_name(kind: str) -> str:
    """The declared parameter holding the work hours an issue of a kind takes."""
    return f"issue_hours_{kind}"


def quality_weight_name(age_group: str, domain: str) -> str:
    """The declared parameter holding an age group's weight of a domain in quality of life."""
    return f"quality_weight_{age_group}_{domain}"


def kind_shares(p: Mapping[str, Any]) -> np.ndarray:
    """Share of all issues by kind at equal quality: the declared weights, normalised to sum 1
    (a joint constraint keeps their sum positive)."""
    weights = np.array([p[issue_share_name(k)] for k in ISSUE_KINDS], dtype=float)
    return weights / weights.sum()


def kind_hours(p: Mapping[str, Any]) -> np.ndarray:
    """Work hours an issue of each kind takes at competence 1 (before the cross-boundary factor)."""
    return np.array([p[issue_hours_name(k)] for k in ISSUE_KINDS], dtype=float)


def age_weights(p: Mapping[str, Any]) -> np.ndarray:
    """(age group × domain) weights of each domain in experienced quality of life: the declared
    weights, each row normalised to sum 1 (joint constraints keep every row's sum positive)."""
    w = np.array([[p[quality_weight_name(a, d)] for d in DOMAINS] for a in AGE_GROUPS], dtype=float)
    return w / w.sum(axis=1, keepdims=True)

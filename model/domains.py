"""Service domains (服务领域) and issue kinds (MODEL.md §2)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "DOMAINS", "DOMAIN_ZH", "ISSUE_KINDS", "ISSUE_KIND_ZH", "KIND_DOMAIN", "KIND_SHARE", "KIND_HOURS",
    "AGE_GROUPS", "AGE_WEIGHTS", "PROPERTY", "ENVIRONMENT", "SAFETY", "CARE", "CULTURE", "INFRASTRUCTURE",
    "DISPUTE",
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
#: Share of all issues by kind at equal quality (sums to 1).
KIND_SHARE = np.array([0.25, 0.15, 0.10, 0.10, 0.05, 0.20, 0.15])
#: Work hours an issue of each kind takes at competence 1 (cross-boundary issues take twice as long).
KIND_HOURS = np.array([3.0, 2.0, 3.0, 4.0, 2.0, 6.0, 3.0])

AGE_GROUPS: tuple[str, ...] = ("youth", "working", "retired")
#: Weights of each domain in experienced quality of life, by age group (rows sum to 1):
#: retired households weigh care and infrastructure (lifts, paths) more, youth culture more.
AGE_WEIGHTS = np.array(
    [
        [0.25, 0.20, 0.15, 0.10, 0.15, 0.15],  # youth
        [0.25, 0.20, 0.15, 0.15, 0.10, 0.15],  # working
        [0.20, 0.15, 0.15, 0.25, 0.05, 0.20],  # retired
    ]
)

"""Levers: the knobs that mechanisms turn.

The model reads these every week; at their neutral defaults the model is the baseline
(traditional administrative management). A mechanism sets levers in its `setup` and may move them
in its phase hooks; several mechanisms combine (additive levers add, factors multiply). Keeping the
knobs in one place documents every way a mechanism can touch the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Levers"]


@dataclass
class Levers:
    """Neutral values = no mechanism. Per-compound arrays are sized by the model at set-up."""

    # issue surfacing and routing
    report_cost_delta: float = 0.0  # added to report_cost (negative = easier reporting)
    report_reward_yuan: float = 0.0  # yuan value of points earned per report this week
    # grid workers' hours a week by compound (未诉先办): spent on rounds (finding latent issues) first,
    # then on settling minor found issues on the spot; set by the model's size at set-up
    grid_worker_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grid_hours_per_find: float = 1.0  # patrol hours per latent issue found
    discovery_prob_extra: float = 0.0  # added weekly discovery probability of each latent issue
    # queues
    buck_pass_factor: float = 1.0  # multiplies buck_pass_prob everywhere
    firm_buck_pass_factor: float = 1.0  # multiplies it for issues held by property firms
    escalation_prob: float | None = None  # overrides the spontaneous escalation probability
    street_priority_hours: float = 0.0  # extra department hours a week in the street for whistled issues
    street_sla_weeks: int = 0  # whistled issues older than this are answered first (0 = off)
    firm_extra_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))  # hours a week by compound
    # participation and activities
    extra_slots_per_community: float = 0.0  # volunteer slots a week
    volunteer_reward_yuan: float = 0.0  # yuan value of points per volunteer activity this week
    mobilisation_bonus: float = 0.0  # added to Party branch mobilisation
    party_role_model: float = 0.0  # extra weight of Party-member neighbours in social influence
    participation_cost_delta: float = 0.0  # added to everyone's participation cost
    deliberation_seats_extra: float = 0.0  # extra seats per community meeting
    deliberation_weight: float = 0.0  # 0..1: how strongly attendees' needs steer projects
    deliberation_efficacy: float = 0.0  # efficacy gain for attendees when proposals are carried out
    deliberation_cost_delta: float = 0.0  # added to the participation cost of meetings only (online < 0)
    # trust and attitudes
    transparency: float = 0.0  # weekly pull of community trust toward resolution performance
    # observation
    survey_sample_extra: int = 0  # households added to the quarterly survey sample (third-party survey)
    survey_noise_factor: float = 1.0  # multiplies the survey's measurement noise
    # organisations
    so_count_target: int = 0  # social-organisation support raises the count toward this
    # staff hours a week per social organisation bought with grants (yuan), by community; the
    # organisations' capacity moves toward their own hours plus these each quarter (a lag)
    so_funded_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # property economics
    margin_factor: float = 1.0  # multiplies firms' margin target (red property < 1)
    firm_pressure: float = 0.0  # 0..1: public rating pressure squeezing margins
    backstop_firm: bool = False  # a state-owned firm takes over compounds left without a firm
    replacement_support: float = 0.0  # raises the chance that an unmanaged compound finds a firm
    # projects
    project_budget_extra: float = 0.0  # yuan per community per quarter
    need_ranking: float = 0.0  # 0..1 demand list coverage: projects picked by unmet need instead of top-down
    project_effect_factor: float = 1.0  # multiplies project effects (professional design hours)
    survey_targeting: float = 0.0  # weight of third-party survey dissatisfaction on project need
    project_match_bonus: float = 0.0  # reduces choice noise further
    project_build_factor: float = 1.0  # multiplies build weeks (timeline management < 1)
    # per-compound arrays set by the model (rating pressure)
    rating_pressure: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0..1 by compound
    # extra monthly service spend (share of the full fee roll) a firm makes from its cash, by compound
    # (整改: black-listed firms rectify); additive, 0 = none
    extra_effort_share: np.ndarray = field(default_factory=lambda: np.zeros(0))

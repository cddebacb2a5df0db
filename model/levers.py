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
    discoveries_per_grid: float = 0.0  # latent issues found per grid per week (grid workers, 未诉先办)
    discovery_prob_extra: float = 0.0  # added weekly discovery probability of each latent issue
    # queues
    buck_pass_factor: float = 1.0  # multiplies buck_pass_prob everywhere
    firm_buck_pass_factor: float = 1.0  # multiplies it for issues held by property firms
    escalation_prob: float | None = None  # overrides the spontaneous escalation probability
    escalate_beyond_authority: bool = False  # infrastructure/cross issues go to departments at once
    street_priority_hours: float = 0.0  # extra department hours a week per community for escalated issues
    street_sla_weeks: int = 0  # escalated issues older than this are answered first (0 = off)
    holder_capacity_factor: dict[str, float] = field(default_factory=dict)  # by holder kind
    rc_competence_bonus: float = 0.0  # added to residents' committee competence
    dispute_hours_factor: float = 1.0  # multiplies hours per neighbour dispute
    response_assessment: float = 0.0  # 0..1: holders assessed on response time (hotline, evaluation)
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
    so_capacity_factor: float = 1.0
    so_count_target: int = 0  # social-organisation support raises the count toward this
    so_growth_per_quarter: float = 0.0  # capacity growth of social organisations a quarter
    # property economics
    margin_factor: float = 1.0  # multiplies firms' margin target (red property < 1)
    effort_efficiency: float = 1.0  # quality per yuan of effort
    pay_bonus: float = 0.0  # logit added to every fee payment decision (oversight, trust in accounts)
    firm_pressure: float = 0.0  # 0..1: public rating pressure squeezing margins
    backstop_firm: bool = False  # a state-owned firm takes over compounds left without a firm
    replacement_support: float = 0.0  # raises the chance that an unmanaged compound finds a firm
    # projects
    project_budget_extra: float = 0.0  # yuan per community per quarter
    need_ranked: bool = False  # demand list: projects picked by unmet need instead of top-down
    project_effect_factor: float = 1.0  # multiplies project effects (professional support)
    project_match_bonus: float = 0.0  # reduces choice noise further
    project_build_factor: float = 1.0  # multiplies build weeks (timeline management < 1)
    # per-compound arrays set by the model (linkage coordination, rating pressure)
    coordination: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0..1 by compound
    rating_pressure: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 0..1 by compound
    # extra monthly service spend (share of the full fee roll) a firm makes from its cash, by compound
    # (整改: black-listed firms rectify); additive, 0 = none
    extra_effort_share: np.ndarray = field(default_factory=lambda: np.zeros(0))

"""The model's calendar: a step is one week; months and quarters are whole numbers of weeks.

Monthly phases (property economics, deliberation meetings) run in weeks divisible by
`WEEKS_PER_MONTH`; quarterly ones (projects, the survey, funds and ratings) in weeks divisible by
`WEEKS_PER_QUARTER`. One place, so that every phase keeps the same calendar.
"""

from __future__ import annotations

__all__ = ["WEEKS_PER_MONTH", "WEEKS_PER_QUARTER"]

WEEKS_PER_MONTH = 4  # a "month" of the schedule: 13 of them make 52 weeks
WEEKS_PER_QUARTER = 13  # four quarters make the model's 52-week year

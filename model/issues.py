"""The issue flow (诉求/问题): a vectorised table and the weekly steps that move issues.

An issue is a row: household, grid, community, kind, cross-boundary flag, created week, surfaced
week, holder (whose queue), partner (the other party of a cross-boundary issue), status
(latent → open → resolved/expired), times passed on, resolved week. Only latent and open rows are
touched each week (`active`), so cost grows with the backlog, not with history; between weeks,
closed rows are folded into the counters (`IssueTable.reclaim`) unless the table keeps them
(``keep_closed``), so memory does not grow with the horizon either.

Conservation holds at every step: created = latent + open + resolved + expired.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from model.arrays import count_nonzero, running_total_before
from model.issue_holders import Holders

__all__ = ["IssueTable", "WeekEvents", "LATENT", "OPEN", "OPEN_STATUS", "RESOLVED", "EXPIRED", "NO_WEEK"]

LATENT, OPEN, RESOLVED, EXPIRED = 0, 1, 2, 3
#: The open status as the table stores it (a 0-d int8 array: a ufunc takes it without a conversion).
OPEN_STATUS = np.array(OPEN, dtype=np.int8)
#: "Never happened" for week fields (surfaced, resolved, passed on): far below any week, including
#: the negative weeks of the warm-up before week 0.
NO_WEEK = -1_000_000
# Hot paths select rows with `x.compress(mask)` or `x[np.flatnonzero(mask)]`: the same rows in the
# same order as `x[mask]`, but several times faster for masks that mix True and False.
#: `IssueTable._scan_rows`: a pass over the status column while the table has at most this many rows per
#: active row (selecting from 1,083 active rows of 1,802: a gather, compare and compress 52k instructions,
#: a pass and nonzero 30k; about 45 against 15 a row).
_SCAN_RATIO = 3
#: Buck-passing probability of issues, given their holders.
PassProbability = Callable[[np.ndarray], np.ndarray]


class IssueTable:
    """All issues of a run, as growable arrays, with the weekly flow operations."""

    #: Fields that index other arrays (households, grids, communities, holders) are platform integers
    #: (intp): numpy indexes with those as they are, where int32 indices are cast first (each gather,
    #: scatter and bincount with them pays a conversion). Weeks and counts stay small.
    FIELDS = {
        "household": np.intp, "grid": np.intp, "community": np.intp, "kind": np.int8,
        "cross": bool, "created": np.int32, "surfaced": np.int32, "expires": np.int32,
        "holder": np.intp, "partner": np.intp, "status": np.int8, "passes": np.int16,
        "resolved": np.int32, "remaining": np.float64, "by_household": bool, "escalated": bool,
        "passed_week": np.int32, "hotline": bool, "whistled": bool,
    }
    #: What a new issue starts with in the fields `add` does not write: rows past `size` hold these
    #: already (set when the table grows or gives rows back), so adding issues writes 8 fields, not 19.
    NEW_ISSUE = {
        "surfaced": NO_WEEK, "holder": -1, "partner": -1, "status": LATENT, "passes": 0, "resolved": NO_WEEK,
        "by_household": False, "escalated": False, "passed_week": NO_WEEK, "hotline": False, "whistled": False,
    }

    def __init__(self, capacity: int = 4096, keep_closed: bool = False) -> None:
        self.size = 0
        self._cap = capacity
        self.keep_closed = keep_closed
        self.folded = 0  # closed rows folded out of the table (they live on in the counters)
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.full(capacity, self.NEW_ISSUE.get(name, 0), dtype=dtype))
        self.active = np.zeros(0, dtype=np.int64)
        self._closed_in_active = False  # whether `active` may hold rows closed since the last `compact`
        self._latent: np.ndarray | None = None  # cached latent_rows(), None when stale
        self._latent_shrunk = False  # whether rows of `_latent` may have left the latent rows since
        self._open: np.ndarray | None = None  # cached open_rows(), None when stale
        self._open_shrunk = False  # whether rows of `_open` may have closed since
        # whether rows are in the order of their created week (`add` appends, `reclaim` and
        # `restart_history` keep the order): then the issues created before a week are a prefix of rows
        self._created_in_order = True
        self._newest_week = NO_WEEK  # the created week of the last `add`
        self.created_total = 0
        self.resolved_total = 0
        self.expired_total = 0
        self.passes_total = 0
        self.escalations_total = 0
        self.week_events = WeekEvents()

    # -- storage ------------------------------------------------------------------------------
    def _grow(self, need: int) -> None:
        new_cap = self._cap
        while new_cap < need:
            new_cap *= 2
        if new_cap == self._cap:
            return
        for name in self.FIELDS:
            old = getattr(self, name)
            arr = np.full(new_cap, self.NEW_ISSUE.get(name, 0), dtype=old.dtype)
            arr[: self.size] = old[: self.size]
            setattr(self, name, arr)
        self._cap = new_cap

    def add(self, household: np.ndarray, grid: np.ndarray, community: np.ndarray, kind: np.ndarray,
            cross: np.ndarray, week: int, expires: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """Append new latent issues needing `hours` of work each; returns their row indices."""
        k = household.size
        self._grow(self.size + k)
        rows = np.arange(self.size, self.size + k)
        new = slice(self.size, self.size + k)  # the same rows; slices write faster than indices
        self.household[new] = household
        self.grid[new] = grid
        self.community[new] = community
        self.kind[new] = kind
        self.cross[new] = cross
        self.created[new] = week
        self.expires[new] = expires
        self.remaining[new] = hours  # the other fields hold NEW_ISSUE's values already
        if week < self._newest_week:
            self._created_in_order = False
        self._newest_week = week
        self.size += k
        self.created_total += k
        self.active = np.concatenate([self.active, rows])
        self._latent = None
        return rows

    def _give_back(self, k: int) -> None:
        """Rows k..size−1 are free again: reset them to NEW_ISSUE's values (before `size` drops to k)."""
        for name, value in self.NEW_ISSUE.items():
            getattr(self, name)[k : self.size] = value

    def compact(self) -> None:
        """Drop resolved and expired rows from the active index."""
        if self._closed_in_active:
            self.active = self._live_rows()
            self._closed_in_active = False

    def _live_rows(self) -> np.ndarray:
        """The latent and open rows, ascending (`active` itself when no row closed since `compact`)."""
        a = self.active
        if not self._closed_in_active:
            return a
        return (self.status[: self.size] <= OPEN).nonzero()[0] if self._scan_rows() else a.compress(self.status[a] <= OPEN)

    def _scan_rows(self, n_rows: int | None = None) -> bool:
        """Whether to select latent or open rows by a pass over the whole status column rather than a
        gather of the statuses of `n_rows` rows holding every row of that status (default: the active
        rows): every latent and open row is active (rows only ever move from latent to open to closed,
        and leave `active` closed), and the kept latent or open rows hold every row still latent or open,
        so both give the same rows, in the same (ascending) order; the pass, contiguous, costs a fraction
        of a gather per row, so it is cheaper unless the table is much longer than the rows gathered."""
        return self.size <= _SCAN_RATIO * (self.active.size if n_rows is None else n_rows)

    def reclaim(self) -> None:
        """Fold the closed (resolved, expired) rows out of the table once they outnumber the live
        ones: the latent and open rows move to the front in their order, so the order of rows, which
        breaks ties in the queues, and every result stay the same. Row numbers change: call only
        between weeks, when nothing holds any (the model does, at the start of a week). Closed
        issues live on in the counters; with ``keep_closed`` the table keeps them instead."""
        if self.keep_closed:
            return
        live = self._live_rows()
        if self.size - live.size <= max(live.size, 1024):
            return
        k = live.size
        for name in self.FIELDS:
            column = getattr(self, name)
            column[:k] = column[live]
        self._give_back(k)
        self.folded += self.size - k
        self.size = k
        self.active = np.arange(k, dtype=np.int64)
        self._closed_in_active = False
        self._latent = self._open = None

    def restart_history(self) -> None:
        """Keep only the latent and open issues (renumbered 0..k−1, in order) and restart the
        cumulative counts from them: the record of a run starts at week 0, after the warm-up (the
        issues closed during the warm-up are dropped even with ``keep_closed``)."""
        keep = self._live_rows()
        for name in self.FIELDS:
            arr = getattr(self, name)
            arr[: keep.size] = arr[keep]
        self._give_back(keep.size)
        self.size = keep.size
        self.folded = 0
        self.active = np.arange(keep.size, dtype=np.int64)
        self._closed_in_active = False
        self._latent = self._open = None
        self.created_total = keep.size
        self.resolved_total = self.expired_total = self.passes_total = self.escalations_total = 0
        self.week_events.forget_rows()  # the week's counts stay (week 0 reports the last warm-up week)

    # -- selections ---------------------------------------------------------------------------
    def latent_rows(self) -> np.ndarray:
        """The latent rows, ascending. Read-only and shared: several steps of a week select from
        the same rows, so they are selected from the active rows once until issues are added (`add`)
        or rows move (`reclaim`); after issues left them (`surface`, `resolve`, `expire`) the kept rows
        are filtered (a few where most of the active rows are open)."""
        if self._latent is None or self._latent_shrunk:
            self._latent = self._with_status(LATENT, self._latent)
            self._latent_shrunk = False
        return self._latent

    def open_rows(self) -> np.ndarray:
        """The open rows, ascending (read-only and shared, like `latent_rows`): selected from the active
        rows again after `surface` added some, filtered after some closed (`resolve`, `expire`)."""
        if self._open is None or self._open_shrunk:
            self._open = self._with_status(OPEN, self._open)
            self._open_shrunk = False
        return self._open

    def open_rows_with(self, flags: np.ndarray) -> np.ndarray:
        """The open rows (ascending) whose `flags` are set, `flags` a boolean mask over the first `size`
        rows: ``open_rows().compress(flags.take(open_rows()))``, the same rows (every open row below
        `size` is one of the open rows, see `_scan_rows`). Two passes over the flags and statuses and one
        nonzero cost less than a gather over every open row and a compress, and need no fresh selection
        of the open rows after some were resolved."""
        chosen = self.status[: self.size] == OPEN_STATUS
        chosen &= flags
        return chosen.nonzero()[0]

    def _with_status(self, status: int, rows: np.ndarray | None) -> np.ndarray:
        """The `rows` (ascending; None: the active rows) with that status, as a read-only array; `rows`
        hold every row of that status (the active rows, or the kept latent or open rows)."""
        if self._scan_rows(None if rows is None else rows.size):
            chosen = (self.status[: self.size] == status).nonzero()[0]
        else:
            rows = self.active if rows is None else rows
            chosen = rows.compress(self.status.take(rows) == status)
        chosen.flags.writeable = False
        return chosen

    # -- counts -------------------------------------------------------------------------------
    def count(self, status: int) -> int:
        return int(np.count_nonzero(self.status[self.active] == status)) if status <= OPEN else (
            self.resolved_total if status == RESOLVED else self.expired_total)

    def conserved(self) -> bool:
        """created = latent + open + resolved + expired."""
        return self.created_total == (self.count(LATENT) + self.count(OPEN) + self.resolved_total
                                      + self.expired_total)

    def pending_count_of(self, household: int) -> int:
        a = self.active
        return int(np.count_nonzero(self.household[a] == household))

    def pending_old_by_household(self, n: int, week: int, min_age: int = 4) -> np.ndarray:
        """By household: its issues in `active` created more than `min_age` weeks before `week`."""
        a = self.active
        if self._created_in_order:
            # the rows before the first one created since week − min_age, found by two binary searches:
            # a prefix of `active` (ascending rows), where a pass over it would compare every row's week
            first_recent = self.created[: self.size].searchsorted(week - min_age)
            old = a[: a.searchsorted(first_recent)]
        else:
            old = a.compress(self.created.take(a) < week - min_age)
        return np.bincount(self.household.take(old), minlength=n).astype(np.float64)

    def open_by_household(self, n: int) -> np.ndarray:
        a = self.active
        return np.bincount(self.household[a], minlength=n)

    # -- flow operations -----------------------------------------------------------------------
    def surface(self, rows: np.ndarray, week: int, by_household: bool) -> None:
        """Latent rows become open this week, reported by their household or found by others (a
        latent row's ``by_household`` is False already)."""
        if rows.size == 0:
            return
        if by_household:
            self.week_events.reported_rows.append(rows)
            self.by_household[rows] = True
        self.status[rows] = OPEN
        self._latent_shrunk = True
        self._open = None
        self.surfaced[rows] = week

    def resolve(self, rows: np.ndarray, week: int) -> None:
        """Mark rows resolved this week and record them for feedback."""
        if rows.size == 0:
            return
        self.status[rows] = RESOLVED
        self._latent_shrunk = self._open_shrunk = True
        self._closed_in_active = True
        self.resolved[rows] = week
        self.resolved_total += rows.size
        self.week_events.resolved.append(rows)
        self.week_events.n_resolved += rows.size

    def expire(self, rows: np.ndarray, were_open: bool | None = None) -> None:
        """Latent rows nobody reported, or open rows given up, expire; the given-up ones are kept
        for feedback. `were_open` (all of them open, or all latent) spares looking up their status."""
        if rows.size == 0:
            return
        if were_open is None:
            self.week_events.expired_open.append(rows[self.status[rows] == OPEN])
            self._latent_shrunk = self._open_shrunk = True
        elif were_open:
            self.week_events.expired_open.append(rows)
            self._open_shrunk = True
        else:
            self._latent_shrunk = True
        self.status[rows] = EXPIRED
        self._closed_in_active = True
        self.expired_total += rows.size

    def pass_on(self, rows: np.ndarray, week: int) -> tuple[np.ndarray, np.ndarray]:
        """Buck-passing: the holder hands the issue to its partner, where it joins the back of the
        queue (`passed_week`); the pass is recorded for the model's trust and hours accounting.
        Returns the passers and the receivers (the rows' new partners and holders)."""
        holder = self.holder.take(rows)  # a copy
        partner = self.partner.take(rows)
        self.holder[rows] = partner
        self.partner[rows] = holder
        self.passes[rows] += 1
        self.passed_week[rows] = week
        self.passes_total += rows.size
        self.week_events.passes += rows.size
        self.week_events.passed.append(rows)
        return holder, partner

    def give_up(self, open_rows: np.ndarray, keep: np.ndarray) -> None:
        """The open rows (`open_rows()`) not marked in `keep` expire, given up (and kept for feedback);
        the rows marked stay the open rows."""
        self.expire(open_rows.compress(~keep), were_open=True)
        self._open = open_rows.compress(keep)
        self._open.flags.writeable = False
        self._open_shrunk = False

    def escalate(self, rows: np.ndarray, street: int) -> None:
        if rows.size == 0:
            return
        fresh = rows.size - count_nonzero(self.escalated.take(rows))  # escalated for the first time
        self.holder[rows] = street
        self.escalated[rows] = True
        self.escalations_total += fresh
        self.week_events.escalations += fresh

    def work_queues(self, holders: Holders, week: int, rng: np.random.Generator,
                    pass_prob_of: PassProbability, sla_weeks: int = 0, pass_delay_weeks: int = 1,
                    pass_hours: float = 0.0, open_columns: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Each holder works its open queue oldest first within its capacity; an uncoordinated
        cross-boundary issue reaching the head of a queue is passed on with the probability
        `pass_prob_of(holders)` gives for their holders. A passed issue joins the back of the receiver's queue (it queues
        from the week it was passed, not from when it surfaced) and waits `pass_delay_weeks` before
        the receiver can take it up; each pass takes `pass_hours` effective hours of the passing and
        of the receiving holder this week (explaining, re-reading, handing over the file). With
        `sla_weeks` > 0, whistled issues older than that go first (departments must answer within
        the SLA); then issues taken by the hotline (``hotline``: holders assessed on them work them
        first, 接诉即办); then the rest. `open_columns`: the open rows' ``surfaced`` and ``holder``
        (in the order of `open_rows()`) when the caller has them as they are now, else gathered here."""
        rows = self.open_rows()
        if rows.size == 0:
            return
        surfaced, hold = open_columns if open_columns is not None else (self.surfaced.take(rows), self.holder.take(rows))
        passed = self.passed_week.take(rows)
        hotline = self.hotline.take(rows)
        tier = None  # every issue in the same tier (none taken by the hotline, no SLA): by holder and week only
        if sla_weeks > 0 or count_nonzero(hotline):
            tier = 2 - hotline.view(np.int8)  # 1: hotline issue, 2: the rest
            if sla_weeks > 0:  # 0: whistled and past the SLA (surfaced at least `sla_weeks` ago)
                tier[self.whistled.take(rows) & (surfaced <= week - sla_weeks)] = 0
        # issues passed on too recently to be taken up wait, in a queue of their own after every holder's
        # (a holder id past the last), and are left out after sorting
        waiting = passed > week - max(pass_delay_weeks, 1)
        n_waiting = count_nonzero(waiting)
        if n_waiting:
            hold = hold.copy()  # (the caller's array stays as it is)
            hold[waiting] = holders.n
            queue_sizes = np.bincount(hold, minlength=holders.n + 1)[: holders.n]
        else:
            queue_sizes = np.bincount(hold, minlength=holders.n)
        queued = np.maximum(surfaced, passed)  # a passed issue starts at the back
        n_queues = holders.n + (n_waiting > 0)
        if tier is None:
            order = _queue_order(hold, queued, n_queues, week)
        else:
            order = _queue_order(hold * 3 + tier, queued, 3 * n_queues, week)
        rows = rows.take(order[: order.size - n_waiting] if n_waiting else order)
        # sorted by holder, each holder's rows are a block: holder ids and capacities by row are repeats
        # of the holders' (cheaper than gathers), and the blocks' sizes give the running totals' starts
        hold = _holder_ids(holders.n).repeat(queue_sizes)
        cap = holders.capacity.repeat(queue_sizes)
        need = self.remaining.take(rows)
        before = running_total_before(need, group_sizes=queue_sizes)
        starting = before < cap  # the issues the holder works on this week, if nothing is passed on
        # buck-passing among cross-boundary issues the holder would start on this week
        cand = starting.nonzero()[0]
        head = rows.take(cand)  # the cross-boundary issues with a partner among them
        cand = cand.compress(self.cross.take(head) & (self.partner.take(head) >= 0))
        drop = cand.compress(rng.random(cand.size) < pass_prob_of(hold.take(cand))) if cand.size else cand
        if drop.size:  # else nothing was passed on: queues, hours and `before` stay as they are
            passers, receivers = self.pass_on(rows.take(drop), week)
            # the passed issues stay in place with no hours, left out of the running totals (the others'
            # come out as without them, bit for bit) and of the work below
            need[drop] = 0.0
            if pass_hours > 0:
                # hours at both ends: the passer (now the partner) and the receiver (now the holder)
                spent = np.bincount(receivers, minlength=holders.n) * pass_hours
                spent += np.bincount(passers, minlength=holders.n) * pass_hours
                capacity = np.maximum(holders.capacity - spent, 0.0)
                self.week_events.pass_hours += float(np.add.reduce(holders.capacity - capacity))
                cap = capacity.repeat(queue_sizes)
            before = running_total_before(need, group_sizes=queue_sizes, left_out=drop)
            starting = before < cap
            starting[drop] = False
        done = before + need <= cap
        if drop.size:
            done[drop] = False
        self.resolve(rows.compress(done), week)
        partial = np.greater(starting, done).nonzero()[0]  # started, not done (True > False: starting and not done)
        self.remaining[rows.take(partial)] -= cap.take(partial) - before.take(partial)


class WeekEvents:
    """What happened to issues this week, for feedback and reporters."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.n_resolved = 0
        self.resolved: list[np.ndarray] = []
        self.expired_open: list[np.ndarray] = []
        self.passes = 0
        self.passed: list[np.ndarray] = []  # rows passed on this week (holder = receiver, partner = passer)
        self.pass_hours = 0.0  # effective holder hours spent on passing issues on this week
        self.escalations = 0
        self.new = 0
        self.reported = 0
        self.reported_rows: list[np.ndarray] = []  # rows their households reported this week
        self.discovered = 0

    def forget_rows(self) -> None:
        """Drop the row lists (their rows were renumbered) and keep the counts."""
        self.resolved, self.expired_open, self.passed, self.reported_rows = [], [], [], []

    def resolved_rows(self) -> np.ndarray:
        return _joined(self.resolved)

    def passed_rows(self) -> np.ndarray:
        return _joined(self.passed)

    def expired_open_rows(self) -> np.ndarray:
        return _joined(self.expired_open)

    def household_reported_rows(self) -> np.ndarray:
        """The rows households reported this week (surfaced with ``by_household``), ascending."""
        parts = self.reported_rows
        if len(parts) > 1:
            parts[:] = [np.sort(np.concatenate(parts))]
        return _joined(parts)


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The rows of `parts`, in order, as one array (do not modify it). The list is replaced by
    that array, so the model and the mechanisms that read a week's rows join them only once."""
    if len(parts) != 1:
        parts[:] = [np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)]
    return parts[0]


def _holder_ids(n_holders: int) -> np.ndarray:
    """The holder ids 0..n_holders−1 (read-only, shared)."""
    ids = _HOLDER_IDS.get(n_holders)
    if ids is None:
        ids = _HOLDER_IDS[n_holders] = np.arange(n_holders)
        ids.flags.writeable = False
    return ids


_HOLDER_IDS: dict[int, np.ndarray] = {}  # 0..n−1 by n, for `_holder_ids`


def _queue_order(group: np.ndarray, queued: np.ndarray, n_groups: int, week: int) -> np.ndarray:
    """The stable order of rows by group (0..n_groups−1: a holder, or a holder's tier 0–2 as holder·3 +
    tier), then queued week (at most `week`): what ``np.lexsort((queued, group))`` gives. Packed into
    one 16-bit key where it fits (numpy radix-sorts 16-bit keys), else two stable 16-bit passes (queued
    week, then group), else one 64-bit key. Keys that order the same pairs the same way and tie on the
    same pairs give the same stable order, so one tier needs no tier in the key."""
    lo = int(np.minimum.reduce(queued))
    span = week - lo + 1
    if n_groups * span <= 1 << 16:
        key = group * span
        key += queued
        key -= lo
        return key.astype(np.uint16).argsort(kind="stable")
    if n_groups <= 1 << 16 and span <= 1 << 16:
        by_week = (queued - lo).astype(np.uint16).argsort(kind="stable")
        return by_week.take(group.take(by_week).astype(np.uint16).argsort(kind="stable"))
    # queued − NO_WEEK lies in [0, 2**32), so the 64-bit key is exact
    return (((group.astype(np.int64)) << 32) + (queued - NO_WEEK)).argsort(kind="stable")

"""Errors a person can cause by what they type: one line, exit status 2, no traceback."""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """Bad input from a person (file, key, flag or value); `run.py` prints it on one line and exits 2.

    The message should name where the problem is (a file or flag), the key, and what was expected.
    """

    exit_status = 2

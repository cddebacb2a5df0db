"""Errors a person can cause by what they type (one line, exit status 2, no traceback), and what they
typed shown in a message on one line (`one_line`, `shown`)."""

from __future__ import annotations

import importlib.util
from typing import Any

__all__ = ["UserError", "require_extra", "one_line", "shown"]


class UserError(Exception):
    """Bad input from a person (file, key, flag or value); `run.py` prints it on one line and exits 2.

    The message should name where the problem is (a file or flag), the key, and what was expected.
    An ordinary ``Exception`` subclass, so process pools and EMA Workbench's evaluators handle it.
    """

    exit_status = 2


def require_extra(module: str, extra: str, purpose: str) -> None:
    """Raise `UserError` (one line) if `module`, part of the optional extra `extra`, is not installed.

    >>> require_extra("json", "test", "this example")  # installed: nothing happens
    """
    if importlib.util.find_spec(module) is None:
        raise UserError(f"{purpose} needs the optional [{extra}] dependencies, which are not installed: "
                        f"pip install 'cogov[{extra}]' (or `make setup` in a checkout)")


# ----------------------------------------------------------------------------- text in messages


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped (``\\n``), so it prints on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def shown(value: Any, max_chars: int = 60) -> str:
    """A user-supplied value for an error message: its repr, on one line, cut to `max_chars`."""
    text = one_line(repr(value))
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

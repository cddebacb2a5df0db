"""How the generated documentation writes Markdown: table cells and tables, numbers as one would
type them after ``--set``, docstrings as one line or paragraphs, lists of names in code font."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

__all__ = ["cell", "table", "number", "first_line", "paragraph", "code_list"]


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def number(value: float | int) -> str:
    """A number as one would type it after ``--set`` (no exponent below 1e15, no trailing .0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def first_line(doc: str | None) -> str:
    """First paragraph of a docstring, on one line."""
    if not doc:
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split())


def paragraph(doc: str | None) -> str:
    """A whole docstring as one paragraph per blank-line-separated block."""
    if not doc:
        return ""
    blocks = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(b.split()) for b in blocks if b.strip())


def code_list(items: Iterable[str]) -> str:
    shown = [f"`{i}`" for i in items]
    return ", ".join(shown) if shown else "—"

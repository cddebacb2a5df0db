"""Checks on what a person hands cogov on disk or on the command line, made before anything is built
or written (the values a run is given, its sizes, seed and mechanisms' parameters, are checked by
`model.run_inputs`; messages stay on one line with `model.errors.one_line` and `shown`):

- **files** (`read_text_file`, `read_toml`): a scenario, sweep or calibration file must be a
  reasonably small UTF-8 text file, not empty, not binary, not nested absurdly deep; a file in another
  encoding (GBK/GB18030 from a Chinese Windows editor, UTF-16) is named as such, with how to save it
  as UTF-8;
- **names** (`check_name`): one line, short, so it can become a file name or a column;
- **the machine** (`cap_jobs`, `available_cores`): worker processes capped at the cores there are;
- **flags** (`check_out`; `whole_number_parser`, an argparse ``type`` for a count, and `parse_jobs`,
  the ``--jobs N`` of every command that runs many models).

Every refusal is a `UserError` (one line, exit status 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.errors import UserError, one_line, shown

__all__ = [
    "MAX_FILE_BYTES", "MAX_NESTING", "MAX_NAME_CHARS", "read_text_file", "read_toml", "check_name",
    "cap_jobs", "available_cores", "check_out", "whole_number_parser", "parse_jobs",
]  # fmt: skip

#: Largest input file read (scenario, sweep, calibration): these are hand-written, a few KB.
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays/tables accepted in a TOML file (real files use 2-3 levels).
MAX_NESTING = 16
#: Longest name (scenario, sweep, outcome) accepted; names become file names and table columns.
MAX_NAME_CHARS = 100


# ----------------------------------------------------------------------------- names


def check_name(name: str, where: str, key: str = "name") -> str:
    """A name (scenario, sweep, outcome): one line, at most `MAX_NAME_CHARS` characters, not blank."""
    if not name.strip():
        raise UserError(f"{where}: '{key}' is blank; expected a short name")
    if not name.isprintable():
        raise UserError(f"{where}: '{key}' {shown(name)} contains a line break or control character; "
                        "expected a name on one line")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"{where}: '{key}' is {len(name)} characters long ({shown(name, 40)}); "
                        f"expected at most {MAX_NAME_CHARS}")
    return name


# ----------------------------------------------------------------------------- files


def _encoding_hint(raw: bytes) -> str:
    """What a file that is not UTF-8 probably is, and how to save it as UTF-8."""
    how = "save it as UTF-8 (in the editor: Save As → Encoding: UTF-8; or iconv -f {enc} -t UTF-8 FILE > NEW)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16 text; " + how.format(enc="UTF-16")
    for codec, looks_like, enc in (("gb18030", "GBK/GB18030 (Chinese Windows)", "GBK"), ("big5", "Big5", "BIG5")):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return f"it looks like {looks_like} text; " + how.format(enc=enc)
    return how.format(enc="LATIN1")


def read_text_file(path: str | Path, what: str = "file") -> str:
    """The text of a small UTF-8 input file, or a one-line `UserError` saying what the file really is.

    Refused: missing, not a regular file, larger than `MAX_FILE_BYTES`, binary (NUL bytes or mostly
    control characters), not UTF-8 (the likely encoding is named), empty or only white space.
    A UTF-8 byte-order mark is accepted and dropped.
    """
    path = Path(path)
    where = one_line(str(path))
    if not path.exists():
        raise UserError(f"{where}: {what} not found")
    if not path.is_file():
        raise UserError(f"{where}: {what} is not a regular file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"{where}: {what} is {size:,} bytes; expected a text file of at most "
                            f"{MAX_FILE_BYTES:,} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{where}: cannot read the {what}: {exc.strerror or exc}") from None
    if not raw.strip():
        raise UserError(f"{where}: empty {what} (nothing in it)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{where}: {what} is not UTF-8: {_encoding_hint(raw)}")
    if b"\x00" in raw:
        raise UserError(f"{where}: {what} is binary data (it contains NUL bytes), not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        controls = sum(b < 9 or 13 < b < 32 for b in raw)
        if controls > len(raw) // 100:
            raise UserError(f"{where}: {what} is binary data, not a text file") from None
        raise UserError(f"{where}: {what} is not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at byte "
                        f"{exc.start}): {_encoding_hint(raw)}") from None
    return text


def _depth(value: Any) -> int:
    """Nesting depth of lists/dicts, without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _bracket_depth(text: str) -> int:
    """Upper bound of the nesting of ``[``/``{`` (ignores strings; good enough to refuse before parsing)."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def read_toml(path: str | Path, what: str = "file") -> tuple[str, dict[str, Any]]:
    """Read and parse a TOML input file: ``(text, data)``, or a one-line `UserError`.

    On top of `read_text_file`: malformed TOML names the line; nesting deeper than `MAX_NESTING`
    is refused before the parser can recurse; a file with no keys at all is refused as empty.
    """
    import tomllib

    text = read_text_file(path, what)
    where = one_line(str(path))
    if _bracket_depth(text) > 4 * MAX_NESTING:  # cheap pre-check: the parser recurses per level
        raise UserError(f"{where}: {what} nests arrays or tables more than {MAX_NESTING} levels deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{where}: malformed TOML: {one_line(str(exc))}") from None
    except RecursionError:
        raise UserError(f"{where}: {what} nests arrays or tables more than {MAX_NESTING} levels deep") from None
    if not data:
        raise UserError(f"{where}: empty {what} (only comments or blank lines)")
    if _depth(data) > MAX_NESTING:
        raise UserError(f"{where}: {what} nests arrays or tables more than {MAX_NESTING} levels deep")
    return text, data


# ----------------------------------------------------------------------------- the machine


def available_cores() -> int:
    """CPU cores this process may use (its affinity mask where the OS tells, else the core count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def cap_jobs(jobs: int | None, flag: str = "--jobs") -> int | None:
    """`jobs` capped at the available cores, with a note on stderr when capped; None stays None (all cores)."""
    if jobs is None:
        return None
    if jobs < 1:
        raise UserError(f"{flag} {jobs}: expected a whole number of worker processes, 1 or more")
    cores = available_cores()
    if jobs > cores:
        print(f"note: {flag} {jobs} is more than the {cores} core(s) available here; using {cores} "
              "(more processes than cores only add memory and contention)", file=sys.stderr)
        return cores
    return jobs


# ----------------------------------------------------------------------------- flags


def check_out(out: str | Path | None, flag: str = "--out") -> Path:
    """An output folder: a non-empty path that is not an existing file; nothing is created here."""
    text = "" if out is None else str(out)
    if not text.strip():
        raise UserError(f"{flag}: expected a folder name, got an empty string")
    if not text.isprintable():
        raise UserError(f"{flag} {shown(text)}: contains a line break or control character")
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise UserError(f"{flag} {one_line(text)}: exists and is not a directory")
    parent = path.resolve().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"{flag} {one_line(text)}: {parent} is not a folder")
    probe = path if path.is_dir() else parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"{flag} {one_line(text)}: not writable ({probe} does not allow writing)")
    return path


def whole_number_parser(noun: str) -> Callable[[str], int]:
    """An argparse ``type`` for a count of `noun`, 1 or more (argparse blames the flag it was given to,
    on one line, exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {noun}, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected {noun}, 1 or more, got {value}")
        return value

    return parse


parse_jobs = whole_number_parser("a whole number of worker processes")
"""``--jobs N`` of every command that runs many models (compare, sweep, calibrate): worker processes,
1 or more; `cap_jobs` then caps it at the cores available."""

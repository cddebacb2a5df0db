"""One Chinese-capable font for every figure — the app's (``viz.figures``) and the comparison
report's (``experiments.plots``) — found however matplotlib's font cache was built.

matplotlib lists the machine's fonts once, in a cache file (``~/.cache/matplotlib/fontlist-*.json``),
the first time it runs. A font installed later (``make setup`` after a first ``make demo``) is not
in that list, and 中文 text is drawn as boxes with "Glyph ... missing" warnings. :func:`cjk_family`
looks in matplotlib's list first, then asks fontconfig (``fc-list :lang=zh``) and a few usual font
folders for font files and registers them directly (``fontManager.addfont``), so the age of the
cache does not matter. :func:`use_fonts` puts that family behind DejaVu Sans in ``font.family``:
Latin text keeps matplotlib's usual look, Chinese glyphs come from the CJK font (matplotlib's
per-glyph fallback). With no Chinese font on the machine at all, :func:`figure_language` turns
"zh" into "en", so figures fall back to English rather than boxes.

The Debian package ``fonts-wqy-microhei`` (installed by ``make setup``) is enough.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

__all__ = ["CJK_FAMILIES", "SAMPLE", "cjk_family", "use_fonts", "figure_language", "covers"]

log = logging.getLogger(__name__)

#: Chinese font families, most wanted first (any other font covering ``SAMPLE`` also does).
CJK_FAMILIES: tuple[str, ...] = (
    "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
    "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN",
)  # fmt: skip
#: Characters a font must have to count as Chinese-capable (from the app's own labels).
SAMPLE = "满意度参与率社区物业诉求"
#: Folders searched for font files when fontconfig is not there to ask.
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts",
)  # fmt: skip
_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "simhei", "msyh",
               "pingfang", "cjk", "uming", "ukai")  # fmt: skip
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


def covers(path: str | Path, text: str = SAMPLE) -> bool:
    """True if the font file at ``path`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in text)


def _known_family() -> str | None:
    """A Chinese-capable family matplotlib already knows (wanted families first)."""
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    by_name: dict[str, list[str]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry.fname)
    for family in CJK_FAMILIES:
        if any(covers(f) for f in by_name.get(family, ())):
            return family
    for name, files in sorted(by_name.items()):
        if any(hint in Path(f).name.lower().replace("-", "").replace("_", "") for f in files for hint in _FILE_HINTS) \
                and any(covers(f) for f in files):
            return name
    return None


def _fontconfig_files() -> list[str]:
    """Files of Chinese fonts according to fontconfig (empty when ``fc-list`` is not installed)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    files = [line.split(":")[0].strip() for line in out.stdout.splitlines()]
    return [f for f in dict.fromkeys(files) if f.lower().endswith(_FONT_SUFFIXES)]


def _folder_files() -> list[str]:
    """Font files with a Chinese font's usual name in the usual folders."""
    found = []
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            name = path.name.lower().replace("-", "").replace("_", "")
            if name.endswith(_FONT_SUFFIXES) and any(h in name for h in _FILE_HINTS):
                found.append(str(path))
    return found


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The name of a font family with Chinese glyphs, registered with matplotlib; None if the
    machine has none. Looks once per process."""
    from matplotlib import font_manager

    family = _known_family()
    if family is not None:
        return family
    for path in [*_fontconfig_files(), *_folder_files()]:  # the cache predates the font: register the file
        if covers(path):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    family = _known_family()
    if family is None:
        log.warning("no Chinese font found: figures are labelled in English "
                    "(install one, e.g. Debian's fonts-wqy-microhei: `make setup`)")
    return family


def use_fonts() -> str | None:
    """Set matplotlib's ``font.family`` to DejaVu Sans with the Chinese family (if any) behind it;
    returns the Chinese family or None."""
    from matplotlib import rcParams

    family = cjk_family()
    rcParams["font.family"] = ["DejaVu Sans", family] if family else ["DejaVu Sans"]
    return family


def figure_language(lang: str) -> str:
    """The language figures can be drawn in: ``lang``, except "zh" becomes "en" without a Chinese font."""
    return "en" if lang == "zh" and cjk_family() is None else lang

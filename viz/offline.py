"""Serve every asset of the Solara page from this machine: no request may leave it.

Solara's server fetches the page's JavaScript and CSS from a public CDN on a cache miss and keeps
them in a cache folder (``settings.assets.proxy_cache_dir``). The ``solara-assets`` distribution
fills that folder in advance: its Python module is empty, its files are installed as *data* under
``<prefix>/share/solara/cdn/<npm-package>@<version>/...``.

Three gaps remain, and this module closes them at server start, idempotently:

* the Vega/Altair widget asks for ``vega@5``, ``vega-lite@5`` and ``vega-embed@6`` while the
  package stores ``vega@5.21.0``, ``vega-lite@5.2.0`` and ``vega-embed@6.20.2``: we add relative
  symlinks (``vega@5 -> vega@5.21.0``) next to them, or, when that folder is read-only, build a
  writable overlay folder of symlinks and point Solara at it;
* ``solara.Markdown`` loads KaTeX (``katex@0.16.9``), which the package does not ship: we write
  tiny stand-in files (math is then shown as typed, not typeset);
* a miss must fail loudly instead of going out: the CDN address is a closed local port, telemetry
  is off and the version check is skipped (``--no-check-version``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import sys
import tempfile
from pathlib import Path

#: Where a cache miss is sent: port 9 ("discard") on loopback, normally closed, so it fails at once.
CLOSED_CDN = "http://127.0.0.1:9/"

#: Folder names the page asks for -> name of the stored package whose newest version serves them.
#: The value is the npm package; the key's version part is the major version that must match.
CDN_ALIASES: dict[str, str] = {
    "vega@5": "vega",
    "vega-lite@5": "vega-lite",
    "vega-embed@6": "vega-embed",
}

#: Files that must be present for the page to render (a quick sanity check of the asset folder).
REQUIRED_ASSETS: tuple[str, ...] = (
    "requirejs@2.3.6/require.js",
    "font-awesome@4.5.0/css/font-awesome.min.css",
    "vega@5/build/vega.min.js",
    "vega-lite@5/build/vega-lite.min.js",
    "vega-embed@6/build/vega-embed.min.js",
)

#: Small stand-ins for files the page asks for but solara-assets does not ship. ``solara.Markdown``
#: loads KaTeX (math) on every mount; without these a Markdown block gives two 404s and a page
#: error offline. The stand-in renders no math: ``$x$`` stays as typed.
STUB_MARKER = "cogov offline stub"
STUB_FILES: dict[str, str] = {
    "katex@0.16.9/dist/contrib/auto-render.min.js": (
        f"/* {STUB_MARKER}: KaTeX is not shipped by solara-assets; math is left as typed. */\n"
        "define([], function () { return function renderMathInElement() {}; });\n"
    ),
    "katex@0.16.9/dist/katex.min.css": f"/* {STUB_MARKER}: KaTeX is not shipped by solara-assets. */\n",
    "katex@0.16.9/dist/katex.min.js": (
        f"/* {STUB_MARKER}: KaTeX is not shipped by solara-assets. */\n"
        "define([], function () { return { render: function () {}, renderToString: function (s) { return s; } }; });\n"
    ),
}

_CDN_PARTS = ("share", "solara", "cdn")


class OfflineAssetsError(RuntimeError):
    """The offline asset folder is missing or incomplete."""


def solara_assets_dir() -> Path:
    """Return the folder where the ``solara-assets`` distribution installed its files.

    Found from the distribution's own file list (so a ``--user`` or ``--prefix`` install is found
    too), falling back to ``sys.prefix/share/solara/cdn``.
    """
    try:
        files = importlib.metadata.files("solara-assets") or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for f in files:
        parts = f.parts
        for i in range(len(parts) - len(_CDN_PARTS) + 1):
            if tuple(parts[i : i + len(_CDN_PARTS)]) == _CDN_PARTS:
                located = Path(os.path.normpath(f.locate()))
                cdn = located.parents[len(parts) - i - len(_CDN_PARTS) - 1]
                if cdn.is_dir():
                    return cdn
    fallback = Path(sys.prefix) / "share" / "solara" / "cdn"
    if fallback.is_dir():
        return fallback
    raise OfflineAssetsError(
        "solara-assets is not installed (no share/solara/cdn folder found); "
        "install it with: pip install 'solara-assets==1.58.2'"
    )


def _version_key(version: str) -> tuple[int, ...]:
    """Numeric sort key of a dotted version (non-numeric parts count as 0)."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def alias_target(cdn_dir: Path, alias: str, package: str) -> str:
    """Name of the newest stored folder ``package@MAJOR.x.y`` matching the alias's major version."""
    major = alias.rsplit("@", 1)[1]
    pattern = re.compile(rf"^{re.escape(package)}@({re.escape(major)}(?:\.[0-9A-Za-z-]+)*)$")
    candidates = []
    for entry in cdn_dir.iterdir():
        m = pattern.match(entry.name)
        if m and entry.name != alias and entry.is_dir() and not entry.is_symlink():
            candidates.append((_version_key(m.group(1)), entry.name))
    if not candidates:
        raise OfflineAssetsError(f"no stored {package}@{major}.* folder in {cdn_dir} to serve {alias!r}")
    return max(candidates)[1]


def _link(link: Path, target: str | Path) -> None:
    """Make ``link`` a symlink to ``target``, replacing a wrong or dangling symlink (idempotent)."""
    if link.is_symlink():
        if os.readlink(link) == str(target):
            return
        link.unlink()
    elif link.exists():
        return  # a real folder or file (e.g. filled by an earlier cache fetch): leave it alone
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink():
        tmp.unlink()
    tmp.symlink_to(target, target_is_directory=True)
    os.replace(tmp, link)  # atomic: two servers starting at once cannot both fail


def add_aliases(cdn_dir: Path, source_dir: Path | None = None) -> None:
    """Create the ``CDN_ALIASES`` symlinks inside ``cdn_dir`` (targets looked up in ``source_dir``)."""
    source_dir = source_dir or cdn_dir
    for alias, package in CDN_ALIASES.items():
        target = alias_target(source_dir, alias, package)
        # relative inside the same folder (survives moving the venv), absolute into another one
        _link(cdn_dir / alias, target if source_dir == cdn_dir else source_dir / target)


def add_stubs(cdn_dir: Path) -> None:
    """Write ``STUB_FILES`` into ``cdn_dir`` unless a real file (not one of our stubs) is there."""
    for rel, text in STUB_FILES.items():
        path = cdn_dir / rel
        if path.is_file():
            current = path.read_text(errors="replace")
            if current == text or STUB_MARKER not in current[:200]:
                continue  # ours and current, or a real KaTeX someone installed: keep it
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)


def build_overlay(source_dir: Path, overlay_dir: Path) -> Path:
    """Fill ``overlay_dir`` with symlinks to every entry of ``source_dir`` plus the aliases."""
    overlay_dir.mkdir(parents=True, exist_ok=True)
    stub_tops = {rel.split("/", 1)[0] for rel in STUB_FILES}
    for entry in source_dir.iterdir():
        if entry.name in CDN_ALIASES or entry.name in stub_tops or entry.name.startswith("."):
            continue
        _link(overlay_dir / entry.name, entry.resolve())
    add_aliases(overlay_dir, source_dir)
    add_stubs(overlay_dir)
    return overlay_dir


def _overlay_location(source_dir: Path) -> Path:
    """A per-user, per-installation writable folder for the overlay."""
    digest = hashlib.sha1(str(source_dir.resolve()).encode()).hexdigest()[:12]
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    try:
        Path(base).mkdir(parents=True, exist_ok=True)
    except OSError:
        base = tempfile.gettempdir()
    return Path(base) / "cogov" / f"solara-cdn-{digest}"


def prepare_assets() -> Path:
    """Make the asset folder complete and return the folder Solara must serve from.

    Adds the Vega aliases and the KaTeX stand-ins in place when the installed folder is writable,
    otherwise builds an overlay folder. Checks that ``REQUIRED_ASSETS`` resolve. Safe to call at every start.
    """
    source = solara_assets_dir()
    try:
        add_aliases(source)
        add_stubs(source)
        served = source
    except OSError:
        served = build_overlay(source, _overlay_location(source))
    missing = [rel for rel in REQUIRED_ASSETS if not (served / rel).is_file()]
    if missing:
        raise OfflineAssetsError(f"offline assets incomplete in {served}: missing {', '.join(missing)}")
    return served


def harden_cdn_route() -> None:
    """Refuse directory paths on ``/_solara/cdn/`` (call once in the server process, from the app).

    Solara 1.58.2's ``cdn_helper.get_path`` *deletes* a cached directory when a client asks for it
    (``GET /_solara/cdn/vega@5.21.0/build`` removes that folder from the installed assets), a
    left-over of an old Windows cache-layout fix. With this guard such a request gets a 404 and
    the files stay. Idempotent; a no-op if Solara's server module changed shape.
    """
    import solara.server.starlette as solara_starlette

    original = getattr(solara_starlette, "get_path", None)
    if original is None or getattr(original, "_cogov_guarded", False):
        return

    def guarded_get_path(base_cache_dir: Path, path: str) -> Path:
        """``get_path`` that never touches an existing directory."""
        norm = path.replace("\\", "/")
        if "/" in norm and (Path(base_cache_dir) / norm).is_dir():  # a bare name maps to NAME/__main.js
            raise PermissionError(f"directory listing refused: {path}")
        return original(base_cache_dir, path)

    guarded_get_path._cogov_guarded = True  # type: ignore[attr-defined]
    solara_starlette.get_path = guarded_get_path


def offline_env(assets_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that keep the Solara server and page on this machine."""
    served = assets_dir if assets_dir is not None else prepare_assets()
    return {
        "SOLARA_ASSETS_PROXY": "True",  # serve /_solara/cdn from the local folder (off in VS Code!)
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(served),
        "SOLARA_ASSETS_CDN": CLOSED_CDN,  # a cache miss fails loudly instead of leaving the machine
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no mixpanel, no api.ipify.org look-up
    }

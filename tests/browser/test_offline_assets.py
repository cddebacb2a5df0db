"""The offline asset set-up: Vega aliases, KaTeX stand-ins, overlay fallback, directory guard."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from viz import offline

if TYPE_CHECKING:
    from conftest import AppServer


def _fake_assets(root: Path) -> Path:
    """A small stand-in for share/solara/cdn with two Vega versions."""
    for rel in ("vega@5.21.0", "vega@5.3.0", "vega@4.9.9", "vega-lite@5.2.0", "vega-embed@6.20.2"):
        (root / rel / "build").mkdir(parents=True)
    (root / "vega@5.21.0" / "build" / "vega.min.js").write_text("v5.21")
    return root


def test_aliases_point_at_newest_matching_major_and_are_idempotent(tmp_path: Path) -> None:
    cdn = _fake_assets(tmp_path)
    offline.add_aliases(cdn)
    offline.add_aliases(cdn)
    assert os.readlink(cdn / "vega@5") == "vega@5.21.0"  # relative, newest 5.x (not 5.3.0, not 4.x)
    assert os.readlink(cdn / "vega-lite@5") == "vega-lite@5.2.0"
    assert (cdn / "vega@5" / "build" / "vega.min.js").read_text() == "v5.21"
    (cdn / "vega@5").unlink()
    (cdn / "vega@5").symlink_to("vega@5.3.0")  # a stale alias is corrected
    offline.add_aliases(cdn)
    assert os.readlink(cdn / "vega@5") == "vega@5.21.0"


def test_missing_package_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "vega@5.21.0").mkdir()
    with pytest.raises(offline.OfflineAssetsError, match="vega-lite"):
        offline.add_aliases(tmp_path)


def test_stubs_written_once_and_real_files_kept(tmp_path: Path) -> None:
    offline.add_stubs(tmp_path)
    css = tmp_path / "katex@0.16.9" / "dist" / "katex.min.css"
    assert offline.STUB_MARKER in css.read_text()
    css.write_text("/* real katex */")
    offline.add_stubs(tmp_path)
    assert css.read_text() == "/* real katex */"


def test_overlay_serves_everything_without_touching_the_source(tmp_path: Path) -> None:
    source = _fake_assets(tmp_path / "src")
    before = sorted(p.name for p in source.iterdir())
    overlay = offline.build_overlay(source, tmp_path / "overlay")
    offline.build_overlay(source, tmp_path / "overlay")
    assert sorted(p.name for p in source.iterdir()) == before
    assert (overlay / "vega@5" / "build" / "vega.min.js").read_text() == "v5.21"
    assert (overlay / "vega@4.9.9").is_dir()
    assert (overlay / "katex@0.16.9" / "dist" / "contrib" / "auto-render.min.js").is_file()


def test_installed_assets_are_complete() -> None:
    served = offline.prepare_assets()
    for rel in offline.REQUIRED_ASSETS:
        assert (served / rel).is_file(), rel
    env = offline.offline_env(served)
    assert env["SOLARA_ASSETS_CDN"] == offline.CLOSED_CDN
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


def test_directory_guard_keeps_folders(tmp_path: Path) -> None:
    import solara.server.starlette as solara_starlette

    offline.harden_cdn_route()
    offline.harden_cdn_route()
    (tmp_path / "pkg@1.0" / "build").mkdir(parents=True)
    (tmp_path / "pkg@1.0" / "build" / "a.js").write_text("a")
    with pytest.raises(PermissionError):
        solara_starlette.get_path(tmp_path, "pkg@1.0/build")
    with pytest.raises(PermissionError):
        solara_starlette.get_path(tmp_path, "pkg@1.0/")
    assert (tmp_path / "pkg@1.0" / "build" / "a.js").is_file()
    assert (
        solara_starlette.get_path(tmp_path, "pkg@1.0/build/a.js") == tmp_path / "pkg@1.0" / "build" / "a.js"
    )


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.browser
def test_server_serves_aliases_refuses_folders_and_misses_fail_fast(app_server: AppServer) -> None:
    cdn = app_server.url + "_solara/cdn/"
    for rel in offline.REQUIRED_ASSETS:
        assert _status(cdn + rel) == 200, rel
    served = offline.prepare_assets()
    assert _status(cdn + "vega@5.21.0/build") == 404
    assert (served / "vega@5.21.0" / "build" / "vega.min.js").is_file()
    t0 = time.monotonic()
    assert _status(cdn + "no-such-package@1.0.0/index.js") == 404
    assert time.monotonic() - t0 < 5  # refused by the closed local port, not a network timeout
    assert not (served / "no-such-package@1.0.0").exists()

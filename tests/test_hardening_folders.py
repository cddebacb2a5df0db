"""Output folders under stress (issue 14): two sweeps into one folder, run files that belong to another
design, damaged run files and manifests, a full disk (simulated in-process, and a real tiny tmpfs where
the machine allows mounting one).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from test_hardening import listing, main  # noqa: E402

from experiments.sweep import run_sweep  # noqa: E402
from storage.outputs import folder_lock  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def sweep_text(values: tuple[float, float], weeks: int = 6, name: str = "t") -> str:
    return f"""
[sweep]
name = "{name}"
weeks = {weeks}
replicates = 3
seed = 7
[fixed]
grids = 1
buildings_per_grid = 2
households_per_building = 10
[design]
method = "grid"
[design.parameters]
buck_pass_prob = [{values[0]}, {values[1]}]
[[outcomes]]
name = "satisfaction"
metric = "satisfaction_mean"
statistic = "mean"
[sensitivity]
plots = []
"""


def one_error_line(err: str, *fragments: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def clean_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A finished 6-run sweep (folder, sweep file), made once; tests copy it before damaging it."""
    base = tmp_path_factory.mktemp("clean")
    sweep = base / "a.toml"
    sweep.write_text(sweep_text((0.1, 0.6)))
    run_sweep(sweep, base / "out", jobs=1, progress=False)
    return base / "out", sweep


def copy_of(clean: tuple[Path, Path], tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(clean[0], out)
    return out


def results(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "results.parquet")


# --------------------------------------------------------------------------- two sweeps, one folder


def test_a_sweep_into_a_folder_another_sweep_holds_is_refused_before_it_writes(
        tmp_path: Path, clean_sweep: tuple[Path, Path]) -> None:
    out = copy_of(clean_sweep, tmp_path)
    other = tmp_path / "b.toml"
    other.write_text(sweep_text((0.3, 0.9)))
    manifest = (out / "manifest.json").read_bytes()
    with folder_lock(out):  # as if the first sweep were still running
        for args in (["sweep", str(other), "--out", str(out), "--resume", "--jobs", "1", "--quiet"],
                     ["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--jobs", "1", "--quiet"]):
            before = listing(out)
            code, _, err = main(args, tmp_path)
            assert code == 2
            assert listing(out) == before
            assert (out / "manifest.json").read_bytes() == manifest
        one_error_line(err, "another sweep is already writing to this folder")
    # a new, empty folder held by a running sweep that has not written its manifest yet
    fresh = tmp_path / "fresh"
    with folder_lock(fresh):
        code, _, err = main(["sweep", str(other), "--out", str(fresh), "--jobs", "1", "--quiet"], tmp_path)
        assert code == 2
        one_error_line(err, "another sweep")
        assert {p.name for p in fresh.iterdir()} == {".lock"}


@pytest.mark.slow  # two real sweep processes (CI)
def test_two_different_sweeps_started_together_into_one_folder(tmp_path: Path,
                                                               clean_sweep: tuple[Path, Path]) -> None:
    """The probe of issue 14: one sweep wins, the other is refused and changes nothing; a later --resume
    with either file is right (the loser's refused, the winner's complete and identical to a clean sweep)."""
    files = {}
    for key, values in (("a", (0.1, 0.6)), ("b", (0.3, 0.9))):
        files[key] = tmp_path / f"{key}.toml"
        files[key].write_text(sweep_text(values))
    out = tmp_path / "shared"
    procs = {key: subprocess.Popen([sys.executable, str(REPO / "run.py"), "sweep", str(path), "--out", str(out),
                                    "--jobs", "1", "--quiet"], cwd=tmp_path, env=ENV, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for key, path in files.items()}
    done = {key: (p.wait(300), p.stdout.read(), p.stderr.read()) for key, p in procs.items()}
    codes = sorted(c for c, _, _ in done.values())
    assert codes == [0, 2], done
    winner = next(k for k, (c, _, _) in done.items() if c == 0)
    loser = "b" if winner == "a" else "a"
    one_error_line(done[loser][2], str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert Path(manifest["sweep_file"]).name == f"{winner}.toml"
    if winner == "a":  # the same design as the clean reference: the same numbers
        pd.testing.assert_frame_equal(results(out), results(clean_sweep[0]))
    code, _, err = main(["sweep", str(files[loser]), "--out", str(out), "--resume", "--quiet"], tmp_path)
    assert code == 2
    one_error_line(err, "made by a different sweep file")
    code, stdout, err = main(["sweep", str(files[winner]), "--out", str(out), "--resume", "--quiet"], tmp_path)
    assert code == 0, err
    assert "6 already done" in stdout


def test_resume_refuses_run_files_of_another_design(tmp_path: Path, clean_sweep: tuple[Path, Path]) -> None:
    out = copy_of(clean_sweep, tmp_path)
    # a run file of another point, under this run's name (what a second sweep into the folder would leave)
    shutil.copy(out / "runs" / "p0000-r00.parquet", out / "runs" / "p0001-r00.parquet")
    before = {p.name: p.read_bytes() for p in (out / "runs").iterdir()}
    code, _, err = main(["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--quiet"], tmp_path)
    assert code == 2
    one_error_line(err, "runs/p0001-r00.parquet", "made by a different run", "Delete those files")
    assert {p.name: p.read_bytes() for p in (out / "runs").iterdir()} == before
    # a run file without a fingerprint (written by something else) is not taken for a finished run either
    pd.DataFrame({"run_id": ["p0000-r01"], "kind": ["outcome"], "name": ["satisfaction"], "week": [None],
                  "value": [0.5]}).to_parquet(out / "runs" / "p0000-r01.parquet")
    code, _, err = main(["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--quiet"], tmp_path)
    assert code == 2
    one_error_line(err, "runs/p0000-r01.parquet")
    # deleting them, as the message says, lets the resume run them again: identical to the clean sweep
    (out / "runs" / "p0001-r00.parquet").unlink()
    (out / "runs" / "p0000-r01.parquet").unlink()
    code, stdout, err = main(["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--quiet",
                              "--jobs", "1"], tmp_path)
    assert code == 0, err
    assert "2 done now, 4 already done" in stdout
    pd.testing.assert_frame_equal(results(out), results(clean_sweep[0]))


# --------------------------------------------------------------------------- damaged folders


@pytest.mark.parametrize("damage", ["truncated", "empty", "garbage"])
def test_damaged_run_files_are_named_and_run_again_on_resume(tmp_path: Path, clean_sweep: tuple[Path, Path],
                                                             damage: str) -> None:
    out = copy_of(clean_sweep, tmp_path)
    victim = out / "runs" / "p0001-r02.parquet"
    data = victim.read_bytes()
    victim.write_bytes({"truncated": data[: len(data) // 2], "empty": b"", "garbage": os.urandom(500)}[damage])
    code, _, err = main(["sensitivity", str(out)], tmp_path)
    assert code == 2
    one_error_line(err, "runs/p0001-r02.parquet", "damaged run file", "--resume")
    if damage != "truncated":
        return  # one resume is enough (each starts a worker pool)
    code, stdout, err = main(["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--quiet",
                              "--jobs", "1"], tmp_path)
    assert code == 0, err
    assert "p0001-r02.parquet is damaged" in err and "running it again" in err
    assert "1 done now, 5 already done" in stdout
    assert victim.read_bytes() == (clean_sweep[0] / "runs" / "p0001-r02.parquet").read_bytes()
    pd.testing.assert_frame_equal(results(out), results(clean_sweep[0]))


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda m: m.pop("outcomes"), "missing key 'outcomes'"),
        (lambda m: m.pop("runs"), "missing key 'runs'"),
        (lambda m: m["design"].pop("factors"), "missing key 'design/factors'"),
        (lambda m: m["sensitivity"].pop("plots"), "missing key 'sensitivity/plots'"),
        (lambda m: m.update(weeks="six"), "'weeks' has the wrong type"),
        (lambda m: m["runs"][3].pop("seed"), "runs[3] needs run_id, point, replicate and seed"),
        (lambda m: m["runs"][0].update(point=99), "runs[0] names design point 99"),
        (lambda m: m["outcomes"].append({"name": "x"}), "outcomes[1] needs name, metric and statistic"),
    ],
    ids=["outcomes", "runs", "factors", "plots", "weeks-type", "run-seed", "run-point", "outcome"],
)
def test_a_manifest_with_missing_keys_is_named(tmp_path: Path, clean_sweep: tuple[Path, Path], edit,
                                               fragment: str) -> None:
    out = copy_of(clean_sweep, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = listing(out)
    for args in (["sensitivity", str(out)],
                 ["sweep", str(clean_sweep[1]), "--out", str(out), "--resume", "--quiet"]):
        code, _, err = main(args, tmp_path)
        assert code == 2
        one_error_line(err, "manifest.json", "damaged manifest", fragment)
        assert listing(out) == before


def test_a_manifest_that_is_not_json_is_named(tmp_path: Path, clean_sweep: tuple[Path, Path]) -> None:
    out = copy_of(clean_sweep, tmp_path)
    (out / "manifest.json").write_bytes(b"\x00\x01{not json")
    code, _, err = main(["sensitivity", str(out)], tmp_path)
    assert code == 2
    one_error_line(err, "manifest.json")


def test_a_damaged_results_file_is_rebuilt_from_the_runs(tmp_path: Path, clean_sweep: tuple[Path, Path]) -> None:
    out = copy_of(clean_sweep, tmp_path)
    (out / "results.parquet").write_bytes(b"PAR1 nonsense")
    code, _, err = main(["sensitivity", str(out)], tmp_path)
    assert code == 0, err
    pd.testing.assert_frame_equal(results(out), results(clean_sweep[0]))


# --------------------------------------------------------------------------- a full disk, simulated


@pytest.fixture
def full_disk_at(monkeypatch: pytest.MonkeyPatch):
    """Make the write of files whose name is in `names` fail with ENOSPC (at fsync, in atomic_write)."""
    real = os.fsync

    def arm(*names: str) -> None:
        def fsync(fd: int) -> None:
            path = os.readlink(f"/proc/self/fd/{fd}")
            if any(Path(path).name.startswith(f".{n}.") for n in names):
                raise OSError(errno.ENOSPC, "No space left on device")
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd to tell which file is being written")
    return arm


@pytest.mark.parametrize("victim", ["timeseries.parquet", "timeseries.csv", "run.json"])
def test_run_on_a_full_disk_writes_nothing_and_says_so_on_one_line(tmp_path: Path, full_disk_at,
                                                                   victim: str) -> None:
    full_disk_at(victim)
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "run.json").write_text("{}")  # an earlier run's output is kept whole
    code, _, err = main(["run", "baseline", "--weeks", "2", "--out", "o", "--set", "grids=1"], tmp_path)
    assert code == 1
    one_error_line(err, f"no space left writing o/{victim}")
    assert listing(tmp_path) == {"o", "o/run.json"}
    assert (tmp_path / "o" / "run.json").read_text() == "{}"


@pytest.mark.parametrize("victim", ["report.md"])  # the last file written: none of the others may be left
def test_compare_on_a_full_disk_leaves_no_partial_set(tmp_path: Path, full_disk_at, victim: str) -> None:
    full_disk_at(victim)
    code, _, err = main(["compare", "baseline", "points", "--reps", "2", "--weeks", "3", "--jobs", "1",
                         "--quiet", "--out", "c"], tmp_path)
    assert code == 1
    one_error_line(err, f"no space left writing c/{victim}")
    assert listing(tmp_path) == set()


def test_sweep_on_a_full_disk_says_so_and_resumes(tmp_path: Path, full_disk_at,
                                                  clean_sweep: tuple[Path, Path]) -> None:
    full_disk_at("p0001-r01.parquet")
    code, _, err = main(["sweep", str(clean_sweep[1]), "--out", "s", "--jobs", "1", "--quiet"], tmp_path)
    assert code == 1
    one_error_line(err, "no space left writing s/runs/p0001-r01.parquet")
    assert not (tmp_path / "s" / "runs" / "p0001-r01.parquet").exists()
    full_disk_at("results.parquet")
    code, _, err = main(["sweep", str(clean_sweep[1]), "--out", "s", "--jobs", "1", "--quiet", "--resume"],
                        tmp_path)
    assert code == 1, err
    one_error_line(err, "no space left writing s/results.parquet")
    full_disk_at()
    code, _, err = main(["sweep", str(clean_sweep[1]), "--out", "s", "--jobs", "1", "--quiet", "--resume"],
                        tmp_path)
    assert code == 0, err
    pd.testing.assert_frame_equal(results(tmp_path / "s"), results(clean_sweep[0]))


# --------------------------------------------------------------------------- a full disk, for real


@pytest.fixture
def tiny_filesystem(tmp_path: Path):
    """A 64 KB tmpfs mounted at tmp_path/full (needs root and mount; skipped with the reason otherwise)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tiny tmpfs needs root and mount(8); the in-process ENOSPC tests cover this")
    mnt = tmp_path / "full"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the in-process ENOSPC tests cover this")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "run.py"), *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow  # real processes on a real full file system (CI, where root may mount a tmpfs)
def test_every_command_on_a_real_full_filesystem(tiny_filesystem: Path, clean_sweep: tuple[Path, Path]) -> None:
    mnt = tiny_filesystem
    (mnt / "filler").write_bytes(b"x" * 40_000)  # leave ~24 KB: less than any command's outputs
    for args, name in [
        (["run", "baseline", "--weeks", "4", "--out", str(mnt / "run")], "run"),
        (["compare", "baseline", "points", "--reps", "2", "--weeks", "4", "--jobs", "1", "--quiet",
          "--out", str(mnt / "cmp")], "cmp"),
    ]:
        done = cli(*args, cwd=mnt.parent)
        assert done.returncode == 1, done.stderr
        one_error_line(done.stderr, "no space left writing", str(mnt / name))
        assert sorted(p.name for p in mnt.iterdir()) == ["filler"], "a partial set of outputs was left"
    done = cli("sweep", str(clean_sweep[1]), "--out", str(mnt / "sw"), "--jobs", "1", "--quiet", cwd=mnt.parent)
    assert done.returncode == 1, done.stderr
    one_error_line(done.stderr, "no space left writing", str(mnt / "sw"))
    (mnt / "filler").unlink()  # space again: the sweep resumes to the same results as a clean one
    done = cli("sweep", str(clean_sweep[1]), "--out", str(mnt / "sw"), "--jobs", "1", "--quiet", "--resume",
               cwd=mnt.parent)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(results(mnt / "sw"), results(clean_sweep[0]))

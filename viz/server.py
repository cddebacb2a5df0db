"""Start the cogov Solara app, offline (``python run.py viz`` calls :func:`serve`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from viz.offline import offline_env

APP_PATH = Path(__file__).resolve().parent / "app.py"
REPO_ROOT = APP_PATH.parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the app."""
    return [
        sys.executable, "-m", "solara", "run", str(APP_PATH),
        "--host", host, "--port", str(port),
        "--production", "--no-open", "--no-check-version",
    ]  # fmt: skip


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) plus the offline settings and import path."""
    env = dict(os.environ if base is None else base)
    env.update(offline_env())
    # the app imports `model`, `scenarios`...: make the repository importable whatever the cwd
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Solara warns on the first page load that plain http falls back to samesite=lax: expected here
    quiet = "ignore:Cookies with samesite=none:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS", ""), quiet) if w)
    return env


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Print the app's address and run the Solara server in the foreground until interrupted.

    On POSIX the process becomes the server (``exec``), so signals reach it directly; elsewhere
    the server runs as a child process. ``port=0`` picks a free port.
    """
    if port == 0:
        port = free_port(host)
    cmd = solara_command(host, port)
    env = server_env()
    print(f"cogov app: http://{host}:{port}/", flush=True)
    if os.name == "posix":
        sys.stderr.flush()
        os.execve(sys.executable, cmd, env)
    try:
        raise SystemExit(subprocess.call(cmd, env=env))
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def main(argv: list[str] | None = None) -> None:
    """``python -m viz.server [--host H] [--port P]`` (stand-in until ``run.py viz`` exists)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m viz.server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8765, help="port, 0 = any free one (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    serve(host=args.host, port=args.port)


if __name__ == "__main__":
    main()

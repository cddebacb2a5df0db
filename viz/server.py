"""Start the cogov Solara app, offline: ``python run.py viz [--port P] [--host H]``.

``run.py`` finds :func:`add_cli` here. The app binds 127.0.0.1 unless told otherwise, prints its
address and serves until interrupted; every asset comes from this machine (``viz.offline``).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    env["SOLARA_THEME_SHOW_BANNER"] = "False"  # Solara's "This website runs on Solara" covered the page's corner
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


DEFAULT_PORT = 8765
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def check_address(host: str, port: int) -> None:
    """Raise ``UserError`` (one line) if ``port`` is out of range or ``host:port`` cannot be bound now."""
    from model.errors import UserError

    if not 0 <= port <= 65535:
        raise UserError(f"--port {port}: expected a whole number in [0, 65535] (0 = any free port)")
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as exc:
        reason = "already in use" if exc.errno in (98, 48) else (exc.strerror or str(exc))
        raise UserError(f"--host {host} --port {port}: cannot listen there ({reason}); "
                        f"try another --port, or --port 0 for any free one") from None


def add_cli(subparsers: Any) -> None:
    """Register ``run.py viz``."""
    p = subparsers.add_parser(
        "viz", help="the browser app: Explore one run live, Compare scenarios (offline)",
        description="Serve the browser app (needs the [viz] extra); open the printed address in a browser.",
        epilog="examples:\n  run.py viz\n  run.py viz --port 0\n  run.py viz --host 0.0.0.0 --port 8800",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default %(default)s: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="port, 0 = any free one (default %(default)s)")
    p.set_defaults(handler=cmd_viz)


def cmd_viz(args: argparse.Namespace) -> int:
    """``run.py viz``: check the address, then serve (does not return on POSIX)."""
    from model.errors import require_extra

    require_extra("solara", "viz", "the browser app (viz)")
    check_address(args.host, args.port)
    if args.host not in LOCAL_HOSTS:
        print(f"note: --host {args.host} makes the app reachable from other machines", file=sys.stderr)
    serve(host=args.host, port=args.port)
    return 0


def main(argv: list[str] | None = None) -> None:
    """``python -m viz.server [--host H] [--port P]`` (same as ``run.py viz``)."""
    parser = argparse.ArgumentParser(prog="python -m viz.server", description=__doc__)
    add_cli(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["viz", *(argv if argv is not None else sys.argv[1:])])
    try:
        raise SystemExit(args.handler(args))
    except Exception as exc:
        from model.errors import UserError

        if isinstance(exc, UserError):
            print(f"viz.server: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        raise


if __name__ == "__main__":
    main()

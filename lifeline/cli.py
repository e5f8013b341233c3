"""The `lifeline` console script.

lifeline serve [--demo] [--host H] [--port P]   embedded all-in-one server
lifeline manage <command> ...                    Django management commands
lifeline run web|ws|worker|beat [args ...]       one production role
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = ("web", "ws", "worker", "beat")
CELERY_QUEUES = "realtime,default,bulk"


def _setup_django(*, embedded: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if embedded:
        # The embedded default generates and keeps its own secret key in ./var and serves
        # plain HTTP on loopback; production sets DJANGO_SECRET_KEY and LIFELINE_HTTPS.
        os.environ.setdefault("LIFELINE_EMBEDDED", "true")
        # Jobs and sweeps run in this process: no broker, no worker to install.
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
        # One process: the API's user cache may live in local memory (see auth_cache.py).
        os.environ.setdefault("LIFELINE_AUTH_CACHE_LOCAL", "true")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def serve(argv: Sequence[str]) -> int:
    """Migrate, optionally load the demo data, and serve HTTP + WebSockets on one origin."""
    parser = argparse.ArgumentParser(prog="lifeline serve", description=serve.__doc__)
    parser.add_argument("--demo", action="store_true", help="load demo data (once) and print it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-sweeps", action="store_true", help="do not run the periodic sweeps in-process"
    )
    args = parser.parse_args(list(argv))

    # Before Django translates anything: it keeps the catalogue it loaded first (migrate
    # already translates), so a .mo written later left the first run's pages and the demo
    # data it seeded in English.
    from lifeline.core.catalogues import compile_stale_catalogues

    compile_stale_catalogues(ROOT)
    _setup_django(embedded=True)
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    sys.stdout.write(f"Preparing the database in {settings.VAR_DIR} …\n")
    sys.stdout.flush()
    call_command("migrate", interactive=False, verbosity=0)
    if args.demo:
        # Demo data exists only when asked for; the command prints the accounts table.
        call_command("seed_demo")
    beat = None
    if not args.no_sweeps:
        from lifeline.core.scheduler import start_embedded_beat

        beat = start_embedded_beat()

    import uvicorn

    sys.stdout.write(f"Lifeline on http://{args.host}:{args.port}/  (Ctrl+C to stop)\n")
    sys.stdout.flush()
    try:
        # One process serves HTTP and WebSockets on the same origin; static files come from
        # Django's staticfiles handler (ASGIStaticFilesHandler) since there is no nginx here.
        uvicorn.run(
            "lifeline.core.embedded:application",
            host=args.host,
            port=args.port,
            log_level="warning",
            lifespan="off",
            # Django's LOGGING (set up above) stays in force: one redacting handler, no
            # access log of uvicorn's own (lifeline.ops.access logs requests, without query).
            log_config=None,
            access_log=False,
            # REMOTE_ADDR stays the TCP peer: lifeline.core.http applies LIFELINE_PROXY_COUNT.
            proxy_headers=False,
        )
    finally:
        if beat is not None:
            beat.stop()
    return 0


def manage(argv: Sequence[str]) -> int:
    _setup_django(embedded=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lifeline manage", *argv])
    return 0


def build_command(
    role: str, extra: Sequence[str] = (), environ: Mapping[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The argv that starts production `role`, and the environment variables it needs set.

    Ports and bind address come from LIFELINE_BIND_HOST, LIFELINE_WEB_PORT,
    LIFELINE_WS_PORT and LIFELINE_WEB_WORKERS; `extra` is appended (e.g. `-c 4`).
    """
    env = os.environ if environ is None else environ
    host = env.get("LIFELINE_BIND_HOST", "127.0.0.1")
    overrides: dict[str, str] = {}
    if role == "web":
        # WSGI for HTTP (MACHINE.md: ~5x the ASGI throughput for DRF). --blocking-threads 4:
        # granian's default thread count exhausts PostgreSQL connections.
        cmd = [
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            env.get("LIFELINE_WEB_PORT", "8000"),
            "--workers",
            env.get("LIFELINE_WEB_WORKERS", "2"),
            "--blocking-threads",
            "4",
            "config.wsgi:application",
        ]
    elif role == "ws":
        # Under ASGI, connections must not persist across requests (ARCHITECTURE.md, 3).
        overrides["DATABASE_CONN_MAX_AGE"] = "0"
        cmd = [
            "uvicorn",
            "config.asgi:application",
            "--host",
            host,
            "--port",
            env.get("LIFELINE_WS_PORT", "8001"),
            "--no-access-log",
            # uvicorn would otherwise take the client address from X-Forwarded-For of any
            # connection from 127.0.0.1; lifeline.core.http trusts LIFELINE_PROXY_COUNT hops.
            "--no-proxy-headers",
        ]
    elif role == "worker":
        cmd = ["celery", "-A", "config", "worker", "-Q", CELERY_QUEUES, "--loglevel", "INFO"]
    elif role == "beat":
        # Beat's own state (last run times) lives in ./var, not in the working tree.
        state = Path(env.get("LIFELINE_VAR_DIR", str(ROOT / "var"))) / "celerybeat-schedule"
        cmd = ["celery", "-A", "config", "beat", "--schedule", str(state), "--loglevel", "INFO"]
    else:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return [*cmd, *extra], overrides


def _executable(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def run(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in ROLES:
        sys.stderr.write(f"usage: lifeline run {{{','.join(ROLES)}}} [args ...]\n")
        return 2
    cmd, overrides = build_command(argv[0], argv[1:])
    if argv[0] == "beat":
        Path(cmd[cmd.index("--schedule") + 1]).parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(overrides)
    os.chdir(ROOT)
    os.execvp(_executable(cmd[0]), cmd)
    return 0  # pragma: no cover - exec does not return


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(__doc__ or "")
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        return serve(rest)
    if command == "manage":
        return manage(rest)
    if command == "run":
        return run(rest)
    sys.stderr.write(f"unknown command {command!r}\n{__doc__}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

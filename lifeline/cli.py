"""The `lifeline` console script.

lifeline serve [--demo] [--host H] [--port P]   embedded all-in-one server
lifeline manage <command> ...                    Django management commands
lifeline run web|ws|worker|beat [args ...]       one production role
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django(*, embedded: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if embedded:
        # The embedded default generates and keeps its own secret key in ./var and serves
        # plain HTTP on loopback; production sets DJANGO_SECRET_KEY and LIFELINE_HTTPS.
        os.environ.setdefault("LIFELINE_EMBEDDED", "true")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lifeline serve", description=serve.__doc__)
    parser.add_argument("--demo", action="store_true", help="load demo data (once) and print it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-sweeps", action="store_true", help="do not run the periodic sweeps in-process"
    )
    args = parser.parse_args(argv)

    _setup_django(embedded=True)
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("compilemessages_if_needed", verbosity=0)
    if args.demo:
        call_command("seed_demo")
    if not args.no_sweeps:
        from lifeline.core.scheduler import start_embedded_beat

        start_embedded_beat()

    import uvicorn

    sys.stdout.write(f"Lifeline on http://{args.host}:{args.port}/  (Ctrl+C to stop)\n")
    sys.stdout.flush()
    # One process serves HTTP and WebSockets on the same origin; static files come from
    # Django's staticfiles handler (ASGIStaticFilesHandler) since there is no nginx here.
    uvicorn.run(
        "lifeline.core.embedded:application",
        host=args.host,
        port=args.port,
        log_level="warning",
        lifespan="off",
    )
    return 0


def manage(argv: list[str]) -> int:
    _setup_django(embedded=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lifeline manage", *argv])
    return 0


ROLES = ("web", "ws", "worker", "beat")


def run(argv: list[str]) -> int:
    if not argv or argv[0] not in ROLES:
        sys.stderr.write(f"usage: lifeline run {{{','.join(ROLES)}}} [args ...]\n")
        return 2
    role, extra = argv[0], argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.chdir(ROOT)
    host = os.environ.get("LIFELINE_BIND_HOST", "127.0.0.1")
    if role == "web":
        port = os.environ.get("LIFELINE_WEB_PORT", "8000")
        workers = os.environ.get("LIFELINE_WEB_WORKERS", "2")
        # --blocking-threads 4: more threads exhaust PostgreSQL connections (MACHINE.md).
        cmd = [
            "granian",
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            port,
            "--workers",
            workers,
            "--blocking-threads",
            "4",
            "config.wsgi:application",
        ]
    elif role == "ws":
        port = os.environ.get("LIFELINE_WS_PORT", "8001")
        # Under ASGI, connections must not persist across requests (ARCHITECTURE.md, 3).
        os.environ["DATABASE_CONN_MAX_AGE"] = "0"
        cmd = [
            "uvicorn",
            "config.asgi:application",
            "--host",
            host,
            "--port",
            port,
            "--no-access-log",
        ]
    elif role == "worker":
        cmd = [
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "realtime,default,bulk",
            "--loglevel",
            "INFO",
        ]
    else:
        cmd = ["celery", "-A", "config", "beat", "--loglevel", "INFO"]
    bindir = Path(sys.executable).parent
    exe = bindir / cmd[0]
    os.execv(str(exe) if exe.exists() else cmd[0], [cmd[0], *cmd[1:], *extra])
    return 0  # pragma: no cover - execv does not return


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__ or "")
        return 0
    command, rest = argv[0], argv[1:]
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

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from lifeline import cli

User = get_user_model()  # core imports no other Lifeline app


@pytest.mark.parametrize(
    ("role", "argv", "env"),
    [
        (
            "web",
            [
                "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", "8000",
                "--workers", "2", "--blocking-threads", "4", "config.wsgi:application",
            ],
            {},
        ),
        (
            "ws",
            [
                "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", "8001",
                "--no-access-log", "--no-proxy-headers",
            ],
            {"DATABASE_CONN_MAX_AGE": "0"},
        ),
        (
            "worker",
            [
                "celery", "-A", "config", "worker", "-Q", "realtime,default,bulk",
                "--loglevel", "INFO",
            ],
            {},
        ),
        (
            "beat",
            [
                "celery", "-A", "config", "beat",
                "--schedule", str(cli.ROOT / "var" / "celerybeat-schedule"),
                "--loglevel", "INFO",
            ],
            {},
        ),
    ],
)  # fmt: skip
def test_build_command_for_each_role(role, argv, env):
    assert cli.build_command(role, environ={}) == (argv, env)


def test_build_command_takes_address_from_the_environment_and_extra_args():
    argv, _env = cli.build_command(
        "web",
        ["--respawn-failed-workers"],
        environ={"LIFELINE_BIND_HOST": "0.0.0.0", "LIFELINE_WEB_PORT": "9000"},  # noqa: S104
    )

    assert argv[4:8] == ["0.0.0.0", "--port", "9000", "--workers"]  # noqa: S104
    assert argv[-1] == "--respawn-failed-workers"


def test_build_command_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="unknown role"):
        cli.build_command("cron", environ={})


def test_run_execs_the_role_with_its_environment(monkeypatch):
    calls = []
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    monkeypatch.setattr(cli.os, "chdir", lambda path: None)
    monkeypatch.setattr(cli.os, "execvp", lambda exe, argv: calls.append((exe, argv)))

    assert cli.main(["run", "ws", "--port", "8100"]) == 0

    exe, argv = calls[0]
    assert exe.endswith("uvicorn")
    assert argv[0] == "uvicorn"
    assert argv[-2:] == ["--port", "8100"]
    assert cli.os.environ["DATABASE_CONN_MAX_AGE"] == "0"


def test_run_without_a_known_role_prints_usage(capsys):
    assert cli.main(["run", "cron"]) == 2
    assert "usage: lifeline run {web,ws,worker,beat}" in capsys.readouterr().err


def test_unknown_command_fails_and_help_succeeds(capsys):
    assert cli.main(["frobnicate"]) == 2
    assert cli.main(["--help"]) == 0
    assert "lifeline serve [--demo]" in capsys.readouterr().out


@pytest.fixture
def fake_server(monkeypatch, settings, tmp_path):
    """Run `serve` up to the point where it would start serving."""
    import uvicorn

    from lifeline.core import scheduler

    settings.VAR_DIR = tmp_path / "var"
    served = []
    monkeypatch.delenv("LIFELINE_EMBEDDED", raising=False)
    monkeypatch.delenv("CELERY_TASK_ALWAYS_EAGER", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    monkeypatch.setattr(scheduler, "start_embedded_beat", lambda: None)
    return served


@pytest.mark.django_db
def test_serve_without_demo_creates_no_demo_data(fake_server, settings):
    assert cli.main(["serve", "--port", "8123", "--host", "127.0.0.2"]) == 0

    assert fake_server == [
        (
            "lifeline.core.embedded:application",
            {
                "host": "127.0.0.2",
                "port": 8123,
                "log_level": "warning",
                "lifespan": "off",
                # Django's redacting handlers log for uvicorn; REMOTE_ADDR is the TCP peer.
                "log_config": None,
                "access_log": False,
                "proxy_headers": False,
            },
        )
    ]
    assert User.objects.count() == 0
    assert not (settings.VAR_DIR / "demo-credentials.json").exists()


@pytest.mark.django_db
def test_serve_with_demo_loads_the_demo_data(fake_server, settings, capsys):
    assert cli.main(["serve", "--demo"]) == 0

    # Every user is demo data: the 18 role accounts in the credentials file, plus the demo
    # crews' and staff's further members that the modules' seeders add (no login printed).
    accounts = json.loads((settings.VAR_DIR / "demo-credentials.json").read_text())["accounts"]
    assert len(accounts) == 18
    assert User.objects.filter(is_demo=True).count() == User.objects.count() == 30
    out = capsys.readouterr().out
    assert "Demo accounts" in out
    assert "Lifeline on http://127.0.0.1:8000/" in out

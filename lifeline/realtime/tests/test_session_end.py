"""Every path that ends a session closes that session's open sockets (issue 15, finding 2).

Before, a socket was authenticated at the handshake only and kept delivering events until its
token expired (up to 30 minutes after logout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework_simplejwt.exceptions import TokenError

from lifeline.access.enums import Role
from lifeline.access.services import membership_revoke
from lifeline.access.tests.factories import MembershipFactory, user_with_role
from lifeline.accounts.clients import client_info
from lifeline.accounts.enums import UserStatus
from lifeline.accounts.exceptions import TokenNotValid
from lifeline.accounts.models import User, UserSession
from lifeline.accounts.services.passwords import (
    password_change,
    password_reset_confirm,
    password_reset_request,
)
from lifeline.accounts.services.sessions import (
    TokenPair,
    session_end_web,
    session_revoke,
    session_start_api,
    token_refresh,
    user_logout,
)
from lifeline.accounts.tests.mailbox import last_code
from lifeline.realtime import groups
from lifeline.realtime.events import Event, apublish
from lifeline.realtime.tests.conftest import ORIGIN, close_code, communicator, session_cookie
from lifeline.realtime.tests.factories import UserFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9!"  # realtime's UserFactory
NEW_PASSWORD = "Another-Strong-Pass-42"
SIGNED_OUT, RECONNECT = 4401, 4000


@dataclass
class Sessions:
    user: User
    first: TokenPair  # the session the path ends
    second: TokenPair  # another session of the same user
    web_key: str = ""  # the first socket's web session, for the web logout path


def _api_logout(s: Sessions) -> None:
    user_logout(user=s.user, session_id=s.first.session_id)


def _session_revoke(s: Sessions) -> None:
    session_revoke(actor=s.user, session=UserSession.objects.get(pk=s.first.session_id))


def _refresh_replayed(s: Sessions) -> None:
    token_refresh(refresh=s.first.refresh)
    with pytest.raises((TokenNotValid, TokenError)):
        token_refresh(refresh=s.first.refresh)  # the rotated token again: theft, family revoked


def _password_changed_in_the_other_session(s: Sessions) -> None:
    password_change(
        user=User.objects.get(pk=s.user.pk),
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        current_session_id=s.second.session_id,
    )


def _password_reset(s: Sessions) -> None:
    password_reset_request(identifier=s.user.email)
    password_reset_confirm(identifier=s.user.email, code=last_code(), new_password=NEW_PASSWORD)


def _deactivated(s: Sessions) -> None:
    user = User.objects.get(pk=s.user.pk)
    user.status = UserStatus.BANNED
    user.save()


def _membership_revoked(s: Sessions) -> None:
    membership = MembershipFactory(user=s.user, role=Role.DOCTOR)
    membership_revoke(actor=user_with_role(Role.PLATFORM_ADMIN), membership=membership)


def _web_logout(s: Sessions) -> None:
    # What the web logout view does: end the UserSession, then flush the Django session.
    session_end_web(session_key=s.web_key)
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=s.web_key).delete()


# path -> (what ends it, close code of the first session's socket, of the other session's
# socket: None = stays open)
PATHS: dict[str, tuple[Callable[[Sessions], None], int, int | None]] = {
    "api logout": (_api_logout, SIGNED_OUT, None),
    "session revoke": (_session_revoke, SIGNED_OUT, None),
    "refresh token replayed": (_refresh_replayed, SIGNED_OUT, None),
    "password changed in the other session": (
        _password_changed_in_the_other_session,
        SIGNED_OUT,
        None,
    ),
    "password reset (ends all sessions)": (_password_reset, SIGNED_OUT, SIGNED_OUT),
    "deactivation": (_deactivated, SIGNED_OUT, SIGNED_OUT),
    "membership revoked (reconnect for new groups)": (_membership_revoked, RECONNECT, RECONNECT),
    "web logout": (_web_logout, SIGNED_OUT, None),
}


def _sessions(*, web: bool) -> tuple[Sessions, bytes]:
    user = UserFactory()
    start = lambda: session_start_api(user=user, client=client_info(None))  # noqa: E731
    sessions = Sessions(user=user, first=start(), second=start())
    cookie = b""
    if web:
        cookie = session_cookie(user)
        sessions.web_key = cookie.decode().partition("=")[2]
    return sessions, cookie


@pytest.mark.parametrize("path", PATHS)
async def test_ending_a_session_closes_its_sockets(path: str) -> None:
    end, first_code, second_code = PATHS[path]
    web = path == "web logout"
    sessions, cookie = await sync_to_async(_sessions)(web=web)
    if web:
        first = communicator(headers=[(b"origin", ORIGIN), (b"cookie", cookie)])
    else:
        first = communicator(path=f"/ws/notifications/?token={sessions.first.access}")
    second = communicator(path=f"/ws/notifications/?token={sessions.second.access}")
    assert (await first.connect())[0] is True
    assert (await second.connect())[0] is True
    assert await first.receive_nothing(timeout=0.2) is True  # open and authenticated

    await sync_to_async(end)(sessions)

    assert await close_code(first) == first_code  # within a second
    if second_code is None:
        assert await second.receive_nothing(timeout=0.3) is True
        event = Event(type="notifications.notification_created", data={"n": 1})
        await apublish(event, [groups.user(sessions.user.pk)])
        assert (await second.receive_json_from(timeout=1))["id"] == str(event.id)
    else:
        assert await close_code(second) == second_code
    await first.disconnect()
    await second.disconnect()


async def test_a_socket_opened_with_an_ended_session_is_refused() -> None:
    sessions, _cookie = await sync_to_async(_sessions)(web=False)
    await sync_to_async(_api_logout)(sessions)
    comm = communicator(path=f"/ws/notifications/?token={sessions.first.access}")

    await comm.connect()

    assert await close_code(comm) == SIGNED_OUT
    await comm.disconnect()

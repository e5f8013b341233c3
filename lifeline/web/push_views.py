"""The site-wide service worker for browser push (Web Push with VAPID).

Served from `/sw.js` (not `/static/`) so its default scope is the whole site; the header
`Service-Worker-Allowed: /` says so explicitly. `never_cache` keeps browsers from running a
stale worker after a deploy. The subscription itself is made by `static/web/push.js` on the
notification settings page through the notifications API.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render_to_string("web/sw.js", {"default_url": reverse("web:inbox")})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response

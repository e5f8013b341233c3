"""Health probes: liveness (no dependencies) and readiness (every dependency, named)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views import View

from lifeline.ops import health


class LivenessView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok"})


class ReadinessView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        checks = health.run_checks()
        ok = all(c["ok"] for c in checks.values())
        failing = [name for name, c in checks.items() if not c["ok"]]
        body = {"status": "ok" if ok else "unavailable", "checks": checks}
        if failing:
            body["failing"] = failing
        return JsonResponse(body, status=200 if ok else 503)

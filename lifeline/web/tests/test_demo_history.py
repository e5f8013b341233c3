"""The demo has a history (issue 14, item 15): `seed_demo` gives the demo patient six months
of assessments with the doctor's decisions and an issued conclusion, a second patient who got
worse, a doctor–patient conversation and the demo wearer's SOS events in every status — and
the doctor's pages show them on first look."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lifeline.accounts.models import User
from lifeline.audit.models import AuditEvent
from lifeline.chat.models import Conversation, Message
from lifeline.clinic.models.assessments import (
    Assessment,
    Evaluation,
    LabelDecision,
    Score,
    SuggestionDecision,
)
from lifeline.clinic.models.conclusions import Conclusion, ConclusionVersion
from lifeline.clinic.models.patients import Patient
from lifeline.clinic.selectors.analytics import hads_subscale
from lifeline.notifications.models import Notification
from lifeline.sos.models import ContactNotice, HelperAlert, SosEvent, TimelineEntry

COUNTED = (
    Patient,
    Assessment,
    Score,
    Evaluation,
    SuggestionDecision,
    LabelDecision,
    Conclusion,
    ConclusionVersion,
    Conversation,
    Message,
    SosEvent,
    HelperAlert,
    TimelineEntry,
    ContactNotice,
    Notification,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


class DemoHistoryTests(TestCase):
    var_dir: ClassVar[Path]

    @classmethod
    def setUpClass(cls) -> None:
        cls.var_dir = Path(tempfile.mkdtemp())
        cls._settings = override_settings(
            VAR_DIR=cls.var_dir,
            LIFELINE_2FA_REQUIRED_ROLES=["doctor", "clinic_admin", "sos_admin", "dispatcher"],
        )
        cls._settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._settings.disable()
        shutil.rmtree(cls.var_dir, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", verbosity=0)
        cls.patient = Patient.objects.get(user__email="patient@demo.lifeline.local")
        cls.second = Patient.objects.get(full_name="Петрова Анна Сергеевна")

    def sign_in(self, role: str) -> Client:
        """Through the sign-in page, with the authenticator code where the role needs 2FA."""
        accounts = json.loads((self.var_dir / "demo-credentials.json").read_text())["accounts"]
        account = next(a for a in accounts if a["role"] == role)
        cache.clear()
        client = Client(headers={"accept-language": "en"})
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(
            "/login/", {"identifier": account["login"], "password": account["password"]}
        )
        if "totp_secret" in account:
            device = TOTPDevice.objects.get(user__email=account["login"], confirmed=True)
            totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
            response = client.post("/login/", {"otp": f"{totp.token():0{device.digits}d}"})
        assert response.status_code == 302, response.content.decode()[:1000]
        return client

    # --- the data -------------------------------------------------------------------------
    def test_six_months_of_submitted_assessments_each_with_its_evaluation(self) -> None:
        assessments = Assessment.objects.filter(patient=self.patient).order_by("submitted_at")
        assert [a.status for a in assessments] == ["submitted"] * 9
        assert all(a.evaluation.created_at == a.submitted_at for a in assessments)
        first, last = assessments.first(), assessments.last()
        assert first is not None
        assert last is not None
        assert first.submitted_at is not None
        assert last.submitted_at is not None
        assert last.submitted_at - first.submitted_at == timedelta(days=178)
        assert timezone.now() - last.submitted_at < timedelta(days=5)
        gaps = [
            (b.submitted_at - a.submitted_at).days  # type: ignore[operator]
            for a, b in zip(assessments, list(assessments)[1:], strict=False)
        ]
        assert all(14 <= gap <= 28 for gap in gaps), gaps
        vas = Score.objects.filter(patient=self.patient, instrument="vas").order_by("measured_at")
        assert [s.value for s in vas] == [72, 66, 61, 57, 50, 45, 41, 38, 35]
        # Scored by the engine: the stored totals are what the answers add up to.
        latest = {s.instrument: s for s in Score.objects.filter(assessment=last)}
        assert (latest["dn4"].value, latest["csi"].value) == (4, 29)
        hads = latest["hads"].subscores
        assert (hads_subscale(hads, "anxiety")[0], hads_subscale(hads, "depression")[0]) == (5, 4)
        modes = list(assessments.values_list("mode", flat=True))
        assert modes.count("clinician") == 3
        assert modes.count("patient") == 6

    def test_the_doctor_decided_on_suggestions_and_labels(self) -> None:
        decisions = SuggestionDecision.objects.filter(evaluation__patient=self.patient)
        assert set(decisions.values_list("action", flat=True)) == {"accepted", "rejected"}
        rejected = decisions.get(action="rejected")
        assert (rejected.rule_id, rejected.option) == ("T-1a", "amitriptyline")
        assert "Бирса" in rejected.reason
        assert decisions.filter(action="accepted", rule_id="T-1b", option="pregabalin").count() == 3
        first_visit = Evaluation.objects.filter(patient=self.patient).order_by("created_at")[0]
        assert dict(first_visit.label_decisions.values_list("code", "action")) == {
            "NEURO_SCREEN_POSITIVE": "confirmed",
            "CPSP_definite": "confirmed",
            "ANXIETY_possible": "confirmed",
            "DEPRESSION_possible": "rejected",
        }
        assert all(d.created_at > first_visit.created_at for d in decisions)

    def test_an_issued_conclusion_with_its_pdf(self) -> None:
        conclusion = Conclusion.objects.get(patient=self.patient)
        assert conclusion.status == "issued"
        assert [i.rule_id for i in conclusion.items.order_by("position")] == ["T-1b", "T-0", "T-7"]
        assert [label["code"] for label in conclusion.snapshot["labels"]] == [
            "NEURO_SCREEN_POSITIVE",
            "CPSP_definite",
        ]
        version = conclusion.versions.get()
        client = self.sign_in("patient")
        response = client.get(f"/clinic/conclusions/{conclusion.pk}/versions/{version.number}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    def test_a_conversation_between_the_doctor_and_the_patient(self) -> None:
        conversation = Conversation.objects.get(kind="clinic.care")  # freelance has its own
        senders = list(
            Message.objects.filter(conversation=conversation)
            .order_by("created_at")
            .values_list("sender__email", flat=True)
        )
        assert len(senders) >= 3
        assert set(senders) == {"doctor@demo.lifeline.local", "patient@demo.lifeline.local"}

    def test_one_sos_event_in_each_status_with_its_timeline(self) -> None:
        events = {e.status: e for e in SosEvent.objects.filter(user__email__startswith="device-")}
        assert sorted(events) == ["ACCEPTED", "CANCELLED", "ESCALATED", "NEW", "RESOLVED"]
        kinds = {
            status: list(
                event.timeline.exclude(kind="contacts_told").values_list("kind", flat=True)
            )
            for status, event in events.items()
        }
        assert kinds == {
            "NEW": ["created", "radius_widened", "helpers_alerted"],
            "ACCEPTED": ["created", "radius_widened", "helpers_alerted", "accepted"],
            "ESCALATED": ["created", "radius_widened", "helpers_alerted", "declined", "escalated"],
            "RESOLVED": ["created", "radius_widened", "helpers_alerted", "accepted", "resolved"],
            "CANCELLED": ["created", "radius_widened", "helpers_alerted", "cancelled"],
        }
        resolved = events["RESOLVED"]
        assert resolved.accepted_by is not None
        assert resolved.accepted_by.email == "helper@demo.lifeline.local"
        assert resolved.resolved_at - resolved.created_at == timedelta(minutes=23)  # type: ignore[operator]
        assert timezone.now() - resolved.created_at > timedelta(days=19)
        assert events["CANCELLED"].cancel_reason == "Pressed the button by mistake."
        # Past events: their timelines are dated when they happened, messages all sent.
        for status in ("ACCEPTED", "ESCALATED", "RESOLVED", "CANCELLED"):
            event = events[status]
            times = list(event.timeline.values_list("at", flat=True))
            assert times[0] == event.created_at
            assert times == sorted(times)
            assert not ContactNotice.objects.filter(event=event, sent_at__isnull=True).exists()

    def test_seeding_again_creates_nothing(self) -> None:
        before = counts()
        statuses = dict(SosEvent.objects.values_list("idempotency_key", "status"))

        call_command("seed_demo", verbosity=0)

        assert counts() == before
        assert dict(SosEvent.objects.values_list("idempotency_key", "status")) == statuses

    # --- the doctor's pages ---------------------------------------------------------------
    def test_the_dynamics_page_shows_the_pain_falling(self) -> None:
        client = self.sign_in("doctor")
        # As the patient card, the dashboard and the cohort link to it: no instrument named.
        response = client.get(f"/clinic/patients/{self.patient.pk}/dynamics/")
        assert response.status_code == 200
        assert response.context["instrument"] == "vas"
        points = response.context["points"]  # newest first
        assert [p.value for p in points] == [35, 38, 41, 45, 50, 57, 61, 66, 72]
        assert points[0].change_from_baseline_percent == -51.4
        assert len(response.context["dynamics"].events) == 1  # the issued conclusion
        html = response.content.decode()
        assert "<svg" in html
        assert "No scores for this instrument yet." not in html
        assert "-51.4 %" in html

    def test_the_dashboard_lists_the_patient_who_got_worse(self) -> None:
        client = self.sign_in("doctor")
        response = client.get("/clinic/dashboard/")
        assert response.status_code == 200
        data = response.context["data"]
        assert data["patient_count"] == 2
        assert [r["patient_id"] for r in data["red_flags"]] == [self.second.pk]
        assert [(w["patient_id"], w["before"], w["after"]) for w in data["worsening"]] == [
            (self.second.pk, 4.2, 6.8)
        ]
        html = response.content.decode()
        assert "Петрова Анна Сергеевна</a>: 4.2 → 6.8" in html

    def test_the_cohort_page_shows_both_patients(self) -> None:
        client = self.sign_in("doctor")
        response = client.get("/clinic/cohort/")
        assert response.status_code == 200
        summary = response.context["summary"]
        rows = {r.patient_name: r for r in summary["rows"]}
        demo = rows["Demo Patient"]
        assert (demo.mechanism, demo.baseline, demo.latest, demo.change_percent) == (
            "CPSP",
            7.2,
            3.5,
            -51.4,
        )
        assert (demo.responder_30, demo.responder_50) == (True, True)
        second = rows["Петрова Анна Сергеевна"]
        assert (second.mechanism, second.baseline, second.latest) == ("UNCONFIRMED", 4.5, 6.8)
        assert summary["mechanisms"] == {"CPSP": 1, "UNCONFIRMED": 1}
        assert (summary["with_follow_up"], summary["responders_50"]) == (2, 1)

    def test_no_account_outside_the_demo(self) -> None:
        assert not User.objects.filter(is_demo=False).exists()
        assert set(Patient.objects.values_list("organization__slug", flat=True)) == {"demo-clinic"}

import factory

from lifeline.audit.models import AuditEvent, AuditResult


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = "test.thing_done"
    result = AuditResult.SUCCESS

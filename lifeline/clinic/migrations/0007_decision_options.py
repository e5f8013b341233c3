"""Name the option of old suggestion decisions stored without one.

A decision belongs to one suggestion (rule id + option). The API used to accept a decision
with the rule id only; where the rule made a single suggestion in that evaluation, the option
is that suggestion's. Where the rule made several (T-6), the row cannot be attributed and
stays as it is: it remains in the decision log and matches no suggestion.
"""

from typing import Any

from django.db import migrations


def name_decision_options(apps: Any, schema_editor: Any) -> None:
    decision_model = apps.get_model("clinic", "SuggestionDecision")
    evaluation_model = apps.get_model("clinic", "Evaluation")
    rows = decision_model.objects.filter(option="").values_list("pk", "evaluation_id", "rule_id")
    by_evaluation: dict[Any, list[tuple[Any, str]]] = {}
    for pk, evaluation_id, rule_id in rows:
        by_evaluation.setdefault(evaluation_id, []).append((pk, rule_id))
    for evaluation_id, suggestions in evaluation_model.objects.filter(
        pk__in=list(by_evaluation)
    ).values_list("pk", "suggestions"):
        options: dict[str, list[str]] = {}
        for suggestion in suggestions or []:
            if isinstance(suggestion, dict):
                options.setdefault(str(suggestion.get("rule_id") or ""), []).append(
                    str(suggestion.get("option") or "")
                )
        for pk, rule_id in by_evaluation[evaluation_id]:
            named = options.get(rule_id, [])
            if len(named) == 1 and named[0]:
                # update(): the model's save() refuses to change a logged row.
                decision_model.objects.filter(pk=pk).update(option=named[0][:200])


class Migration(migrations.Migration):
    dependencies = [("clinic", "0006_protocol_template_organization")]

    operations = [migrations.RunPython(name_decision_options, migrations.RunPython.noop)]

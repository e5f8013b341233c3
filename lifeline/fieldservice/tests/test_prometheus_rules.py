"""deploy/prometheus/fieldservice.rules.yml: well-formed alerting rules (promtool is not
installed in CI, so the file is checked here) over series that /metrics really exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

RULES = Path(settings.BASE_DIR) / "deploy" / "prometheus" / "fieldservice.rules.yml"
# `name{label="v", other=~"a|b"}` inside an expression.
_SELECTOR = re.compile(r"(lifeline_[a-z0-9_]+)(?:\{([^}]*)\})?")
_MATCHER = re.compile(r'([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"')
_DURATION = re.compile(r"^\d+[smhd]$")


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    assert list(document) == ["groups"]
    rules: list[dict[str, Any]] = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"}
        rules.extend(group["rules"])
    return rules


def _exported(client: Any) -> dict[str, list[dict[str, str]]]:
    """Every sample name /metrics serves, with the label sets of its samples."""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    samples: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(dict(sample.labels))
    return samples


def test_every_rule_is_well_formed() -> None:
    rules = _rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)) == 9
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"Fieldservice[A-Za-z]+", rule["alert"])
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}
        assert rule["annotations"]["summary"].strip()
        if "for" in rule:
            assert _DURATION.match(rule["for"]), rule["alert"]
        expr = rule["expr"]
        assert expr.count("(") == expr.count(")"), rule["alert"]
        assert expr.count("[") == expr.count("]"), rule["alert"]
        assert _SELECTOR.search(expr), rule["alert"]
        for window in re.findall(r"\[([^\]]+)\]", expr):
            assert _DURATION.match(window), (rule["alert"], window)


@pytest.mark.django_db
def test_every_series_a_rule_uses_is_exported_at_metrics(client: Any) -> None:
    samples = _exported(client)
    used = set()
    for rule in _rules():
        for name, matchers in _SELECTOR.findall(rule["expr"]):
            used.add(name)
            assert name in samples, f"{rule['alert']}: {name} is not exported at /metrics"
            for label, op, value in _MATCHER.findall(matchers or ""):
                values = {s[label] for s in samples[name] if label in s}
                assert values, f"{rule['alert']}: {name} has no label {label}"
                if op == "=":
                    assert value in values, f"{rule['alert']}: {name}{{{label}={value!r}}}"
                elif op == "=~":
                    for alternative in value.split("|"):
                        assert alternative in values, f"{rule['alert']}: {label}={alternative}"
    # and every counter of the module is watched by some rule
    module_counters = {n for n in samples if n.startswith("lifeline_fieldservice_")}
    assert {n for n in module_counters if n.endswith("_total")} == used

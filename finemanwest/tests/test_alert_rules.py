"""The alert rules in ops/prometheus/ load as Prometheus rules and watch series that /metrics really serves."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from finemanwest.metrics import external_call
from finemanwest.tests.test_metrics import TOKEN, scrape

pytestmark = pytest.mark.django_db

RULES = Path(settings.BASE_DIR) / "ops" / "prometheus" / "alerts.yml"
WANTED = {
    "FinemanWestHighErrorRate",
    "FinemanWestSlowRequests",
    "FinemanWestDatabaseUnreachable",
    "FinemanWestSesFailing",
    "FinemanWestClaudeFailing",
    "FinemanWestNothingSentForADay",
}


def _rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def test_the_rules_load_and_each_has_what_prometheus_needs():
    rules = _rules()
    assert {rule["alert"] for rule in rules} == WANTED
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}, rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"page", "warn"}
        assert rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]


def test_every_series_an_alert_watches_is_served(client, settings):
    settings.METRICS_TOKEN = TOKEN
    client.get(reverse("login"))
    with pytest.raises(RuntimeError), external_call("ses", "send"):
        raise RuntimeError("an error series exists only after an error")
    served = set(scrape(client))

    for rule in _rules():
        for name in re.findall(r"\bfinemanwest_[a-z_]+", rule["expr"]):
            assert name in served, f"{rule['alert']}: {name}"

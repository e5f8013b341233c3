from __future__ import annotations

import pytest

from lifeline.jobs.tests.probe_tasks import create_probe_table


@pytest.fixture
def probe_table(db):
    """The probe task's table, inside the test's transaction (rolled back with it)."""
    create_probe_table()

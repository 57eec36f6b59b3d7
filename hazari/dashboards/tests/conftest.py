"""A month of attendance in the test world for the page tests: school A the same counts seven
days running, B varying counts for a week, C reporting every day up to today, D's attendance
of today held for a wrong clock. "Today" is Wednesday 15 July 2026, 15:00."""

import datetime

import pytest
import time_machine

from hazari.dashboards import refresh
from hazari.dashboards.models import RefreshState
from hazari.dashboards.tests import scenario

NOW = scenario.at(scenario.START + datetime.timedelta(days=9), "15:00")  # Wednesday 15 July


@pytest.fixture
def dash(world):
    scenario.prepare(world)
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    with time_machine.travel(NOW, tick=False):
        scenario.apply(world, scenario.Streak(0, 0, 7, 0.7), None)
        scenario.apply(world, scenario.Streak(2, 0, 10, 0.5), None)  # C, up to today
        for day, share in enumerate([0.9, 0.8, 0.95, 0.85, 0.9, 0.8, 0.7]):
            scenario.send(world, scenario.Send(1, day, share, 20 + day * 15, 0, False, "PA"))
        scenario.send(world, scenario.Send(3, 9, 0.4, 20, 0, True, "PP"))  # D held today
        refresh.refresh(now=NOW)
    return world


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller

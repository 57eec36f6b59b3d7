"""A week of meal reports in the test world (Monday 6 to Saturday 11 July 2026; Sunday is the
weekly off; "today" is Wednesday 15 July, 15:00):

* school A (classes 1–5) served on Monday, no food grain Tuesday to Thursday, served on Friday,
  a local holiday for the meal on Saturday: four days not served, three of them in a row;
* school B (classes 6–8) had every child present and fed every day: meals equal to enrolment
  six days in a row;
* school C (classes 1–8) fed 90 % of those present every day, and on Saturday sent meals for a
  day on which nobody came: held for review (the state holds meals above those present);
* school D (classes 9–12) serves no meals.
"""

import pytest
import time_machine

from hazari.attendance.models import RuleSet
from hazari.dashboards import refresh
from hazari.dashboards.models import RefreshState
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.conftest import NOW

A_MEALS = ["fed", "grain", "grain", "grain", "fed", "holiday"]


@pytest.fixture
def meals(world):
    scenario.prepare(world)
    RuleSet.objects.create(unit=world.state, meals_over_present="held")
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    with time_machine.travel(NOW, tick=False):
        for day in range(6):
            send = scenario.Send(0, day, 0.8, 20, 0, False, "PA", A_MEALS[day])
            scenario.send(world, send)
            scenario.send(world, scenario.Send(1, day, 1.0, 20, 0, False, "PP", "all"))
            c_share, c_meals = (0.0, "all") if day == 5 else (0.75, "most")
            scenario.send(world, scenario.Send(2, day, c_share, 20, 0, False, "PP", c_meals))
            scenario.send(world, scenario.Send(3, day, 0.6, 20, 0, False, "PP", "none"))
        refresh.refresh(now=NOW)
    return world


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller

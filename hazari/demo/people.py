"""The demo's people: a school account and teachers for every school, an officer at every level.

A school account's user ID is the school's UDISE code, as in the real roll-out; everyone
else logs in with an employee code. Names and mobile numbers are made up.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from hazari.accounts.roles import Role
from hazari.demo.names import person_name
from hazari.demo.plan import SchoolPlan, StatePlan, UniqueNumbers
from hazari.demo.sources import STATE_CODE
from hazari.orgunits.models import Level

CHILDREN_PER_TEACHER = 30  # the Right to Education norm for primary classes
MOST_TEACHERS = 6  # the demo stops here; real higher secondary schools have more


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str
    role: str
    unit: tuple[int, str]  # (level, code): codes are unique only within a level
    mobile: str


def people(plan: StatePlan, seed: int) -> Iterator[Person]:
    """Everyone, from the state down, in the same order for the same seed."""
    rng = random.Random(f"{seed}:people")
    numbers = UniqueNumbers(random.Random(f"{seed}:people-numbers"))
    # Draws for the school accounts' mobiles come from the schools themselves; keep them apart.
    numbers.taken.update(school.hm_mobile for _, school in plan.schools())

    def officer(role: str, level: int, code: str) -> Person:
        return Person(
            username=numbers.draw("E", 7),
            name=person_name(rng),
            role=role,
            unit=(level, code),
            mobile=numbers.draw("9", 9),
        )

    yield officer(Role.STATE_OFFICER, Level.STATE, STATE_CODE)
    yield officer(Role.STATE_ADMIN, Level.STATE, STATE_CODE)
    for district_plan in plan.districts:
        yield officer(Role.DISTRICT_OFFICER, Level.DISTRICT, district_plan.district.code)
        yield officer(Role.MDM_OFFICER, Level.DISTRICT, district_plan.district.code)
    for _, block_plan in plan.blocks():
        yield officer(Role.BLOCK_OFFICER, Level.BLOCK, block_plan.block.code)
        yield officer(Role.DDO, Level.BLOCK, block_plan.block.code)
        yield officer(Role.MDM_OFFICER, Level.BLOCK, block_plan.block.code)
    for _, cluster in plan.clusters():
        yield officer(Role.CLUSTER_OFFICER, Level.CLUSTER, cluster.code)
    for _, school in plan.schools():
        unit = (Level.SCHOOL, school.udise_code)
        yield Person(school.udise_code, person_name(rng), Role.HEAD_MASTER, unit, school.hm_mobile)
        for _ in range(teachers_for(school)):
            mobile = numbers.draw(rng.choice("6789"), 9)
            yield Person(numbers.draw("T", 8), person_name(rng), Role.TEACHER, unit, mobile)


def teachers_for(school: SchoolPlan) -> int:
    return min(MOST_TEACHERS, max(1, math.ceil(school.children / CHILDREN_PER_TEACHER)))

"""The access layer on random trees: a user sees exactly their subtree."""

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hazari.accounts import scope
from hazari.accounts.models import User
from hazari.accounts.roles import ROLE_LEVELS
from hazari.orgunits.models import Level, OrgUnit, School

# A tree is described by how many children each unit has, level by level.
fanout = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4)


def build_tree(draw_fanouts: list[list[int]]) -> list[OrgUnit]:
    state = OrgUnit(code="S", name_en="State")
    state.set_parent(None)
    state.save()
    units, frontier, n = [state], [state], 0
    for level_fanouts in draw_fanouts:
        next_frontier = []
        for i, parent in enumerate(frontier):
            for _ in range(level_fanouts[i % len(level_fanouts)]):
                n += 1
                child = OrgUnit(code=f"U{n}", name_en=f"Unit {n}")
                child.set_parent(parent)
                child.save()
                if child.level == Level.SCHOOL:
                    School.objects.create(unit=child, category=1)
                units.append(child)
                next_frontier.append(child)
        frontier = next_frontier
    return units


def brute_force_subtree(root: OrgUnit, units: list[OrgUnit]) -> set[int]:
    """Walk parent links in Python: the slow, obviously right answer."""
    by_id = {u.pk: u for u in units}
    result = set()
    for u in units:
        node: OrgUnit | None = u
        while node is not None:
            if node.pk == root.pk:
                result.add(u.pk)
                break
            node = by_id.get(node.parent_id) if node.parent_id else None
    return result


class ScopeOnRandomTrees(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        fanouts=st.lists(fanout, min_size=4, max_size=4),
        pick=st.integers(min_value=0),
        role_pick=st.integers(min_value=0),
    )
    def test_user_sees_exactly_their_subtree(self, fanouts, pick, role_pick):
        units = build_tree(fanouts)
        home = units[pick % len(units)]
        roles = sorted(r for r, levels in ROLE_LEVELS.items() if home.level in levels)
        user = User.objects.create_user(
            "USER1", "x", name="U", role=roles[role_pick % len(roles)], unit=home
        )
        expected = brute_force_subtree(home, units)

        assert set(scope.units_for(user).values_list("pk", flat=True)) == expected
        schools = {u.pk for u in units if u.level == Level.SCHOOL and u.pk in expected}
        assert set(scope.schools_for(user).values_list("pk", flat=True)) == schools
        # The capture upload's own check (one query, no ORM) agrees.
        every_school = [u.pk for u in units if u.level == Level.SCHOOL]
        assert {pk for pk in every_school if scope.school_facts_for(user, pk)} == schools
        for u in units:
            assert home.contains(u) == (u.pk in expected)
            if u.pk not in expected:
                with pytest.raises(Http404):
                    scope.unit_for(user, u.pk)
        # The crumbs to each unit of the area: its ancestors from the user's own unit down.
        by_id = {u.pk: u for u in units}
        for pk in expected:
            walked, node = [], by_id[pk]
            while node.pk != home.pk:
                assert node.parent_id is not None
                node = by_id[node.parent_id]
                walked.append(node.pk)
            crumbs = scope.crumbs_for(user, scope.unit_for(user, pk))
            assert [c.pk for c in crumbs] == walked[::-1]


def test_crumbs_from_the_users_own_unit_down_read_with_the_unit(world, django_assert_num_queries):
    w = world
    with django_assert_num_queries(1):
        unit = scope.unit_for(w.bhavna, w.school_a.pk)
        crumbs = scope.crumbs_for(w.bhavna, unit)
    assert crumbs == [w.block_x, w.cluster_x1]
    school = scope.school_for(w.sunita, w.school_a.pk)
    with django_assert_num_queries(0):
        crumbs = scope.crumbs_for(w.sunita, school.unit)
    assert crumbs == [w.state, w.district_a, w.block_x, w.cluster_x1]
    assert scope.crumbs_for(w.asha, w.school_a.unit) == []


def test_no_crumbs_to_a_unit_outside_the_area(world):
    w = world
    assert scope.crumbs_for(w.yash, w.school_a.unit) == []
    w.bhavna.is_active = False
    assert scope.crumbs_for(w.bhavna, w.school_a.unit) == []

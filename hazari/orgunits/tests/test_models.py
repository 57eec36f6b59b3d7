import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from hazari.orgunits.models import Level, OrgUnit, School


def test_subtree_of_a_block(world):
    units = set(OrgUnit.objects.subtree(world.block_x))
    assert units == {world.block_x, world.cluster_x1, world.school_a.unit, world.school_b.unit}


def test_schools_under_a_block_is_one_query(world):
    with CaptureQueriesContext(connection) as queries:
        schools = list(School.objects.under(world.district_a))
    assert len(queries) == 1
    assert {s.pk for s in schools} == {world.school_a.pk, world.school_b.pk, world.school_c.pk}


def test_schools_under_a_block_use_an_index(world):
    sql, params = School.objects.under(world.block_x).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan or "USING INTEGER PRIMARY KEY" in plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan


def test_parent_and_ancestors(world):
    school = world.school_a.unit
    assert school.parent == world.cluster_x1
    assert school.ancestor_ids() == [
        world.state.pk,
        world.district_a.pk,
        world.block_x.pk,
        world.cluster_x1.pk,
    ]
    assert world.state.parent is None
    assert world.block_x.contains(school) and not world.block_y.contains(school)


def test_children_of(world):
    assert set(OrgUnit.objects.children_of(world.district_a)) == {world.block_x, world.block_y}
    assert list(OrgUnit.objects.children_of(world.school_a.unit)) == []


def test_database_refuses_a_unit_with_ancestors_that_do_not_fit_its_level(world):
    broken = OrgUnit(level=Level.BLOCK, code="BAD", name_en="Bad", state=world.state)
    with pytest.raises(IntegrityError), transaction.atomic():
        broken.save()


def test_school_classes_follow_category_unless_overridden(world):
    assert list(world.school_b.classes) == [6, 7, 8]
    world.school_b.highest_class_override = 10
    assert list(world.school_b.classes) == [6, 7, 8, 9, 10]


def test_names_follow_the_active_language(world):
    from django.utils.translation import override

    with override("hi"):
        assert world.block_x.name == "फंदा"
    with override("en"):
        assert world.block_x.name == "Phanda"
    world.block_x.name_hi = ""
    with override("hi"):
        assert world.block_x.name == "Phanda"

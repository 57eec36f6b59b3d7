"""build_demo_state: the demo builds, makes sense, and is the same for the same seed."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from hazari.accounts.models import AccountEvent, User
from hazari.accounts.roles import Role, role_fits_level
from hazari.demo.plan import CATEGORY_MIX, SCALES, plan_state
from hazari.demo.sources import read_districts
from hazari.demo.wipe import StillReferenced, delete_all
from hazari.orgunits.categories import Category
from hazari.orgunits.models import Level, OrgUnit, School
from hazari.registers.models import Enrolment
from hazari.schooldays.models import AcademicSession
from hazari.staff.models import Posting

NEW_DISTRICTS = {"Mauganj", "Maihar", "Pandhurna"}


def build(*args: str) -> str:
    out = StringIO()
    call_command("build_demo_state", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def unit_counts() -> dict[int, int]:
    return {level: OrgUnit.objects.filter(level=level).count() for level in Level}


def printed_logins(output: str) -> list[str]:
    """The user IDs in the log-in table: the first cell of each row that has the password."""
    return [line.split()[0] for line in output.splitlines() if " hazari-demo " in line]


def fingerprint() -> tuple:
    """Everything the build decides, leaving out timestamps and database ids."""
    return (
        list(OrgUnit.objects.values_list("level", "code", "name_en", "name_hi").order_by("pk")),
        list(
            School.objects.values_list(
                "unit__code", "category", "start_time", "hm_mobile"
            ).order_by("pk")
        ),
        list(
            Enrolment.objects.values_list(
                "school__unit__code", "academic_year", "class_no", "boys", "girls", "third_gender"
            ).order_by("pk")
        ),
        list(
            User.objects.values_list(
                "username", "name", "role", "unit__code", "mobile", "password"
            ).order_by("pk")
        ),
    )


@pytest.fixture
def demo(db) -> str:
    return build("--scale", "demo", "--seed", "1")


def test_demo_scale_builds_three_real_districts_with_their_blocks(demo):
    counts = unit_counts()
    assert counts[Level.STATE] == 1
    assert set(OrgUnit.objects.filter(level=Level.DISTRICT).values_list("name_en", flat=True)) == {
        "Bhopal",
        "Sehore",
        "Shajapur",
    }
    assert counts[Level.BLOCK] == 11  # 2 + 5 + 4 in the LGD block list
    assert counts[Level.SCHOOL] == 300
    assert 10 <= counts[Level.CLUSTER] <= 15  # about 27 schools to a cluster
    assert "300 schools" in demo


def test_every_school_has_enrolment_for_exactly_its_classes(demo):
    classes: dict[int, set[int]] = {}
    for school_id, class_no in Enrolment.objects.values_list("school_id", "class_no"):
        classes.setdefault(school_id, set()).add(class_no)
    for school in School.objects.all():
        assert classes.get(school.pk) == set(school.classes), school.udise_code
    assert not Enrolment.objects.filter(boys=0, girls=0, third_gender=0).exists()


def test_udise_codes_have_11_digits_and_are_unique(demo):
    codes = list(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("code", flat=True))
    assert all(re.fullmatch(r"23\d{9}", code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_every_user_belongs_to_a_unit_their_role_fits(demo):
    levels = dict(OrgUnit.objects.values_list("pk", "level"))
    for username, role, unit_id in User.objects.values_list("username", "role", "unit_id"):
        assert role_fits_level(role, levels[unit_id]), username
    roles = Counter(User.objects.values_list("role", flat=True))
    assert roles[Role.HEAD_MASTER] == 300
    assert roles[Role.CLUSTER_OFFICER] == unit_counts()[Level.CLUSTER]
    assert roles[Role.BLOCK_OFFICER] == roles[Role.DDO] == 11
    assert roles[Role.MDM_OFFICER] == 11 + 3  # a block's and a district's
    assert roles[Role.DISTRICT_OFFICER] == 3
    assert roles[Role.STATE_OFFICER] == roles[Role.STATE_ADMIN] == 1
    assert 300 <= roles[Role.TEACHER] <= 6 * 300


def test_every_teacher_is_posted_at_their_school_since_the_session_began(demo):
    teachers = {
        u.username: (u.unit_id, u.name)
        for u in User.objects.filter(role=Role.TEACHER).only("username", "unit_id", "name")
    }
    postings = {
        p.employee_code: (p.school_id, p.name)
        for p in Posting.objects.filter(end_date=None).only("employee_code", "school_id", "name")
    }
    assert postings == teachers
    today = timezone.localdate()
    session = AcademicSession.objects.get()
    assert session.start <= today <= session.end
    assert set(Posting.objects.values_list("start_date", flat=True)) == {session.start}
    assert Posting.history.count() == len(postings)  # each with its "+" record
    school = School.objects.get(unit__code=min(teachers_school_codes()))
    assert Posting.objects.at(school).on(today).count() >= 1


def teachers_school_codes() -> set[str]:
    return set(User.objects.filter(role=Role.TEACHER).values_list("unit__code", flat=True))


def test_a_school_account_is_the_school_and_its_head_master(demo):
    school = School.objects.select_related("unit").order_by("unit__code").first()
    assert school is not None
    account = User.objects.get(username=school.udise_code)
    assert account.role == Role.HEAD_MASTER
    assert account.unit_id == school.pk
    assert account.mobile == school.hm_mobile
    assert re.fullmatch(r"9\d{9}", school.hm_mobile)


def test_the_printed_logins_work_with_the_demo_password(demo):
    usernames = printed_logins(demo)
    assert len(usernames) == len(Role)  # one of each role
    request = RequestFactory().post("/accounts/login/")
    for username in usernames:
        user = authenticate(request, username=username, password="hazari-demo")
        assert user is not None, username


def test_if_empty_builds_the_first_time_and_nothing_the_second(db):
    first = build("--if-empty", "--schools", "20")
    before = (unit_counts(), User.objects.count(), Enrolment.objects.count())
    assert before[0][Level.SCHOOL] == 20

    second = build("--if-empty", "--schools", "20")

    assert (unit_counts(), User.objects.count(), Enrolment.objects.count()) == before
    assert "nothing was built" in second
    assert printed_logins(second) == printed_logins(first)


def test_without_a_flag_an_existing_state_is_an_error(demo):
    with pytest.raises(CommandError, match="already exists"):
        build("--schools", "20")


def test_the_same_seed_builds_the_same_state_and_another_seed_another(db):
    build("--schools", "40", "--seed", "1")
    first = fingerprint()

    build("--schools", "40", "--seed", "1", "--reset")
    assert fingerprint() == first

    build("--schools", "40", "--seed", "2", "--reset")
    other = fingerprint()
    assert len(other[0]) == len(first[0])  # same districts and blocks, same number of schools
    school_codes = [row[1] for row in other[0] if row[0] == Level.SCHOOL]
    assert school_codes != [row[1] for row in first[0] if row[0] == Level.SCHOOL]


def test_reset_keeps_superusers_and_replaces_everything_else(db):
    build("--schools", "20")
    admin = User.objects.create_superuser("ADMIN1", "x-long-password", name="Admin")
    admin.unit = OrgUnit.objects.get(level=Level.STATE)
    admin.save()
    officer = User.objects.get(role=Role.STATE_OFFICER)
    AccountEvent.objects.create(user=admin, actor=officer, kind=AccountEvent.Kind.RESET_BY_OFFICER)
    AccountEvent.objects.create(user=officer, kind=AccountEvent.Kind.PASSWORD_CHANGED)
    enrolment = Enrolment.objects.first()
    assert enrolment is not None
    enrolment.boys += 1
    enrolment.save()  # writes a history row

    build("--schools", "20", "--seed", "3", "--reset")

    admin.refresh_from_db()
    assert admin.unit is None
    assert unit_counts()[Level.SCHOOL] == 20
    assert not User.objects.filter(pk=officer.pk).exists()
    assert list(AccountEvent.objects.values_list("user", "actor")) == [(admin.pk, None)]
    assert not Enrolment.history.exists()


def test_deleting_stops_at_a_protected_reference(db):
    build("--schools", "20")

    with pytest.raises(StillReferenced, match=r"orgunits\.OrgUnit through district"):
        delete_all(OrgUnit.objects.filter(level=Level.DISTRICT))  # the blocks refer to them


def test_the_new_districts_have_synthetic_codes_and_no_blocks():
    districts = {d.name_en: d for d in read_districts()}
    assert len(districts) == 55
    new = [districts[name] for name in sorted(NEW_DISTRICTS)]
    assert [d.code for d in new] == ["X-MAIHAR", "X-MAUGANJ", "X-PANDHURNA"]
    assert sorted(d.udise_code for d in new) == ["53", "54", "55"]
    assert all(not d.blocks for d in new)
    assert sum(len(d.blocks) for d in districts.values()) == 313


def test_the_full_scale_plan_keeps_the_category_mix_and_skips_the_new_districts():
    plan = plan_state(SCALES["full"], seed=1, schools=2000)

    schools = [school for _, school in plan.schools()]
    assert len(schools) == 2000
    mix = Counter(school.category for school in schools)
    share = CATEGORY_MIX[Category.PRIMARY] / sum(CATEGORY_MIX.values())
    assert abs(mix[Category.PRIMARY] - 2000 * share) <= 1  # to the school
    assert set(mix) == set(CATEGORY_MIX)
    for district in plan.districts:
        if district.district.name_en in NEW_DISTRICTS:
            assert not district.blocks

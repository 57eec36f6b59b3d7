import datetime

import pytest
from django.test import Client
from django.utils import timezone

from hazari.accounts.models import User
from hazari.imports.tests.helpers import logged_in
from hazari.staff.models import Posting
from hazari.staff.tests.helpers import make_posting

D = datetime.date
ADD = {
    "employee_code": "emp7001",
    "name": "Ravi Kumar",
    "designation": "Primary Teacher",
    "mobile": "9876512345",
    "start_date": "2024-07-01",
    "reason": "Order 12/2024",
}


def english(user) -> Client:
    client = logged_in(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("asha", 200),  # head master of the school
        ("tarun", 200),  # teacher of the school
        ("chetan", 200),
        ("dev", 200),
        ("bhavna", 200),
        ("dinesh", 200),
        ("sunita", 200),
        ("arjun", 200),
        ("hari", 404),  # head master of another school
        ("yash", 404),  # another block
        ("zoya", 404),  # another district
    ],
)
def test_staff_page_is_seen_inside_the_area(world, person, status):
    make_posting(world.school_a, "EMP7001", name="Ravi Kumar")
    client = logged_in(getattr(world, person))
    response = client.get(f"/schools/{world.school_a.pk}/staff/")
    assert response.status_code == status
    if status == 200:
        assert "Ravi Kumar" in response.content.decode()
        history = client.get(f"/schools/{world.school_a.pk}/staff/history/")
        assert history.status_code == 200


def test_staff_page_lists_current_and_recently_ended(world):
    make_posting(world.school_a, "EMP7001", name="Ravi Kumar")
    make_posting(
        world.school_a,
        "EMP7002",
        name="Sita Devi",
        start=D(2019, 7, 1),
        end_date=D(2023, 3, 31),
        ended_reason="Transferred (HRMIS)",
    )
    make_posting(world.school_b, "EMP7003", name="Mohan Lal")
    response = english(world.asha).get(f"/schools/{world.school_a.pk}/staff/")
    assert [p.name for p in response.context["current"]] == ["Ravi Kumar"]
    assert [p.name for p in response.context["ended"]] == ["Sita Devi"]
    page = response.content.decode()
    assert "Mohan Lal" not in page
    # Head masters see the list but no buttons to change it.
    assert "/staff/add/" not in page and "/end/" not in page
    hindi = logged_in(world.asha).get(f"/schools/{world.school_a.pk}/staff/").content.decode()
    assert "स्थानांतरण (HRMIS)" in hindi


@pytest.mark.parametrize("person", ["dev", "bhavna", "dinesh", "arjun"])
def test_managers_see_the_buttons(world, person):
    posting = make_posting(world.school_a)
    page = logged_in(getattr(world, person)).get(f"/schools/{world.school_a.pk}/staff/")
    assert f"/schools/{world.school_a.pk}/staff/add/" in page.content.decode()
    assert f"/postings/{posting.pk}/end/" in page.content.decode()


def test_ddo_adds_a_posting(world):
    client = logged_in(world.dev)
    url = f"/schools/{world.school_a.pk}/staff/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, ADD)
    assert response.status_code == 302
    assert response["Location"] == f"/schools/{world.school_a.pk}/staff/"
    posting = Posting.objects.get()
    assert (posting.employee_code, posting.school, posting.created_by) == (
        "EMP7001",
        world.school_a,
        world.dev,
    )
    assert posting.history.get().history_user == world.dev
    assert "Ravi Kumar" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "not a date"}, "start_date"),
        ({"start_date": "2024-02-30"}, "start_date"),
        (
            {"start_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
            "start_date",
        ),
        ({"mobile": "12345"}, "mobile"),
        ({"employee_code": "a b"}, "employee_code"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_shows_form_errors(world, changes, field):
    response = logged_in(world.dev).post(
        f"/schools/{world.school_a.pk}/staff/add/", {**ADD, **changes}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not Posting.objects.exists()


def test_adding_someone_posted_elsewhere_is_explained(world):
    make_posting(world.school_b, "EMP7001")
    response = english(world.dev).post(f"/schools/{world.school_a.pk}/staff/add/", ADD)
    assert response.status_code == 200
    errors = response.context["form"].errors["employee_code"]
    assert "must be ended first" in errors[0]
    assert Posting.objects.count() == 1


@pytest.mark.parametrize("person", ["asha", "tarun", "chetan", "sunita"])
def test_school_staff_and_onlookers_cannot_change_postings(world, person):
    posting = make_posting(world.school_a)
    client = logged_in(getattr(world, person))
    add_url = f"/schools/{world.school_a.pk}/staff/add/"
    end_url = f"/postings/{posting.pk}/end/"
    assert client.get(add_url).status_code == 403
    assert client.post(add_url, {**ADD, "employee_code": "EMP7999"}).status_code == 403
    assert client.get(end_url).status_code == 403
    assert client.post(end_url, {"end_date": "2024-06-30", "reason": "x"}).status_code == 403
    posting.refresh_from_db()
    assert posting.end_date is None
    assert Posting.objects.count() == 1


def test_block_officer_ends_a_posting(world):
    posting = make_posting(world.school_a, start=D(2021, 7, 1))
    client = logged_in(world.bhavna)
    url = f"/postings/{posting.pk}/end/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"end_date": "2024-06-30", "reason": "Retired"})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert (posting.end_date, posting.ended_reason) == (D(2024, 6, 30), "Retired")
    # Ending it again is explained, not a crash.
    again = client.post(url, {"end_date": "2024-05-31", "reason": "Again"})
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    posting.refresh_from_db()
    assert posting.end_date == D(2024, 6, 30)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"end_date": "2021-06-30", "reason": "Retired"}, "end_date"),
        ({"end_date": "", "reason": "Retired"}, "end_date"),
        ({"end_date": "2024-06-30", "reason": ""}, "reason"),
    ],
)
def test_bad_end_input_shows_form_errors(world, data, field):
    posting = make_posting(world.school_a, start=D(2021, 7, 1))
    response = logged_in(world.dev).post(f"/postings/{posting.pk}/end/", data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    posting.refresh_from_db()
    assert posting.end_date is None


def test_history_says_who_when_what_and_why(world):
    client = english(world.dev)
    client.post(f"/schools/{world.school_a.pk}/staff/add/", ADD)
    posting = Posting.objects.get()
    client.post(
        f"/postings/{posting.pk}/end/", {"end_date": "2024-08-31", "reason": "Order 99/2024"}
    )
    response = english(world.asha).get(f"/schools/{world.school_a.pk}/staff/history/")
    entries = list(response.context["page"])
    assert [e.kind for e in entries] == ["~", "+"]
    ended, added = entries
    assert (ended.who, ended.why) == (world.dev, "Order 99/2024")
    assert [(c.label, c.old, c.new) for c in ended.changes] == [("end date", "—", "31-08-2024")]
    assert (added.who, added.why) == (world.dev, "Order 12/2024")
    assert ("start date", "", "01-07-2024") in [(c.label, c.old, c.new) for c in added.changes]
    page = response.content.decode()
    assert "Dev Mishra" in page and "Order 99/2024" in page and "31-08-2024" in page


def test_history_of_an_import_names_the_file(world):
    from hazari.staff.tests.test_importer import csv_file, send_and_apply

    make_posting(world.school_a, "EMP7001", start=D(2021, 7, 1))
    send_and_apply(
        world.dinesh, csv_file("EMP7001,Ravi Kumar,Primary Teacher,23320100201,,2025-04-01")
    )
    entries = (
        english(world.bhavna).get(f"/schools/{world.school_a.pk}/staff/history/").context["page"]
    )
    ended = entries[0]
    assert (ended.who, ended.why) == (world.dinesh, "Transferred (HRMIS)")
    assert "hrmis.csv" in ended.source


def test_admin_pages_open(world):
    posting = make_posting(world.school_a)
    root = User.objects.create_superuser("ROOT", "a-long-admin-password", name="Root")
    client = logged_in(root)
    assert client.get("/admin/staff/posting/").status_code == 200
    assert client.get(f"/admin/staff/posting/{posting.pk}/change/").status_code == 200
    assert client.get(f"/admin/staff/posting/{posting.pk}/history/").status_code == 200

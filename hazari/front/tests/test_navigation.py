import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("person", "present", "absent"),
    [
        ("asha", ["/", "/calendar/"], ["/imports/"]),
        ("bhavna", ["/", "/calendar/"], ["/imports/"]),
        ("dinesh", ["/", "/calendar/", "/imports/"], []),
        ("arjun", ["/", "/calendar/", "/imports/"], []),
    ],
)
def test_header_links_follow_the_role(world, person, present, absent):
    client = Client()
    user = getattr(world, person)
    client.force_login(user)
    links = [url for _, url in client.get("/").context["nav"]]
    assert f"/units/{user.unit.pk}/" in links
    for url in present:
        assert url in links
    for url in absent:
        assert url not in links


def test_school_page_links_to_staff_students_and_holidays(world):
    client = Client()
    client.force_login(world.asha)
    page = client.get(f"/units/{world.school_a.pk}/").content.decode()
    for url in (
        f"/schools/{world.school_a.pk}/staff/",
        f"/schools/{world.school_a.pk}/students/",
        f"/calendar/units/{world.school_a.pk}/",
    ):
        assert url in page

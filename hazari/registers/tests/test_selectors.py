import time_machine
from django.test import Client

from hazari.registers.models import Enrolment
from hazari.registers.selectors import enrolment_table


def test_table_lists_every_class_taught_with_zero_where_missing(world):
    Enrolment.objects.create(
        school=world.school_b, academic_year=2026, class_no=7, boys=20, girls=22, third_gender=1
    )
    table = enrolment_table(world.school_b, 2026)
    assert [(r.class_no, r.total) for r in table.rows] == [(6, 0), (7, 43), (8, 0)]
    assert (table.total.boys, table.total.girls, table.total.total) == (20, 22, 43)
    assert table.session == "2026–27"


def test_school_page_shows_enrolment(world):
    Enrolment.objects.create(school=world.school_a, academic_year=2026, class_no=1, boys=9, girls=8)
    client = Client()
    client.force_login(world.asha)
    with time_machine.travel("2026-07-15 11:00 +0530"):
        page = client.get(f"/units/{world.school_a.pk}/").content.decode()
    assert 'data-testid="enrolment"' in page
    assert "<td>1</td><td>9</td><td>8</td><td>0</td><td>17</td>" in page

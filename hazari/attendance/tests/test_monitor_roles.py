"""The mid-day meal officer: a block's or district's, who watches and does not act."""

from hazari.accounts.roles import (
    Role,
    may_enter_attendance,
    may_reset_password,
    may_revoke_tokens,
    role_fits_level,
)
from hazari.attendance.models import Capture
from hazari.attendance.tests.test_capture import capture, submit
from hazari.orgunits.models import Level


def test_a_meal_officer_belongs_to_a_block_or_a_district():
    fits = {level for level in Level if role_fits_level(Role.MDM_OFFICER, level)}
    assert fits == {Level.BLOCK, Level.DISTRICT}


def test_a_meal_officer_manages_no_accounts(world):
    assert not may_reset_password(world.meera, world.asha)
    assert not may_revoke_tokens(world.meera, world.asha)
    assert may_revoke_tokens(world.meera, world.meera)  # their own lost phone
    assert may_reset_password(world.bhavna, world.meera)  # the block officer above her


def test_a_meal_officer_enters_no_attendance(school_a_ready):
    w = school_a_ready
    assert not may_enter_attendance(w.meera)
    assert may_enter_attendance(w.bhavna) and may_enter_attendance(w.asha)
    receipt = submit(w, capture(w), user=w.meera)
    assert (receipt.status, receipt.code) == ("rejected", "not_allowed")
    assert receipt.message_hi and receipt.message_en
    assert not Capture.objects.exists()


def test_the_web_page_shows_the_day_without_the_form(school_a_ready, client):
    w = school_a_ready
    client.force_login(w.meera)
    url = f"/schools/{w.school_a.pk}/attendance/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="attendance-form"' not in page.content.decode()
    assert client.post(url, {}).status_code == 403
    assert not Capture.objects.exists()

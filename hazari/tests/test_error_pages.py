from django.test import Client


def test_not_found_page_is_hindi_with_a_way_home(world):
    client = Client()
    client.force_login(world.yash)
    response = client.get(f"/units/{world.school_a.pk}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="hi">' in page and "नहीं मिला" in page and 'href="/"' in page
    assert "Kolar" not in page and "कोलार" not in page


def test_forbidden_page_is_hindi(world):
    client = Client()
    client.force_login(world.bhavna)
    response = client.post("/imports/", {})
    assert response.status_code == 403
    assert '<html lang="hi">' in response.content.decode()


def test_reset_redirect_encodes_the_user_id(db):
    response = Client().post("/password/reset/", {"user_id": "ab&id=x"})
    assert response["Location"] == "/password/reset/confirm/?id=AB%26ID%3DX"

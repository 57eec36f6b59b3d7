from django.test import Client


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_me_names_the_user_and_their_unit(world):
    body = client_for(world.asha).get("/api/v1/me").json()
    assert body["username"] == "23320100101"
    assert body["role"] == "hm"
    assert body["unit"]["id"] == world.school_a.unit.pk
    assert body["unit"]["level_name"] == "school"


def test_children_of_a_block_are_its_clusters(world):
    body = client_for(world.bhavna).get(f"/api/v1/units/{world.block_x.pk}/children").json()
    assert [u["code"] for u in body] == ["3778-01"]


def test_children_of_the_district_are_its_blocks(world):
    body = client_for(world.dinesh).get(f"/api/v1/units/{world.district_a.pk}/children").json()
    assert sorted(u["name_en"] for u in body) == ["Berasia", "Phanda"]


def test_outside_unit_is_404_with_message_in_both_languages(world):
    response = client_for(world.yash).get(f"/api/v1/units/{world.block_x.pk}")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message_en"] == "Not found in your area."
    assert body["message_hi"] and body["message_hi"] != body["message_en"]


def test_anonymous_is_401(world):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_logged_in"


def test_bad_path_parameter_is_422_naming_the_field(world):
    response = client_for(world.bhavna).get("/api/v1/units/abc")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["loc"][-1] == "unit_id"


def test_openapi_document_is_published(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["version"] == "1"
    assert "/api/v1/units/{unit_id}" in spec["paths"]


def test_huge_unit_ids_in_the_path_are_404_not_an_overflow(world):
    # SQLite cannot bind an integer past 64 bits; the raw SQL of unit_in_area answered 500.
    client = client_for(world.bhavna)
    assert client.get(f"/api/v1/units/{2**80}").status_code == 404
    assert client.get(f"/api/v1/units/{-(2**70)}/children").status_code == 404


def _operations():
    spec = Client().get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_it_can_answer(world):
    """What any operation can answer, whatever its own logic: 401 without a valid log-in, 422
    for a parameter or a body that does not fit its schema, 400 and 413 for a body that is not
    JSON or too large. The fuzz (test_fuzz.py) found them answered but undocumented."""
    for name, operation in _operations():
        documented = set(operation["responses"])
        if operation.get("security"):
            assert "401" in documented, name
        if operation.get("parameters") or "requestBody" in operation:
            assert "422" in documented, name
        if "requestBody" in operation:
            assert {"400", "413"} <= documented, name

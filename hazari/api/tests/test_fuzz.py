"""The API's contract, fuzzed: schemathesis reads the published OpenAPI document and sends
each operation requests made from it, valid and invalid, without a token and with a head
master's. No answer may be a 5xx; every status must be documented, and its body must fit the
documented schema; a request that fits the schema must not be refused as invalid (400, 422),
and one that does not must not be accepted. See docs/decisions.md, "The API's contract,
fuzzed with schemathesis".

Bounded for `make test`: a fixed seed and a few examples per operation and phase, so that the
run is the same every time. FUZZ_EXAMPLES and FUZZ_SEED ask for a longer or another run:

    FUZZ_EXAMPLES=200 FUZZ_SEED=7 .venv/bin/pytest hazari/api/tests/test_fuzz.py
"""

import contextlib
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from hazari.api.schemas import DATE_PATTERN, MAX_ID
from hazari.api.tests.helpers import post_json
from hazari.attendance.tests.conftest import DAY
from hazari.testing import PASSWORD
from hazari.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
SEED = int(os.environ.get("FUZZ_SEED", "14"))


def config(*, with_credentials: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {
                # Valid and invalid requests alike.
                "mode": "all",
                "max-examples": EXAMPLES,
                "deterministic": True,
                # Without a token: made-up bearer tokens and session cookies, which must all
                # be 401. With one: the real token only (a made-up one beside it would make
                # schemathesis take a request it has stripped of its token for invalid).
                "with-security-parameters": not with_credentials,
            },
            # Examples, coverage (the edges of each schema: bounds, missing fields, wrong
            # types, other methods and content types) and fuzzing; no stateful phase, whose
            # links the document does not declare.
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                # Its default statuses: 2xx, 3xx and the answers a valid request may get from
                # the data it names (401, 403, 404, 409, 429); never 400 or 422.
                "positive_data_acceptance": {"enabled": True},
                # The API's answers to a request it cannot take, as documented; 404 too, for
                # an id outside the user's area (a negative one is never found) and 405 for
                # another method on a path.
                "negative_data_rejection": {
                    "enabled": True,
                    "expected-statuses": [400, 401, 403, 404, 405, 413, 422],
                },
            },
            "operations": [
                {
                    # One capture, its receipt as the status: 422 is a capture rejected for
                    # its content (a class the school does not teach, more present than
                    # enrolled), which no schema can say. Taken here as an answer to a valid
                    # request, as 404 and 409 are; a_valid_request_is_judged below still
                    # fails the request-level 422.
                    "include-name": "POST /api/v1/sync/capture",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]
                        }
                    },
                }
            ],
        }
    )


def a_valid_request_is_judged(ctx, response, case) -> None:
    """A request that fits the schema is never refused as invalid (the request-level 422,
    ValidationErrorOut); a 422 with a receipt is its capture judged and rejected."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and response.status_code == 422:
        body = response.json()
        assert "uuid" in body, f"a valid request refused: {body.get('errors')}"


anonymous = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", application, config=config(with_credentials=False)
)
head_master = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", application, config=config(with_credentials=True)
)

# --- The head master's ids, in one request of two --------------------------------------------
# Made-up ids are nearly never the world's: every capture would be of a school outside Asha's
# area and every unit not found. An even id that fits the schema becomes one of hers (her
# school, its postings, herself or Tarun), and so does a valid date of an even day (the
# tests' day): those requests go on to the checks past the ids, and store captures. A value
# that does not fit the schema is left as it is, so that an invalid request stays invalid.
WORLD: dict[str, list] = {}


def _id(value: object, kind: str) -> object:
    if type(value) is int and 1 <= value <= MAX_ID and value % 2 == 0 and WORLD:
        ids = WORLD[kind]
        return ids[value // 2 % len(ids)]
    return value


def _capture(item: object) -> None:
    if not isinstance(item, dict):
        return
    if "school_id" in item:
        item["school_id"] = _id(item["school_id"], "school")
    date = item.get("date")
    if isinstance(date, str) and re.fullmatch(DATE_PATTERN, date) and int(date[-2:]) % 2 == 0:
        item["date"] = DAY.isoformat()
    for mark in item.get("staff") if isinstance(item.get("staff"), list) else []:
        if isinstance(mark, dict) and "posting_id" in mark:
            mark["posting_id"] = _id(mark["posting_id"], "posting")


@head_master.hook
def map_body(context, body):
    if isinstance(body, dict):
        _capture(body)
        for item in body.get("captures") if isinstance(body.get("captures"), list) else []:
            _capture(item)
    return body


@head_master.hook
def map_query(context, query):
    if isinstance(query, dict) and "school_id" in query:
        query["school_id"] = _id(query["school_id"], "school")
    return query


@head_master.hook
def map_path_parameters(context, path_parameters):
    for name, kind in (("unit_id", "school"), ("user_id", "user")):
        if isinstance(path_parameters, dict) and name in path_parameters:
            path_parameters[name] = _id(path_parameters[name], kind)
    return path_parameters


# The examples of one operation share the test's database: what one stores the next sees.
FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextlib.contextmanager
def one_connection():
    """schemathesis calls the WSGI application itself, not through Django's test client,
    which keeps the database connection open across requests as this does: at the end of a
    request Django closes a connection inside a transaction (the test's), and on PostgreSQL
    the next request would find it closed."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(w) -> str:
    """Asha's, the head master of school A, as the app logs in."""
    WORLD.update(
        school=[w.school_a.pk],
        posting=[w.posting_asha.pk, w.posting_tarun.pk],
        user=[w.asha.pk, w.tarun.pk],
    )
    body = {"user_id": w.asha.username, "password": PASSWORD, "device_id": "fuzz"}
    return post_json(Client(), "/api/v1/auth/token", body).json()["token"]


@anonymous.parametrize()
@FUZZ_SETTINGS
def test_without_a_token(case, w):
    with one_connection():
        case.call_and_validate()


@head_master.parametrize()
@FUZZ_SETTINGS
def test_with_a_head_masters_token(case, token):
    with one_connection():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            additional_checks=[a_valid_request_is_judged],
        )

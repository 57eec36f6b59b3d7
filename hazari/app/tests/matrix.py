"""The phone app's history read in the access matrix (accounts/tests/test_access_matrix.py).

Its shell, manifest and service worker carry no data and need no log-in, so they are not in
the matrix; test_views checks that they are the same for everyone."""

TOKEN = {"auth": "token"}

ENDPOINTS = [
    ("get", "/api/v1/app/history?school_id={pk}", "school", None, TOKEN),
]

"""Settings of the morning rush benchmark's server: the application's, plus the naive upload's
URL (bench/naive_urls.py). Needs bench/ on the Python path (gunicorn --pythonpath bench)."""

from hazari.settings import *  # noqa: F403

ROOT_URLCONF = "naive_urls"

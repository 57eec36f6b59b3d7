import pytest
import time_machine

from hazari.api.tests.helpers import NOW
from hazari.attendance.tests.conftest import school_a_ready  # noqa: F401 (a fixture)


@pytest.fixture
def w(school_a_ready):  # noqa: F811
    """School A ready for attendance, the clock at 10:30 on Wednesday 15 July 2026."""
    with time_machine.travel(NOW, tick=False):
        yield school_a_ready

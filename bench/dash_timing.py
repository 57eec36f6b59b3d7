"""A middleware for the dashboards' benchmark only: the time the application spent on each
request (from the first middleware in to the response out), as a Server-Timing header that
the load generator records. Queueing before a worker picks the request up is not in it.
Beside it, the request thread's own CPU time and the time spent waiting for the database:
what is left is time the thread was ready but not running (other threads and processes).
And the CPU the process's rendering thread (hazari.dashboards.keep) used meanwhile: it holds
the interpreter lock the request needs."""

import contextlib
import threading
import time

from django.db import connection


def _renderers_cpu() -> float:
    """CPU seconds so far of the process's figure-rendering threads."""
    total = 0.0
    for thread in threading.enumerate():
        if thread.name.startswith("hazari-figures") and thread.ident is not None:
            with contextlib.suppress(OSError):  # ended meanwhile
                total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    return total


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        waited = [0.0]

        def timed(execute, sql, params, many, context):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                waited[0] += time.perf_counter() - t0

        started, cpu, rendering = time.perf_counter(), time.thread_time(), _renderers_cpu()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        app = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f"app;dur={app:.2f}, cpu;dur={(time.thread_time() - cpu) * 1000:.2f}, "
            f"db;dur={waited[0] * 1000:.2f}, "
            f"render;dur={max(0.0, _renderers_cpu() - rendering) * 1000:.2f}"
        )
        return response

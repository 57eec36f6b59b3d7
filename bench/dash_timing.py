"""A middleware for the dashboards' benchmark only: the time the application spent on each
request (from the first middleware in to the response out), as a Server-Timing header that
the load generator records. Queueing before a worker picks the request up is not in it."""

import time


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response

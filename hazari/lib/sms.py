"""Sending SMS through a pluggable backend, chosen by settings.SMS_BACKEND.

ConsoleBackend (the default) prints, FileBackend appends JSON lines to a file (the demo reads
codes from it), LocmemBackend keeps messages in memory for tests, and HttpGatewayBackend posts
to a state's SMS gateway. A gateway's failure raises SmsError; callers decide whether the user
may learn of it.
"""

import json
import logging
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsError(Exception):
    pass


@dataclass(frozen=True)
class Sms:
    to: str
    text: str


class BaseBackend:
    def send(self, sms: Sms) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, sms: Sms) -> None:
        sys.stdout.write(f"SMS to {sms.to}: {sms.text}\n")
        sys.stdout.flush()


class FileBackend(BaseBackend):
    _lock = threading.Lock()

    def send(self, sms: Sms) -> None:
        path = settings.SMS_FILE_PATH
        path.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": sms.to, "text": sms.text},
            ensure_ascii=False,
        )
        with self._lock, open(path / "outbox.jsonl", "a", encoding="utf-8") as f:
            f.write(line + "\n")


class LocmemBackend(BaseBackend):
    outbox: ClassVar[list[Sms]] = []

    def send(self, sms: Sms) -> None:
        self.outbox.append(sms)


class HttpGatewayBackend(BaseBackend):
    """POSTs {"sender", "to", "text"} as JSON with a bearer token. Most Indian SMS gateways
    take this shape directly or through a small adapter at the gateway's end."""

    def send(self, sms: Sms) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not set.")
        body = json.dumps(
            {"sender": settings.SMS_GATEWAY_SENDER, "to": sms.to, "text": sms.text}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=settings.SMS_GATEWAY_TIMEOUT
            ) as response:
                if not 200 <= response.status < 300:
                    raise SmsError(f"gateway answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise SmsError(str(e)) from e


def send_sms(to: str, text: str) -> None:
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    backend.send(Sms(to=to, text=text))

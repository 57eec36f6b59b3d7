import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hazari.lib.sms import FileBackend, HttpGatewayBackend, Sms, SmsError, send_sms


class Gateway(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append((self.headers["Authorization"], body))
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received, Gateway.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_http_gateway_posts_json_with_the_token(gateway, settings):
    settings.SMS_GATEWAY_URL = gateway
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    HttpGatewayBackend().send(Sms(to="9876500001", text="कोड 123456"))
    [(auth, body)] = Gateway.received
    assert auth == "Bearer secret-token"
    assert body == {"sender": settings.SMS_GATEWAY_SENDER, "to": "9876500001", "text": "कोड 123456"}


def test_http_gateway_error_raises_sms_error(gateway, settings):
    settings.SMS_GATEWAY_URL = gateway
    Gateway.status = 503
    with pytest.raises(SmsError):
        HttpGatewayBackend().send(Sms(to="9876500001", text="x"))


def test_unreachable_gateway_raises_sms_error(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    with pytest.raises(SmsError):
        HttpGatewayBackend().send(Sms(to="9876500001", text="x"))


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path
    settings.SMS_BACKEND = "hazari.lib.sms.FileBackend"
    send_sms("9876500001", "पहला")
    FileBackend().send(Sms(to="9876500002", text="second"))
    lines = [json.loads(line) for line in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert [(m["to"], m["text"]) for m in lines] == [
        ("9876500001", "पहला"),
        ("9876500002", "second"),
    ]


def test_a_failing_gateway_does_not_break_the_reset_page(world, settings):
    from django.test import Client

    settings.SMS_BACKEND = "hazari.lib.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    response = Client().post("/password/reset/", {"user_id": world.asha.username})
    assert response.status_code == 302

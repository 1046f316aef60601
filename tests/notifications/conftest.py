"""Notification fixtures: a district that sends, and real servers on loopback (an SMS gateway, an SMTP server)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import BANGKA, in_english
from django.core.cache import cache

from mutakhir.notifications import optout
from mutakhir.notifications.models import NotificationSettings

english = pytest.fixture(autouse=True)(in_english)


@pytest.fixture(autouse=True)
def fast_and_fresh(monkeypatch):
    monkeypatch.setattr(optout, "MIN_SECONDS", 0)
    cache.clear()


@pytest.fixture
def sending(regions):
    """Bangka sends notifications: SMS to phones, e-mail to addresses."""
    return NotificationSettings.objects.create(region_id=BANGKA, enabled=True, phone_channel="sms", email=True)


class Gateway(ThreadingHTTPServer):
    """A gateway stand-in: refuses the first `fail_first` calls with `fail_status`; delivers each key once."""

    def __init__(self, fail_first=0, fail_status=503):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fail_first, self.fail_status = fail_first, fail_status
        self.calls, self.delivered, self.lock = [], {}, threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/send"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server: Gateway = self.server
        with server.lock:
            server.calls.append({"body": body, "key": self.headers["Idempotency-Key"],
                                 "auth": self.headers["Authorization"]})
            failing = len(server.calls) <= server.fail_first
            if not failing:
                server.delivered.setdefault(self.headers["Idempotency-Key"], body)
        self.send_response(server.fail_status if failing else 202)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    """Start a gateway stand-in; `gateway(fail_first=2)` returns it, with the settings pointing at it."""
    servers = []

    def start(fail_first=0, fail_status=503):
        server = Gateway(fail_first, fail_status)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.SMS_GATEWAY_ADAPTER, settings.SMS_GATEWAY_URL = "json", server.url
        settings.SMS_GATEWAY_TOKEN = "rahasia-gateway"
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def smtp_mailer(port: int) -> dict:
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on loopback; its received messages in `.messages`."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append(envelope)
            return "250 OK"

    sink = Sink()
    with socket.socket() as probe:  # a free port: the controller checks it is up by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailer(port)
    yield sink
    controller.stop()


@pytest.fixture
def client(client):
    """A test client whose requests ask for English."""
    client.cookies["django_language"] = "en"
    return client

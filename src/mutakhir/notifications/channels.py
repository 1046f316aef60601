"""How a message leaves: adapters over an SMS/WhatsApp gateway's HTTP API, and e-mail through Django's mail.

Each adapter's `send(message)` returns on success and raises `SendFailed` otherwise (`retry=False` when
trying again cannot help, e.g. the gateway refuses the number). Every send carries the message's key as
an idempotency key, so a gateway that honours it delivers a message once even when the worker sends it
again after a crash between sending and marking it sent (`delivery.py`).

Another gateway is one more class with `send`, named in ADAPTERS and chosen by MUTAKHIR_SMS_GATEWAY_ADAPTER.
"""

import hashlib
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

from .models import Channel, Message

TIMEOUT = 15  # seconds a gateway may take to answer


class SendFailed(Exception):
    def __init__(self, reason: str, *, retry: bool = True):
        super().__init__(reason)
        self.retry = retry


def idempotency_key(message: Message) -> str:
    """Return the message's idempotency key: a hash of its unique key (the key names the registration)."""
    return hashlib.sha256(message.key.encode()).hexdigest()[:40]


class JsonGateway:
    """A generic gateway: POST {"channel", "to", "text", "reference"} as JSON with a bearer token.

    2xx is sent; 408, 429 and 5xx are tried again; any other status is refused for good.
    """

    def __init__(self, url: str, token: str):
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("MUTAKHIR_SMS_GATEWAY_URL is not set to an http(s) address")
        self.url, self.token = url, token

    def send(self, message: Message) -> None:
        key = idempotency_key(message)
        body = json.dumps({"channel": message.channel, "to": message.recipient, "text": message.body,
                           "reference": key}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310 - http(s) only, checked in __init__
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}", "Idempotency-Key": key})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only, above
                response.read()
        except urllib.error.HTTPError as exc:
            retry = exc.code in (408, 429) or exc.code >= 500
            raise SendFailed(f"gateway HTTP {exc.code}", retry=retry) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendFailed(f"gateway unreachable: {getattr(exc, 'reason', exc)}") from exc


class Email:
    """E-mail through Django's mail; the Message-ID is the idempotency key, so a resent copy can be told apart."""

    def send(self, message: Message) -> None:
        mail = EmailMessage(subject="Mutakhir: " + message.reference, body=message.body, to=[message.recipient],
                            headers={"Message-ID": f"<{idempotency_key(message)}@mutakhir>"})
        try:
            mail.send()
        except OSError as exc:  # smtplib's errors are OSErrors
            raise SendFailed(f"e-mail: {exc}"[:300]) from exc


ADAPTERS = {"json": JsonGateway}


def adapter_for(channel: str):
    """Return the adapter of a channel, configured from the settings."""
    if channel == Channel.EMAIL:
        return Email()
    cls = ADAPTERS.get(settings.SMS_GATEWAY_ADAPTER)
    if cls is None:
        raise ImproperlyConfigured(f"MUTAKHIR_SMS_GATEWAY_ADAPTER: unknown adapter {settings.SMS_GATEWAY_ADAPTER!r}")
    return cls(settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN)

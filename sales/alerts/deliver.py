"""Sending an alert: e-mail through SMTP (standard library) and a webhook (HTTP POST JSON)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

import httpx

from sales.alerts.message import Alert


class DeliveryFailed(RuntimeError):
    """An alert could not be sent; the message says where to and why."""


def send_email(alert: Alert, *, host: str, port: int, sender: str, to: Sequence[str],
               username: str | None = None, password: str | None = None,
               starttls: bool = False, timeout: float = 30) -> None:
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message.set_content(alert.text)
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            if starttls:
                smtp.starttls()
            if username and password:
                smtp.login(username, password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"e-mail to {', '.join(to)} through {host}:{port} failed: "
                             f"{exc}") from exc


def post_webhook(alert: Alert, url: str, *, timeout: float = 30) -> None:
    try:
        response = httpx.post(url, json=alert.payload(), timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"webhook {url} failed: {exc}") from exc
    if response.status_code >= 300:
        raise DeliveryFailed(f"webhook {url} answered HTTP {response.status_code}")

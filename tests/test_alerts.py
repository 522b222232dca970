"""Alerts on new demand, for real: a local SMTP server (aiosmtpd) and a local HTTP receiver on
127.0.0.1, a real DuckDB warehouse loaded from landing files."""

from __future__ import annotations

import json
import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from localhttp import LocalServer, QuietHandler
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import ConfigError, load_config
from spiders.landing import landing_path, make_item


class Inbox:
    """aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, mail))
        return "250 OK"


class Receiver(LocalServer):
    """A webhook receiver: keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.reply(204, b"")

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return f"{super().url}/hook"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:   # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def tender(native_id: str, title: str, cpv: str, run_id: str) -> dict[str, Any]:
    return make_item(kind="tender", source="demo_tenders", native_id=native_id,
                     url=f"https://tenders.example/notice/{native_id}", run_id=run_id,
                     method="api",
                     fields={"tender_id": native_id, "title": title,
                             "buyer_name": "Leeds City Council", "status": "active",
                             "deadline": "2099-01-31T12:00:00Z", "value": 120000.0,
                             "currency": "GBP",
                             "classifications": [{"scheme": "CPV", "id": cpv}]})


def land(config: Any, run_id: str, items: list[dict[str, Any]]) -> None:
    path = landing_path(config.landing_dir, run_id, "demo_tenders")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(i) + "\n" for i in items), "utf-8")


def make_config(tmp_path: Path, alerts: str) -> Any:
    path = tmp_path / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n[profiles.default]\n'
                    'cpv_prefixes = ["48"]\n' + alerts, "utf-8")
    return load_config(path)


def test_an_alert_arrives_after_a_run_with_a_new_open_tender_and_none_after_nothing_new(
        tmp_path, smtp):
    with Receiver() as hook:
        config = make_config(tmp_path, (
            f'[alerts]\nenabled = true\nhost = "127.0.0.1"\nport = {smtp.port}\n'
            f'from = "leadpipe@example.com"\nto = ["sales@example.com"]\n'
            f'webhook_url = "{hook.url}"\n'))
        land(config, "crawl-1", [tender("T-1", "Maintenance software for depots", "48000000",
                                        "crawl-1"),
                                 tender("T-2", "Road gritting", "90620000", "crawl-1")])
        runner.load(config)
        first = runner.alert(config)
        assert first.sent == ["email", "webhook"] and first.new_signals == 1, first
        assert len(smtp.messages) == 1 and len(hook.bodies) == 1
        rcpt, mail = smtp.messages[0]
        assert rcpt == ["sales@example.com"]
        assert mail["Subject"] == "leadpipe, profile default: 1 new open tender"
        body = mail.get_content()
        assert "Maintenance software for depots, for Leeds City Council, due 31 January 2099, " \
               "worth 120,000 GBP (https://tenders.example/notice/T-1)" in body
        assert "Road gritting" not in body             # not in the profile's CPV codes
        assert hook.bodies[0]["signals"][0]["tender_id"] == "T-1"
        assert hook.bodies[0]["text"] == body.replace("\r\n", "\n")

        # a run that found nothing new sends nothing
        runner.load(config)
        again = runner.alert(config)
        assert again.new_signals == 0 and again.sent == []
        assert len(smtp.messages) == 1 and len(hook.bodies) == 1

        # the next new tender is alerted alone
        land(config, "crawl-2", [tender("T-3", "Asset tracking platform", "48100000",
                                        "crawl-2")])
        runner.load(config)
        third = runner.alert(config)
        assert third.new_signals == 1
        assert len(smtp.messages) == 2
        body = smtp.messages[1][1].get_content()
        assert "Asset tracking platform" in body and "Maintenance software" not in body


def test_tenders_new_defaults_to_since_the_profiles_last_run(tmp_path):
    config = make_config(tmp_path, "")  # alerts off: the marks are kept all the same
    land(config, "crawl-1", [tender("T-1", "Maintenance software", "48000000", "crawl-1")])
    runner.load(config)
    assert runner.alert(config).sent == []
    cli = CliRunner()
    args = ["tenders", "new", "--json", "--config", str(config.source)]
    first = [json.loads(line) for line in cli.invoke(app, args).output.splitlines()]
    assert [r["tender_id"] for r in first] == ["T-1"]   # no earlier run: everything
    land(config, "crawl-2", [tender("T-2", "Fleet telematics", "48000000", "crawl-2")])
    runner.load(config)
    runner.alert(config)
    second = [json.loads(line) for line in cli.invoke(app, args).output.splitlines()]
    assert [r["tender_id"] for r in second] == ["T-2"]  # since the profile's previous run
    runner.alert(config)   # a run without a new load: the window still holds the latest load
    third = [json.loads(line) for line in cli.invoke(app, args).output.splitlines()]
    assert [r["tender_id"] for r in third] == ["T-2"]


def test_a_failed_delivery_is_sent_again_next_run(tmp_path, smtp):
    config = make_config(tmp_path, '[alerts]\nenabled = true\nwebhook_url = '
                         '"http://127.0.0.1:9/nobody-listens"\ntimeout_seconds = 2\n')
    land(config, "crawl-1", [tender("T-1", "Maintenance software", "48000000", "crawl-1")])
    runner.load(config)
    failed = runner.alert(config)
    assert failed.sent == [] and failed.errors and "webhook" in failed.errors[0]
    with Receiver() as hook:
        config = make_config(tmp_path, f'[alerts]\nenabled = true\nwebhook_url = "{hook.url}"\n')
        assert runner.alert(config).sent == ["webhook"]
        assert [s["tender_id"] for s in hook.bodies[0]["signals"]] == ["T-1"]


def test_alert_settings_are_checked(tmp_path):
    with pytest.raises(ConfigError, match=r"\[alerts\].*e-mail alerts need from and to"):
        make_config(tmp_path, '[alerts]\nhost = "127.0.0.1"\n')
    with pytest.raises(ConfigError, match=r"\[alerts\].*neither host nor webhook_url"):
        make_config(tmp_path, '[alerts]\nenabled = true\n')


def test_a_suppressed_company_is_never_alerted(tmp_path):
    from sales.alerts.signals import new_signals
    from warehouse.db import connect

    config = make_config(tmp_path, "")
    runner.load(config)
    profile = config.profile("default")
    with connect(config.warehouse_path) as con:
        for company in ("co-kept", "co-suppressed"):
            con.execute("INSERT INTO score_changes VALUES (now(), ?, 'default', 'tier', 'C', "
                        "'A', 'went up to A')", [company])
            con.execute("INSERT INTO score_reasons VALUES (?, 'default', 'positive', 1, "
                        "'contract_ending', 'a contract ends in March', 1.0, NULL, now())",
                        [company])
        con.execute("INSERT INTO suppressions VALUES ('co-suppressed', 'asked', now())")
        found = new_signals(con, profile)
    assert {(s.kind, s.company_id) for s in found} == {
        ("tier_up", "co-kept"), ("contract_ending", "co-kept")}

"""The files' e-mail opt-out means something, checked on the files: Salesforce's
``Email Opt Out`` is 1, HubSpot's opt-out list names the contact and the generic file's
``email_opt_out`` is true with its reason when the subscriber is a partnership, or of a type
not known, under a lawful basis other than consent (UK PECR), when a suppressed person was
blanked from the row, or when a CRM outcome says the company opted out; a corporate body
under legitimate interests, or a partnership or unknown subscriber under consent, stays 0."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from privacy_world import FEBRUARY, JANE_EMAIL, _org, build, run_one
from typer.testing import CliRunner

from leadpipe import runner
from leadpipe.cli import app
from leadpipe.config import load_config

EVERYONE = ("prospect", "suspect", "client")
SAM_EMAIL = "sam@sam-price-joinery.co.uk"
RIA_EMAIL = "ria@ridge-fabrication.co.uk"


def _items(run_id: str) -> dict[str, list[dict]]:
    items = run_one(run_id)
    items["demo_directory"].append(_org(
        "demo_directory", "sam-price", run_id, FEBRUARY, name="Sam Price Joinery",
        website="https://sam-price-joinery.co.uk/", city="Leeds", country="GB",
        identifiers=[{"scheme": "GB-COH", "id": "LP012345"}],  # a limited partnership
        categories=["Industrial Machinery"], employees=3,
        contacts=[{"name": "Sam Price", "role": "Owner", "email": SAM_EMAIL}]))
    # no legal form, no registry entry: a subscriber of a type not known
    items["demo_directory"].append(_org(
        "demo_directory", "ridge", run_id, FEBRUARY, name="Ridge Fabrication",
        website="https://ridge-fabrication.co.uk/", city="Leeds", country="GB",
        categories=["Industrial Machinery"], employees=4,
        contacts=[{"name": "Ria Stone", "role": "Owner", "email": RIA_EMAIL}]))
    return items


def _world(root: Path, basis: str):
    path = root / "leadpipe.toml"
    path.write_text('[project]\ndata_dir = "data"\n[score]\nfit_min = 0.3\n'
                    f'[privacy]\nlawful_basis = "{basis}"\n', encoding="utf-8")
    cfg = load_config(path)
    build(cfg, "crawl-20260110", _items("crawl-20260110"))
    return cfg


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _opt_outs(cfg, out: Path) -> tuple[dict[str, str], list[str]]:
    sf = runner.export(cfg, output=out / "sf.csv", export_format="salesforce",
                       funnel_stages=EVERYONE)
    hub = runner.export(cfg, output=out / "hub.csv", export_format="hubspot",
                        funnel_stages=EVERYONE)
    assert hub.files[2].name == "hub-opt-out.csv"
    return ({r["Company"]: r["Email Opt Out"] for r in _read(sf.path)},
            sorted(r["Email"] for r in _read(hub.files[2])))


def _cli(cfg, *args) -> None:
    result = CliRunner().invoke(app, [*args, "--config", str(cfg.source)])
    assert result.exit_code == 0, result.output


def test_opt_out_follows_subscriber_type_suppression_and_outcomes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = _world(tmp_path, "legitimate interests")
    leads, listed = _opt_outs(cfg, tmp_path)
    assert leads["Sam Price Joinery"] == "1"  # a partnership, no consent
    assert leads["Ridge Fabrication"] == "1"  # not known: treated as an individual
    assert leads["Kestrel Machinery Ltd"] == "0"  # a corporate body
    assert leads["Northbridge Engineering GmbH"] == "0"
    assert listed == [RIA_EMAIL, SAM_EMAIL]
    generic = {r["name"]: r for r in _read(runner.export(
        cfg, output=tmp_path / "all.csv", funnel_stages=EVERYONE).path)}
    ridge, kestrel = generic["Ridge Fabrication"], generic["Kestrel Machinery Ltd"]
    assert (ridge["subscriber_type"], ridge["email_opt_out"]) == ("not known", "true")
    assert ridge["email_opt_out_reason"].startswith("subscriber type not known")
    assert "PECR" in ridge["email_opt_out_reason"]
    assert generic["Sam Price Joinery"]["email_opt_out_reason"].startswith("a sole trader")
    assert (kestrel["email_opt_out"], kestrel["email_opt_out_reason"]) == ("false", "")

    # Jane objects: blanked from Kestrel's row, and the row opts out of e-mail
    _cli(cfg, "suppress", "add", JANE_EMAIL, "-r", "objected")
    # Northbridge tells sales it wants no more e-mail (a CRM outcome)
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("domain,stage,date\nnorthbridge-eng.de,opted out,2026-02-20\n",
                        encoding="utf-8")
    _cli(cfg, "outcomes", "import", str(outcomes))
    leads, listed = _opt_outs(cfg, tmp_path)
    assert (leads["Kestrel Machinery Ltd"], leads["Northbridge Engineering GmbH"],
            leads["Sam Price Joinery"], leads["Pennine Tools Ltd"]) == ("1", "1", "1", "0")
    # Jane was the best contact of both; with her blanked neither has a contact to list
    assert listed == [RIA_EMAIL, SAM_EMAIL]


@pytest.mark.parametrize("basis", ["consent", "Consent (Art. 6(1)(a))"])
def test_a_partnership_that_consented_is_not_opted_out(tmp_path, monkeypatch, basis):
    monkeypatch.chdir(tmp_path)
    cfg = _world(tmp_path, basis)
    leads, listed = _opt_outs(cfg, tmp_path)
    assert leads["Sam Price Joinery"] == "0" and leads["Ridge Fabrication"] == "0"
    assert listed == []

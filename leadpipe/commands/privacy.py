"""CLI commands for data protection: ``suppress``, ``forget``, ``contacts show`` and
``privacy purge``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from enrich.normalise.words import plural
from leadpipe import runner
from leadpipe.commands._common import ConfigOption, console, fail, get_config
from warehouse.db import WarehouseBusy

suppress_app = typer.Typer(
    help="The suppression list: companies and people never exported again (people kept only "
    "as salted hashes).", no_args_is_help=True)

KindOption = Annotated[str | None, typer.Option(
    "--kind", help="company, domain, email or phone (default: worked out from the value)")]
CompanyOption = Annotated[str | None, typer.Option(
    "--company", help="With a person's name: the company (id or domain) that names them")]
_WORDS = {"company": "company", "domain": "domain", "email": "e-mail address",
          "phone": "phone number", "leader": "name"}


def _shown_key(kind: str, key: str) -> str:
    return key if kind == "company" else f"hash {key[:12]}…"


@suppress_app.command("add")
def suppress_add(
    value: Annotated[str, typer.Argument(
        help="A company id or domain, an e-mail or a phone, or a name (with --company)")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (kept with the entry)")],
    kind: KindOption = None,
    company: CompanyOption = None,
    config: ConfigOption = None,
) -> None:
    """Never export this company or person again, in any format, at any stage.

    A suppressed person's e-mail, phone and name are blanked under every company (their name
    also leaves the named leadership of the companies their contact rows belong to); a
    suppressed company stays suppressed through re-crawls, re-loads and re-resolves. A name
    (a named leader read from a website) is suppressed at the company given with --company.

    \b
    Examples:
      leadpipe suppress add c1a2b3c4d5e6f --reason "asked not to be contacted"
      leadpipe suppress add acme.example --reason "competitor"
      leadpipe suppress add jane.doe@acme.example -r "objected (Art. 21)"
      leadpipe suppress add "+44 20 7946 0958" -r "objected by phone"
      leadpipe suppress add "Jane Doe" --company acme.example -r "objected (Art. 21)"
    """
    from sales.privacy.suppression import NotSuppressible

    cfg = get_config(config)
    try:
        entry = runner.suppress_add(cfg, value, reason, kind, company)
    except (NotSuppressible, WarehouseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    held = "" if entry.kind == "company" else " (kept only as a salted hash)"
    console.print(f"suppressed {_WORDS[entry.kind]}{held}: {_shown_key(entry.kind, entry.key)}; "
                  f"companies suppressed by it now: {entry.companies}", highlight=False)


@suppress_app.command("list")
def suppress_list(config: ConfigOption = None) -> None:
    """List the entries (people and domains show as the start of their hash).

    \b
    Example:
      leadpipe suppress list
    """
    cfg = get_config(config)
    try:
        entries = runner.suppress_list(cfg)
    except (WarehouseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    table = Table("entry", "kind", "reason", "added", "companies now")
    for e in entries:
        table.add_row(_shown_key(e.kind, e.key), _WORDS[e.kind], e.reason or "",
                      e.created_at.strftime("%Y-%m-%d %H:%M"), str(e.companies))
    console.print(table)
    console.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", highlight=False)


@suppress_app.command("remove")
def suppress_remove(
    value: Annotated[str, typer.Argument(help="The value as it was added")],
    kind: KindOption = None,
    company: CompanyOption = None,
    config: ConfigOption = None,
) -> None:
    """Take an entry off the list (the company or person may be exported again).

    \b
    Example:
      leadpipe suppress remove jane.doe@acme.example
    """
    from sales.privacy.suppression import NotSuppressible

    cfg = get_config(config)
    try:
        entry = runner.suppress_remove(cfg, value, kind, company)
    except (NotSuppressible, WarehouseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    if entry is None:
        fail(f"{value!r} is not on the suppression list")
    console.print(f"removed {_WORDS[entry.kind]} {_shown_key(entry.kind, entry.key)} from the "
                  "suppression list", highlight=False)


def forget(
    person: Annotated[str, typer.Argument(
        help="The person's e-mail address or phone number, or their name (with --company)")],
    company: CompanyOption = None,
    config: ConfigOption = None,
) -> None:
    """Erase a person everywhere (warehouse, landing files, HTTP cache) and suppress them.

    Landing files are masked in place, line for line; what was masked is logged in
    <data_dir>/erasure-log.jsonl, which holds only a salted hash of the person. Their name
    goes too: the names their contact rows carry leave the named leadership of those
    companies. A name with --company erases that person at that company only (a name alone
    identifies nobody): their contact rows, named-leadership entry, the company's landed items
    and cached pages that name them.

    \b
    Examples:
      leadpipe forget jane.doe@acme.example
      leadpipe forget "+44 20 7946 0958"
      leadpipe forget "Jane Doe" --company acme.example
    """
    from sales.privacy.erasure import NotAPerson

    cfg = get_config(config)
    try:
        done = runner.forget(cfg, person, company)
    except (NotAPerson, WarehouseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    table = Table("where", "found and removed")
    words = {"contacts": "contacts (deleted)", "source_records": "source records (fields emptied)",
             "companies": "companies (fields emptied)",
             "enrichment": "website findings (removed from the lists)",
             "raw_items": "landed items in the warehouse (masked)",
             "quarantined_lines": "quarantined lines (masked)",
             "leadership": "named leadership on websites (companies whose list changed)"}
    for name, count in done.warehouse.items():
        table.add_row(words.get(name, name), str(count))
    table.add_row(f"landing files ({len(done.landing)} rewritten)",
                  f"{plural(done.landing_lines, 'line')} masked")
    table.add_row("HTTP cache", f"{plural(len(done.httpcache), 'cached page')} removed")
    console.print(table)
    console.print("suppressed: never exported again (kept only as a salted hash); what was "
                  f"masked is logged in {cfg.data_dir / 'erasure-log.jsonl'}", highlight=False,
                  soft_wrap=True)


contacts_app = typer.Typer(help="Contacts held about people: what, from where, since when.",
                           no_args_is_help=True)
privacy_app = typer.Typer(help="Retention of personal data.", no_args_is_help=True)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "not recorded"


@contacts_app.command("show")
def contacts_show(
    person: Annotated[str, typer.Argument(help="The person's e-mail address or phone number")],
    profile: Annotated[str | None, typer.Option(help="ICP profile whose lawful basis applies")]
    = None,
    config: ConfigOption = None,
) -> None:
    """What is held about a person and where it came from: the facts an Art. 14 GDPR notice
    to them needs.

    \b
    Example:
      leadpipe contacts show jane.doe@acme.example
    """
    from leadpipe.config import ConfigError
    from sales.privacy.erasure import NotAPerson

    cfg = get_config(config)
    try:
        basis = cfg.lawful_basis(profile)
        held, suppressed = runner.contact_notice(cfg, person)
    except (NotAPerson, ConfigError, WarehouseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    if not held:
        console.print(f"No contact data is held for {person}.", highlight=False)
    for number, c in enumerate(held, 1):
        company = c.company or "an unnamed organisation"
        console.print(f"[bold]{number}. {escape(c.name or 'no name')}[/] at {escape(company)}",
                      highlight=False)
        console.print(f"   held: {', '.join(c.held())}"
                      + (f" (job title: {escape(c.role)})" if c.role else ""), highlight=False)
        console.print(f"   source: {c.source}, page {escape(c.url or 'not recorded')}",
                      highlight=False, soft_wrap=True)
        console.print(f"   first seen {_when(c.first_seen_at)}, last seen {_when(c.last_seen_at)}",
                      highlight=False)
    months = cfg.privacy.retention_months
    console.print(f"Lawful basis: {basis}.", highlight=False)
    console.print("Kept: " + (f"until {months} months after it was last seen on a public page."
                              if months else "until erased (no retention period configured)."),
                  highlight=False)
    console.print("Suppressed: " + ("yes, never exported." if suppressed else "no."),
                  highlight=False)
    console.print("The person may object (leadpipe suppress add) or ask for erasure "
                  "(leadpipe forget).", highlight=False)


@privacy_app.command("purge")
def privacy_purge(config: ConfigOption = None) -> None:
    """Purge contacts not seen for [privacy] retention_months (the pipeline runs it after
    scoring); each purge is logged in the runs table.

    \b
    Example:
      leadpipe privacy purge
    """
    cfg = get_config(config)
    try:
        done = runner.purge(cfg)
    except WarehouseBusy as exc:
        fail(str(exc))
    if done.months is None:
        console.print("no retention period configured ([privacy] retention_months): nothing "
                      "purged", highlight=False)
        return
    console.print(f"purged {plural(done.contacts, 'contact')} not seen since "
                  f"{done.cutoff:%Y-%m-%d} (retention {plural(done.months, 'month')})",
                  highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(suppress_app, name="suppress", rich_help_panel="Data protection")
    app.command(rich_help_panel="Data protection")(forget)
    app.add_typer(contacts_app, name="contacts", rich_help_panel="Data protection")
    app.add_typer(privacy_app, name="privacy", rich_help_panel="Data protection")

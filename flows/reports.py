"""What ops read in the Prefect UI: run artifacts as tables and markdown with plain labels.

Each function turns a stage's result (or the files a crawl left behind) into rows whose keys
are the column headings the UI shows, and publishes them; none holds business logic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from enrich.normalise.words import plural
from spiders.landing import STAT_ERRORS, STAT_FINISH_REASON, items_landed, report_path
from spiders.netpolicy import REFUSED_STAT
from spiders.registry import SOURCES_DIR

COUNT_ASSERTION = "count assertion"  # how a spider's count check names itself in its errors


def _count_rule(source: str) -> str:
    """The count assertion a source's definition declares, in words ('' when none)."""
    path = SOURCES_DIR / f"{source}.yaml"
    if not path.exists():
        return ""
    from spiders.definitions import load_definition

    definition = load_definition(path)
    low, high = definition.count_min, definition.count_max
    if low is not None and high is not None:
        return f"{low:,} to {high:,} items"
    if low is not None:
        return f"at least {low:,} items"
    if high is not None:
        return f"at most {high:,} items"
    return ""


def crawl_stats(landing_dir: Path, run_id: str, source: str) -> dict[str, Any]:
    """The report a crawl of ``source`` left in its landing run ({} when it left none)."""
    path = report_path(landing_dir, run_id, source)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def crawl_row(source: str, stats: Mapping[str, Any], errors: Sequence[str] = ()) -> dict[str, Any]:
    """One crawl as a table row: what it fetched, landed, retried and was refused."""
    errors = list(dict.fromkeys([*(stats.get(STAT_ERRORS) or []), *(e for e in errors if e)]))
    finish = str(stats.get(STAT_FINISH_REASON) or "no report (the crawl did not finish)")
    rule = _count_rule(source)
    if any(COUNT_ASSERTION in e for e in errors):
        count = f"failed (expected {rule})" if rule else "failed"
    else:
        count = f"passed ({rule})" if rule else "none declared"
    ok = finish == "finished" and not errors
    return {
        "Source": source,
        "Result": "ok" if ok else "failed",
        "Pages fetched": int(stats.get("response_received_count") or 0),
        "Items landed": items_landed(stats),
        "Errors": len(errors),
        "Retries": int(stats.get("leadpipe/retries") or stats.get("retry/count") or 0),
        "Robots.txt refusals": int(stats.get("robotstxt/forbidden") or 0),
        "Refused private addresses": int(stats.get(REFUSED_STAT) or 0),
        "Count assertion": count,
        "First error": errors[0] if errors else "",
    }


def publish_crawl_table(rows: Sequence[Mapping[str, Any]], run_id: str) -> None:
    create_table_artifact(
        [dict(r) for r in rows],
        key="crawl-report",
        description=f"Crawl of {plural(len(rows), 'source')}, landing run {run_id}",
    )


def publish_resolution(summary: Any) -> None:
    """Records in, companies out, how many were merged and how many pairs wait for review."""
    records = int(getattr(summary, "records", 0))
    companies = int(getattr(summary, "companies", 0))
    rows = [
        {"What": "Source records", "Count": records},
        {"What": "Companies after merging", "Count": companies},
        {"What": "Records merged into another", "Count": max(records - companies, 0)},
        {"What": "Companies with several records",
         "Count": int(getattr(summary, "multi_record_companies", 0))},
        {"What": "New redirects (old company ids)", "Count": int(getattr(summary, "redirects", 0))},
        {"What": "Pairs to review (between the merge and keep-apart thresholds)",
         "Count": int(getattr(summary, "review_pairs", 0))},
    ]
    create_table_artifact(rows, key="resolution-summary", description="Entity resolution")


TOP_PROSPECTS = 15
NOT_ASSIGNED = "not assigned"
PRIORITY_KEY = ("Priority reads fit tier (A best), solvency band (1 best, P a public body, "
                "? too little data) and timing (hot, warm or none).")


def reason_sentences(reasons: str | None) -> list[str]:
    """The reasons of a scored row as whole sentences. The view joins them with "; ", and a
    reason may hold "; " inside its brackets (an industry's evidence), so only a "; " outside
    brackets separates two reasons."""
    parts, depth, current = [], 0, []
    text = str(reasons or "")
    i = 0
    while i < len(text):
        ch = text[i]
        depth += (ch == "(") - (ch == ")")
        if depth <= 0 and text.startswith("; ", i):
            parts.append("".join(current))
            current, i = [], i + 2
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    out = []
    for part in (p.strip() for p in parts):
        if part:
            sentence = part[0].upper() + part[1:]
            out.append(sentence if sentence[-1] in ".!?" else sentence + ".")
    return out


def top_prospect_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The best prospects as the sales team would read them: name, priority, owner and every
    reason in whole sentences (priority falls back to fit and solvency when not scored)."""
    out = []
    for r in rows:
        name = f"{r['name']} ({r['country']})" if r.get("country") else str(r["name"])
        priority = r.get("priority") or f"fit {r.get('fit')}, solvency {r.get('solvency')}"
        out.append({"Company": name, "Priority": str(priority),
                    "Owner": str(r.get("owner") or NOT_ASSIGNED),
                    "Why": " ".join(reason_sentences(r.get("reasons")))})
    return out


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def top_prospects_markdown(rows: Sequence[Mapping[str, str]], profile: str) -> str:
    """A table of name, priority and owner, then the reasons of each prospect as a numbered
    paragraph under it: the UI never wraps a table cell (a table's long "Why" column is cut off
    at the page's edge), but it wraps a paragraph."""
    lines = [f"## Top {len(rows)} prospects, profile {profile}", "",
             "| | Company | Priority | Owner |", "|---:|---|---|---|"]
    lines += [f"| {i} | {_cell(r['Company'])} | {_cell(r['Priority'])} | {_cell(r['Owner'])} |"
              for i, r in enumerate(rows, 1)]
    lines += ["", PRIORITY_KEY]
    if all(r["Owner"] == NOT_ASSIGNED for r in rows):
        lines.append("No owner yet: `leadpipe assign` gives prospects to the sales managers.")
    lines += ["", "### Why", ""]
    # bullets, the number in bold: an ordered list's gutter cuts off a two-digit number
    lines += [f"- **{i}. {r['Company']}**: {r['Why']}" for i, r in enumerate(rows, 1)]
    return "\n".join(lines)


def publish_top_prospects(config: Any, profile: str | None, limit: int = TOP_PROSPECTS) -> str:
    """Read the best prospects from the scored view and publish them; returns the markdown."""
    from sales.export.view import Selection, open_scored_rows

    selection = Selection(profile=config.profile(profile).name, stages=("prospect",))
    columns = ["name", "country", "priority", "fit", "solvency", "owner", "reasons"]
    with open_scored_rows(config.warehouse, config.snapshot_path) as scored:
        table = scored.fetch(columns, selection).slice(0, limit)
    rows = top_prospect_rows(table.to_pylist())
    if rows:
        text = top_prospects_markdown(rows, selection.profile)
    else:
        text = f"No company is a prospect for profile **{selection.profile}** yet."
    create_markdown_artifact(text, key="top-prospects",
                             description=f"Top prospects, profile {selection.profile}")
    return text


def _shown_folder(path: Path) -> Path:
    """The export's folder relative to the project folder flow runs start in (``data/exports``),
    absolute only when it lies elsewhere."""
    folder = path.parent.resolve()
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def export_markdown(rows: int, export_format: str, path: Path, from_snapshot: bool,
                    link: str | None) -> str:
    """The export in words: rows, format, file and, when a file server is set, a link."""
    lines = [
        "| What | Value |",
        "|---|---|",
        f"| Companies exported | {rows} |",
        f"| Format | {export_format} |",
        f"| File | `{path.name}` |",
        f"| Folder | `{_shown_folder(path)}` |",
    ]
    if link:
        lines.append(f"| Download | [{path.name}]({link}) |")
    if from_snapshot:
        lines.append("| Read from | the latest snapshot (a writer held the warehouse) |")
    return "\n".join(lines)


def publish_export(rows: int, export_format: str, path: Path, from_snapshot: bool,
                   link: str | None) -> None:
    create_markdown_artifact(export_markdown(rows, export_format, path, from_snapshot, link),
                             key="export", description="Prospects export")


def publish_pipeline(stage_rows: Sequence[Mapping[str, Any]]) -> None:
    """One line per stage: its outcome in words (never a Python structure)."""
    create_table_artifact([dict(r) for r in stage_rows], key="pipeline-summary",
                          description="What each stage did")


def _percent(value: float | None) -> str:
    return "no outcomes yet" if value is None else f"{value:.0%}"


def _group_table(title: str, groups: Mapping[str, Any]) -> list[str]:
    lines = [f"### {title}", "",
             "| | Companies | Prospects | Clients | Contacted | Won | Conversion (won of "
             "contacted) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, c in groups.items():
        s = c.stages
        lines.append(f"| {name} | {c.companies} | {s['prospect']} | {s['client']} | "
                     f"{s['contacted']} | {s['won']} | {_percent(c.conversion)} |")
    return [*lines, ""]


def funnel_markdown(report: Any, picture_link: str | None = None,
                    picture_name: str | None = None) -> str:
    """The funnel in words and tables: companies per stage, then per source channel and per
    fit tier with what sales reached and the conversion (won of contacted)."""
    s = report.total.stages
    lines = [f"## Funnel, profile {report.profile}", "", "| Stage | Companies |", "|---|---:|",
             f"| Suspects | {s['suspect']} |", f"| Prospects | {s['prospect']} |",
             f"| Clients | {s['client']} |"]
    if report.has_outcomes:
        lines += [f"| Contacted | {s['contacted']} |", f"| Meeting | {s['meeting']} |",
                  f"| Proposal | {s['proposal']} |", f"| Won | {s['won']} |",
                  f"| Lost | {s['lost']} |",
                  f"| Conversion (won of contacted) | {_percent(report.total.conversion)} |"]
    else:
        lines.append("| Outcomes | none imported yet (`leadpipe outcomes import FILE.csv`) |")
    lines.append("")
    lines += _group_table("By source channel", report.by_channel)
    if report.by_tier is not None:
        lines += _group_table("By fit tier", report.by_tier)
    if picture_link and picture_name:
        lines.append(f"The funnel chart: [{picture_name}]({picture_link})")
    elif picture_name:
        lines.append(f"The funnel chart is `{picture_name}` in the exports folder.")
    return "\n".join(lines)


def publish_funnel(config: Any, profile: str | None) -> str:
    """Write the funnel chart beside the exports and publish the funnel as a markdown
    artifact (with a link to the chart when ``[sales] exports_url`` is set)."""
    from sales.funnel import funnel_report
    from sales.funnel_chart import write_funnel_png
    from warehouse.db import connect

    chosen = config.profile(profile).name
    con = connect(config.warehouse, read_only=True)
    try:
        report = funnel_report(con, chosen)
    finally:
        con.close()
    png = write_funnel_png(report, config.exports_dir / f"funnel-{chosen}.png")
    base = config.sales.exports_url
    link = f"{base.rstrip('/')}/{png.name}" if base else None
    text = funnel_markdown(report, link, png.name)
    create_markdown_artifact(text, key="funnel", description=f"Funnel, profile {chosen}")
    return text

"""Page objects for documented data: JSON API responses and CSV/XLSX exports (pure)."""

from __future__ import annotations

import csv
import io
import json
from functools import cached_property
from typing import Any

from spiders.pages.records import Extracted, build_record
from spiders.pages.spec import Context, ExtractionSpec, evaluate, get_path, param_next_url


class ApiPage:
    """One JSON response of a (paginated) API; records at the listing's ``records`` path."""

    def __init__(self, url: str, body: bytes | str, spec: ExtractionSpec) -> None:
        self.url = url
        self.spec = spec
        self.body = body

    @cached_property
    def data(self) -> Any:
        return json.loads(self.body)

    @cached_property
    def _records(self) -> list[Extracted]:
        mspec = self.spec.listing.get("api")
        if mspec is None:
            return []
        if mspec.records:
            found = get_path(self.data, mspec.records)
            raw = found[0] if len(found) == 1 and isinstance(found[0], list) else found
        else:
            raw = self.data if isinstance(self.data, list) else [self.data]
        out = []
        for record in raw:
            if not isinstance(record, dict):
                continue
            found = build_record(mspec, Context("api", record, self.url, root=self.data),
                                 self.spec)
            if found.fields.get("name"):
                out.append(found)
        return out

    def records(self) -> list[Extracted]:
        return self._records

    def next_urls(self) -> list[str]:
        pagination = self.spec.pagination
        urls = []
        if pagination.next is not None:
            value = evaluate(pagination.next, Context("api", self.data, self.url, self.data),
                             "next")
            if value:
                from urllib.parse import urljoin

                urls.append(urljoin(self.url, str(value)))
        step = param_next_url(self.url, pagination, len(self.records()))
        if step:
            urls.append(step)
        return urls


class ExportPage:
    """A catalogue's own export: CSV in any encoding (title lines, ``;``) or an XLSX sheet."""

    def __init__(self, url: str, body: bytes, spec: ExtractionSpec) -> None:
        self.url = url
        self.spec = spec
        self.body = body
        self.title: str | None = None

    def rows(self) -> list[dict[str, Any]]:
        opts = self.spec.export
        if opts.format == "xlsx":
            table = _xlsx_rows(self.body, opts.sheet)
        else:
            text = self.body.decode(opts.encoding)
            if text.startswith("\ufeff"):
                text = text[1:]
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=opts.delimiter))
        skipped = table[: opts.skip_lines]
        titles = [" ".join(str(c) for c in row if c not in (None, "")) for row in skipped]
        self.title = next((t for t in titles if t.strip()), None)
        rest = table[opts.skip_lines:]
        if not rest:
            return []
        header = [str(h).strip() if h is not None else "" for h in rest[0]]
        out = []
        for row in rest[1:]:
            if not any(c not in (None, "") for c in row):
                continue
            out.append({h: _cell(v) for h, v in zip(header, row, strict=False) if h})
        return out

    @cached_property
    def _records(self) -> list[Extracted]:
        mspec = self.spec.listing.get("export")
        if mspec is None:
            return []
        rows = self.rows()
        out = []
        for row in rows:
            found = build_record(mspec, Context("export", row, self.url, title=self.title),
                                 self.spec)
            if found.fields.get("name"):
                out.append(found)
        return out

    def records(self) -> list[Extracted]:
        return self._records

    def next_urls(self) -> list[str]:
        return []


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def _xlsx_rows(body: bytes, sheet: str | None) -> list[list[Any]]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise RuntimeError("reading XLSX exports needs openpyxl") from exc
    book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    book.close()
    return rows


def page_for(spec: ExtractionSpec, url: str, body: bytes, *, detail: bool = False):
    """The page object that fits a definition's kind (and page type for HTML)."""
    if spec.kind == "export":
        return ExportPage(url, body, spec)
    if spec.kind == "api":
        return ApiPage(url, body, spec)
    from spiders.pages.html import DetailPage, ListingPage

    return DetailPage(url, body, spec) if detail else ListingPage(url, body, spec)

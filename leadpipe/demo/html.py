"""HTML building blocks shared by the demo sites: escaping and a page skeleton."""

from __future__ import annotations

import json
from html import escape
from typing import Any


def e(value: Any) -> str:
    """Escape text for HTML (attributes included)."""
    return escape(str(value), quote=True)


def json_ld(data: dict[str, Any]) -> str:
    """A schema.org JSON-LD script block (``</`` escaped so it cannot close the script)."""
    blob = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{blob}\n</script>'


def page(
    *,
    title: str,
    body: str,
    site_name: str,
    nav: list[tuple[str, str]],
    footer: str,
    head_extra: str = "",
    lang: str = "en",
    body_class: str = "",
    banner: str = "",
) -> str:
    """A complete, valid HTML5 page with header, navigation, main content and footer."""
    links = "\n".join(f'      <li><a href="{e(href)}">{e(label)}</a></li>' for label, href in nav)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(title)}</title>
  <link rel="stylesheet" href="/static/site.css">
{head_extra}
</head>
<body class="{e(body_class)}">
  <header class="site-header">
    <a class="logo" href="/">{e(site_name)}</a>
    <nav class="main-nav">
     <ul>
{links}
     </ul>
    </nav>
  </header>
{banner}
  <main id="content">
{body}
  </main>
  <footer class="site-footer">
{footer}
  </footer>
</body>
</html>
"""


STYLESHEET = """body{font-family:system-ui,sans-serif;margin:0;color:#222}
.site-header{display:flex;gap:2rem;align-items:center;padding:1rem 2rem;background:#123;color:#fff}
.site-header a{color:#fff}.main-nav ul{display:flex;gap:1rem;list-style:none;margin:0}
main{padding:1rem 2rem;max-width:70rem}
.site-footer{padding:1rem 2rem;background:#eee;font-size:.9em}
.badge{background:#fc0;padding:0 .4em;border-radius:.3em}.notice{background:#fdd;padding:1rem}
"""

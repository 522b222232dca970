"""Source definitions: every shipped YAML loads; mistakes are reported with file, line, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.definitions import (
    DefinitionError,
    definition_for_url,
    load_all,
    load_definition,
)
from spiders.generic import spider_from_definition

GOOD = """\
id: {id}
publisher: Example Fair GmbH
kind: html
frequency: weekly
robots: obey robots.txt
start_urls: [https://fair.example/exhibitors]
count: {{min: 1, max: 10}}
listing:
  css:
    records: li.exhibitor
    fields:
      name: h3::text
      booth: {{css: span.booth::text, re: "#(\\\\S+)"}}
"""


def write(tmp_path: Path, text: str, name: str = "example_fair") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_all_shipped_definitions_load():
    definitions = {d.id: d for d in load_all()}
    assert {"yellowpages_au", "localsearch_au", "hannover_messe", "hostingcon_2012",
            "gitex_africa_2026", "dsei_2023"} <= set(definitions)
    for definition in definitions.values():
        assert definition.count_min is not None and definition.robots and definition.publisher


def test_good_definition_gives_a_named_spider(tmp_path):
    path = write(tmp_path, GOOD.format(id="example_fair"))
    definition = load_definition(path)
    assert definition.kind == "html" and definition.count_min == 1
    cls, kwargs = spider_from_definition(path)
    assert cls.name == "example_fair"
    assert kwargs == {"definition_path": str(path)}


@pytest.mark.parametrize(
    ("change", "line", "needle"),
    [
        (("      name: h3::text", "      nme: h3::text"), 12,
         "listing.css.fields.nme: unknown field 'nme'"),
        (("kind: html", "kind: htm"), 3, "kind: 'htm' is not one of html, api, export"),
        (("count: {min: 1, max: 10}", "count: {min: 11, max: 10}"), 7,
         "count: min 11 is above max 10"),
        (("count: {min: 1, max: 10}", "count: {max: 10}"), 7, "give count.min"),
        (('re: "#(\\\\S+)"', 're: "#(\\\\S+"'), 13, "bad regular expression"),
        (("span.booth::text, re", "span.booth::text, regex"), 13,
         "unknown option 'regex'"),
        (("start_urls: [https://fair.example/exhibitors]", "start_urls: [fair.example]"), 6,
         "not an http(s) URL"),
        (("robots: obey robots.txt\n", ""), 1, "robots: required"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path, change, line, needle):
    text = GOOD.format(id="example_fair")
    assert change[0] in text
    path = write(tmp_path, text.replace(change[0], change[1]))
    with pytest.raises(DefinitionError) as err:
        load_definition(path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert needle in message


def test_id_must_match_file_name(tmp_path):
    path = write(tmp_path, GOOD.format(id="other"), name="example_fair")
    with pytest.raises(DefinitionError, match=r"example_fair.yaml:1: id: id 'other' must equal"):
        load_definition(path)


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, GOOD.format(id="example_fair") + "  bad: [unclosed\n")
    with pytest.raises(DefinitionError, match=r"example_fair.yaml:\d+: not valid YAML"):
        load_definition(path)


def test_definition_for_url_picks_by_pattern_or_host():
    assert definition_for_url(
        "https://www.yellowpages.com.au/search/listings?clue=x&pageNumber=3").id == \
        "yellowpages_au"
    assert definition_for_url("http://m.hostingcon.com/exhibitors.html").id == "hostingcon_2012"
    with pytest.raises(DefinitionError, match="no source definition matches"):
        definition_for_url("https://nowhere.example/")


def test_the_example_in_the_guide_is_a_valid_definition(tmp_path):
    guide = (Path(__file__).parent.parent / "docs" / "adding-a-source.md").read_text()
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path, example, name="acme_fair_2026")
    definition = load_definition(path)
    assert definition.kind == "html" and definition.stale_after_days == 30
    assert [m.method for m in definition.extraction.detail.methods] == ["jsonld", "css"]

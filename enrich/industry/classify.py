"""One company's NACE Rev. 2 activity from every kind of evidence, with a confidence and reasons.

Evidence, strongest first: codes a registry gives (UK SIC, NAF, NACE Rev. 2 / 2.1), the CPV
codes of contracts the company won, the categories directories and exhibition catalogues print,
its name, then descriptions and website text read as whole words. Each piece votes for a NACE
code with its weight; the section with the most weight wins, then the division within it, then
the most specific code the evidence there agrees on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from enrich.industry import nace, schemes, words

WEIGHTS = {"registry": 6.0, "categories": 3.0, "name": 2.0, "contracts": 1.5,
           "description": 1.0, "website": 0.5}
CERTAIN_AT = 3.0  # evidence weight from which the winner is not doubted for lack of evidence
WEBSITE_CHARS = 5000
NOTHING = "no industry words found"


@dataclass(frozen=True)
class IndustryCode:
    """A code as a source gives it: ``scheme`` as the source spells it (``UK SIC 2007``,
    ``NACE``, ``NAF``, ``SN2025``), ``code`` with or without dots or its title."""

    scheme: str
    code: str


@dataclass(frozen=True)
class IndustryGuess:
    """``nace`` is the NACE Rev. 2 code (section letter to class), ``industry`` the name of its
    sector (``manufacturing`` for section C, the names in industries.toml ``[labels]``, which
    profiles also use), ``reason`` which source said what, in plain words."""

    nace: str | None
    industry: str | None
    confidence: float
    reason: str
    title: str | None = None  # the readable title of ``nace``

    @property
    def section(self) -> str | None:
        return nace.section_of(self.nace) if self.nace else None


@dataclass
class _Vote:
    code: str
    weight: float
    where: str
    said: str  # the words or code that said it, as a reader would recognise them


@dataclass
class _Tally:
    votes: list[_Vote] = field(default_factory=list)

    def add(self, code: str, weight: float, where: str, said: str) -> None:
        if nace.activity(code) is not None:
            self.votes.append(_Vote(nace.normalise(code) or code, weight, where, said))


def _text_votes(tally: _Tally, where: str, text: str, weight: float) -> None:
    seen: set[tuple[str, str]] = set()
    for phrase, codes in words.find(text):
        for code in codes:
            if (code, phrase) not in seen:
                seen.add((code, phrase))
                tally.add(code, weight / len(codes), where, phrase)


def classify(
    *,
    name: str | None = None,
    categories: Iterable[str] | None = None,
    description: str | None = None,
    website_text: str | None = None,
    codes: Iterable[IndustryCode] = (),
    contract_cpv: Iterable[str] = (),
) -> IndustryGuess:
    """Best NACE Rev. 2 code, a confidence in [0, 1] and the evidence that decided it."""
    tally = _Tally()
    for given in codes:
        mapped = schemes.to_nace(given.scheme, given.code)
        if mapped:
            tally.add(mapped.nace, WEIGHTS["registry"], "registry",
                      f"{mapped.title.lower()} ({mapped.scheme} {mapped.code})")
    divisions = {}
    for cpv in contract_cpv:
        mapped = schemes.cpv_to_nace(cpv)
        if mapped:
            divisions.setdefault(mapped.nace, mapped)
    for division, mapped in divisions.items():
        tally.add(division, WEIGHTS["contracts"], "contracts", mapped.title.lower())
    for label in categories or []:
        _category_votes(tally, label)
    _text_votes(tally, "name", name or "", WEIGHTS["name"])
    _text_votes(tally, "description", description or "", WEIGHTS["description"])
    _text_votes(tally, "website", (website_text or "")[:WEBSITE_CHARS], WEIGHTS["website"])
    return _decide(tally.votes)


def _category_votes(tally: _Tally, label: str) -> None:
    """A category label: the listed words, sharpened by the NACE titles when a title names a
    code below what the words say ("Wholesale of fruit and vegetables": 46 → 46.31); the titles
    alone when no listed word is in it."""
    before = len(tally.votes)
    _text_votes(tally, "categories", label, WEIGHTS["categories"])
    listed = tally.votes[before:]
    titled = words.title_match(label)
    if titled is None:
        return
    if not listed:
        tally.add(titled, WEIGHTS["categories"], "categories", label.lower())
    elif all(nace.under(titled, v.code) and titled != v.code for v in listed):
        tally.votes[before:] = [_Vote(titled, v.weight, v.where, v.said) for v in listed]


def _decide(votes: list[_Vote]) -> IndustryGuess:
    if not votes:
        return IndustryGuess(None, None, 0.0, NOTHING)
    by_section: dict[str, float] = defaultdict(float)
    for v in votes:
        by_section[nace.activities()[v.code].section] += v.weight
    section = max(by_section, key=lambda s: (by_section[s], s))
    mine = [v for v in votes if nace.activities()[v.code].section == section]
    code = section
    while True:  # go one level deeper while one child holds most of the weight
        children: dict[str, float] = defaultdict(float)
        for v in mine:
            child = _child_towards(code, v.code)
            if child:
                children[child] += v.weight
        if not children:
            break
        best = max(children, key=lambda c: (children[c], c))
        if children[best] * 2 <= sum(v.weight for v in mine if nace.under(v.code, code)):
            break
        code = best
    total = sum(by_section.values())
    strength = min(1.0, by_section[section] / CERTAIN_AT)
    confidence = round(by_section[section] / total * strength, 3)
    activity = nace.activities()[code]
    return IndustryGuess(code, words.sector_name(section), confidence, _reason(code, mine),
                         activity.label)


def _child_towards(code: str, target: str) -> str | None:
    """The child of ``code`` on the way down to ``target`` (None when target is ``code``)."""
    path = [a.code for a in reversed(nace.lineage(target))]
    if code not in path:
        return None
    i = path.index(code)
    return path[i + 1] if i + 1 < len(path) else None


_SAYS = {  # where a vote came from → how a salesperson reads what it said
    "registry": "its registry entry says so",
    "categories": "listed under {}",
    "name": "its name says {}",
    "contracts": "it won public contracts for {}",
    "description": "its description mentions {}",
    "website": "its website mentions {}",
}
_QUOTED = {"name", "description", "website"}  # words picked out of free text


def _said(where: str, items: list[str]) -> str:
    shown = [f'"{i}"' if where in _QUOTED else i for i in sorted(items)[:2]]
    return _SAYS[where].format(" and ".join(shown))


def _reason(code: str, votes: list[_Vote]) -> str:
    """What the company does, then the two strongest places that said so, two sayings each, in
    whole words (no scheme codes: those stay in ``nace``): read at a glance. No semicolons, as
    the export joins reasons with them."""
    said: dict[str, list[str]] = {}
    for v in sorted(votes, key=lambda v: -WEIGHTS[v.where]):
        items = said.setdefault(v.where, [])
        if v.said not in items:
            items.append(v.said)
    evidence = [_said(where, items) for where, items in list(said.items())[:2]]
    return f"{nace.doing(code)} ({', '.join(evidence)})"


def keyword_hits(text: str) -> list[tuple[str, str]]:
    """(NACE code, phrase) for every activity phrase in ``text`` (website signal)."""
    return [(code, phrase) for phrase, codes in words.find(text) for code in codes]

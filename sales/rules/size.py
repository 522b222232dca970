"""Size: the headcount against the profile's band (``employees_min`` to ``employees_max``).

A stated headcount is exact: the website's, else the one a directory's or catalogue's company
description states ("a team of 18 people"). Without one, the size is a band: a source's size
band gives a lower bound, and the accounts category a firm files at the company register gives
an upper one (a micro-entity has at most 10 employees, a small company at most 50). A band
inside the target fits; a band wholly outside it does not; a band that straddles the target's
edge "may be" in it. Unknown is not bad: an unknown headcount gets the profile's
``size_unknown`` points (none by default), so it never sinks a company that fits otherwise.
"""

from __future__ import annotations

from enrich.registry_facts import ACCOUNTS_SIZE_BANDS
from sales import sqlrow
from sales.profile import IcpProfile
from sales.rules import fit_rule, reason_sql


def _target(lo: int | None, hi: int | None) -> str:
    """The profile's band with its unit: "20 to 5000 employees"."""
    return (f"{lo or 0} to {hi} employees" if hi is not None else f"at least {lo} employees")


def _inside(value: str, lo: int | None, hi: int | None) -> str:
    """``value`` lies in [lo, hi] (an open end always holds)."""
    parts = ([f"{value} >= {lo}"] if lo is not None else []) + (
        [f"{value} <= {hi}"] if hi is not None else [])
    return "(" + " AND ".join(parts or ["true"]) + ")"


def _accounts_band(column: str) -> dict[str, str]:
    """SQL for the band the accounts category implies (``enrich.registry_facts``): its lower
    and upper headcount and its plain name, NULL when the category says nothing of size."""
    key = f"lower(trim(regexp_replace(replace({column}, '-', ' '), '\\s+', ' ', 'g')))"
    out = {}
    for i, field in enumerate(("floor", "at_most", "kind")):
        whens = " ".join(
            f"WHEN {sqlrow.text(k)} THEN "
            f"{sqlrow.text(v[i]) if field == 'kind' else v[i]}" for k, v in
            ACCOUNTS_SIZE_BANDS.items())
        out[field] = f"(CASE {key} {whens} END)"
    return out


def _staff(count: str) -> str:
    """``count`` employees as words: "1 employee", "20 employees"."""
    return f"{count} || CASE WHEN {count} = 1 THEN ' employee' ELSE ' employees' END"


@fit_rule(code="size", order=30, reads=("website_employees", "description_employees",
                                        "employees", "accounts_category", "website",
                                        "listing_url", "registry_url"), sql=True)
def size(profile: IcpProfile) -> str:
    """In the band, outside it, possibly in it (a band across its edge), or unknown."""
    lo, hi = profile.employees_min, profile.employees_max
    if lo is None and hi is None:
        return "NULL"
    pts = profile.points
    target = sqlrow.text(_target(lo, hi))
    stated = "coalesce(website_employees, description_employees)"
    stated_url = "CASE WHEN website_employees IS NOT NULL THEN website ELSE listing_url END"
    band = _accounts_band("accounts_category")
    at_least = f"greatest({band['floor']}, coalesce(employees, 0))"
    said = (f"'files ' || {band['kind']} || ' at the register (' || "
            f"CASE WHEN {at_least} > 0 THEN 'at least ' || {at_least} || ' and at most ' "
            f"ELSE 'at most ' END || {band['at_most']} || ' employees)'")
    lower_only = (
        f"CASE WHEN {'false' if hi is None else f'employees > {hi}'} THEN "
        + reason_sql("size_outside", f"'at least ' || employees || ' employees, outside the "
                     f"target of ' || {target}", pts.size_outside, url="listing_url")
        + f" WHEN {_inside('employees', lo, None)} THEN "
        + reason_sql("size_in_range", "'at least ' || employees || ' employees, in the target "
                     "size'", pts.size_in_range, url="listing_url")
        + " ELSE "
        + reason_sql("size_maybe", "'at least ' || employees || ' employees: may be in the "
                     "target size'", pts.size_maybe, url="listing_url")
        + " END")
    outside_band = " OR ".join(
        ([f"{band['at_most']} < {lo}"] if lo is not None else [])
        + ([f"{at_least} > {hi}"] if hi is not None else []))
    return (
        f"CASE WHEN {stated} IS NOT NULL THEN CASE WHEN {_inside(stated, lo, hi)} THEN "
        + reason_sql("size_in_range", f"{_staff(stated)} || ', in the target size'",
                     pts.size_in_range, url=stated_url)
        + " ELSE "
        + reason_sql("size_outside", f"{_staff(stated)} || ', outside the target of ' || "
                     f"{target}", pts.size_outside, url=stated_url)
        + f" END WHEN employees IS NULL AND {band['kind']} IS NULL THEN "
        + reason_sql("size_unknown", "'size unknown'", pts.size_unknown)
        + f" WHEN {band['kind']} IS NULL THEN {lower_only}"
        + f" WHEN {outside_band or 'false'} THEN "
        + reason_sql("size_outside", f"{said} || ', outside the target of ' || {target}",
                     pts.size_outside, url="registry_url")
        + f" WHEN {_inside(at_least, lo, None)} AND {_inside(band['at_most'], None, hi)} THEN "
        + reason_sql("size_in_range", f"{said} || ', in the target size'", pts.size_in_range,
                     url="registry_url")
        + " ELSE "
        + reason_sql("size_maybe", f"{said} || ': may be under the target of ' || {target}",
                     pts.size_maybe, url="registry_url")
        + " END")

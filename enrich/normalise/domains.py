"""Websites and e-mail addresses to the registrable domain (offline public suffix list)."""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
import tldextract

FREE_MAIL = {
    "gmail.com", "googlemail.com", "aol.com", "msn.com", "icloud.com", "me.com", "mac.com",
    "mail.com", "web.de", "mail.ru", "inbox.ru", "bk.ru", "list.ru", "qq.com", "163.com",
    "126.com", "sina.com", "proton.me", "protonmail.com", "zoho.com", "gmx.com", "gmx.de",
    "gmx.net", "t-online.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
    "libero.it", "btinternet.com", "sky.com", "comcast.net", "verizon.net", "att.net",
    "tm.net.my", "streamyx.com", "ukr.net", "i.ua", "rediffmail.com", "naver.com",
    "hanmail.net", "uol.com.br", "bol.com.br", "terra.com.br", "prodigy.net.mx", "seznam.cz",
    "wp.pl", "o2.pl", "interia.pl", "tutanota.com", "fastmail.com", "hey.com", "ya.ru",
}
# whole brand families (any suffix): yahoo.co.uk, hotmail.fr, outlook.de, ...
FREE_MAIL_BRANDS = {"yahoo", "ymail", "hotmail", "outlook", "live", "yandex", "gmx", "rocketmail"}
# platforms that host pages for many firms: not a company's own domain
PLATFORM_BRANDS = {
    "facebook", "fb", "instagram", "linkedin", "twitter", "x", "youtube", "tiktok", "wa",
    "whatsapp", "google", "goo", "blogspot", "wordpress", "wixsite", "wix", "weebly",
    "squarespace", "godaddysites", "business", "amazon", "ebay", "alibaba", "aliexpress",
    "etsy", "shopee", "lazada", "tokopedia", "bukalapak", "mercadolibre", "mercadolivre",
    "yelp", "tripadvisor", "yellowpages", "yell", "bit", "linktr", "tinyurl", "europages",
    "kompass", "indiamart", "tradeindia", "made-in-china", "globalsources", "t", "telegram",
    "pinterest", "medium", "github", "sites", "carrd", "jimdo", "jimdosite", "webnode",
}


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=())


def hosts_array(values: pa.Array) -> pa.Array:
    """URL, bare domain or e-mail -> lower-case host without 'www.' (vectorised)."""
    s = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    s = pc.replace_substring_regex(s, r"^mailto:", "")
    s = pc.replace_substring_regex(s, r"^[^@/]*@", "")  # e-mail: keep the part after '@'
    s = pc.replace_substring_regex(s, r"^[a-z][a-z0-9+.-]*://", "")
    s = pc.replace_substring_regex(s, r"^[^/@]*@", "")  # user:pass@
    s = pc.replace_substring_regex(s, r"[/:?#\s].*$", "")
    s = pc.replace_substring_regex(s, r"^www\d*\.", "")
    s = pc.replace_substring_regex(s, r"\.+$", "")
    ok = pc.match_substring_regex(s, r"^[a-z0-9\p{L}-]+(\.[a-z0-9\p{L}-]+)+$")
    return pc.if_else(ok, s, pa.scalar(None, pa.string()))


@lru_cache(maxsize=1)
def _suffixes() -> tuple[pa.Array, pa.Array]:
    """Public suffixes from tldextract's bundled list (never fetched): plain and wildcard."""
    tlds = _extractor().tlds
    plain = [t for t in tlds if not t.startswith(("*", "!"))]
    wild = [t[2:] for t in tlds if t.startswith("*.")]
    return pa.array(plain, pa.string()), pa.array(wild, pa.string())


def _last_labels(hosts: pa.Array, k: int) -> pa.Array:
    pattern = r"(?P<s>[^.]+" + r"\.[^.]+" * (k - 1) + r")$"
    return pc.struct_field(pc.extract_regex(hosts, pattern), [0])


def _registrable_of_hosts(hosts: pa.Array) -> pa.Array:
    """Registrable domain = the public suffix plus one label (public-suffix-list rules)."""
    plain, wild = _suffixes()
    last = [None] + [_last_labels(hosts, k) for k in range(1, 5)]
    null = pa.scalar(None, pa.string())
    out = pa.nulls(len(hosts), pa.string())
    # shortest suffix first, so the longest matching suffix wins
    for k in (1, 2, 3):
        is_suffix = pc.fill_null(pc.is_in(last[k], value_set=plain), False)
        if k >= 2:
            parent = pc.struct_field(pc.extract_regex(last[k], r"^[^.]+\.(?P<p>.+)$"), [0])
            is_suffix = pc.or_(is_suffix, pc.fill_null(pc.is_in(parent, value_set=wild), False))
        out = pc.if_else(is_suffix, last[k + 1], out)
    label = pc.struct_field(pc.extract_regex(out, r"^(?P<l>[^.]+)\."), [0])
    excluded = pc.or_(
        pc.fill_null(pc.is_in(label, value_set=pa.array(sorted(FREE_MAIL_BRANDS |
                                                               PLATFORM_BRANDS))), False),
        pc.fill_null(pc.is_in(out, value_set=pa.array(sorted(FREE_MAIL))), False),
    )
    return pc.if_else(excluded, null, out)


@lru_cache(maxsize=1)
def _suffix_sets() -> tuple[frozenset[str], frozenset[str]]:
    plain, wild = _suffixes()
    return frozenset(plain.to_pylist()), frozenset(wild.to_pylist())


@lru_cache(maxsize=65_536)
def site_domain(host: str) -> str | None:
    """Whose site a host is: its registrable domain by the same public-suffix rules as
    :func:`registrable_domain`, platforms and free-mail domains included ('shop.acme.co.uk'
    and 'www.acme.co.uk' -> 'acme.co.uk'; 'www.facebook.com' -> 'facebook.com'). Pure Python,
    one host at a time (a fetcher asks for each link; the array form costs a hash build)."""
    labels = host.lower().rstrip(".").split(".")
    plain, wild = _suffix_sets()
    best = 0
    for k in (1, 2, 3):
        if len(labels) <= k:
            break
        if ".".join(labels[-k:]) in plain or (k >= 2 and ".".join(labels[-k + 1:]) in wild):
            best = k
    return ".".join(labels[-best - 1:]) if best else None


def registrable_domains_array(values: pa.Array) -> pa.Array:
    """Vectorised :func:`registrable_domain`, worked out once per distinct host."""
    hosts = hosts_array(values)
    uniq = pc.unique(hosts)
    reg = _registrable_of_hosts(uniq)
    return pc.take(reg, pc.index_in(hosts, uniq))


def registrable_domain(value: str | None) -> str | None:
    """'https://www.shop.acme.co.uk/x' / 'info@acme.co.uk' -> 'acme.co.uk'.

    Free-mail (gmail, yahoo.*, ...) and platform domains (facebook, linkedin, marketplaces,
    site builders) are not a company's domain and give None.
    """
    if not value:
        return None
    return registrable_domains_array(pa.array([value], pa.string()))[0].as_py()

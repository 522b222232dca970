"""Scrapy settings shared by every leadpipe crawl (politeness first; the config can tighten)."""

BOT_NAME = "leadpipe"
SPIDER_MODULES = ["spiders.sources"]
NEWSPIDER_MODULE = "spiders.sources"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = 30
# Response size caps, applied by Scrapy to the decompressed body too (HttpCompressionMiddleware
# stops a gzip bomb as it inflates): a listing or API page is kilobytes, a bulk tender page a
# few megabytes. Scrapy's own default is 1 GiB, which a hostile page can fill.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Retries (spiders/retry.py, the one retry middleware of every spider): at most RETRY_TIMES,
# waiting Retry-After when the server names it, else backoff base * 2**(retry - 1) times a
# random 1..1+jitter; every wait capped at LEADPIPE_RETRY_DELAY_MAX seconds.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
LEADPIPE_BACKOFF_BASE = 1.0
LEADPIPE_BACKOFF_JITTER = 0.5
LEADPIPE_RETRY_DELAY_MAX = 60.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {"spiders.pipelines.LandingPipeline": 900}
EXTENSIONS = {"spiders.pipelines.RunReport": 500}

# Politeness additions: the retry middleware above (spiders/retry.py); robots.txt Crawl-delay
# as a per-domain floor (spiders/middlewares.py: Scrapy parses it but does not apply it); and a
# development HTTP cache (off by default) that never stores listing pages and re-fetches
# detail pages once older than their definition's detail.stale_after_days.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.retry.PoliteRetryMiddleware": 550,
    # after HttpProxyMiddleware (750), so it sees the proxy; redirects come back through it
    "spiders.netpolicy.OutboundPolicyMiddleware": 760,
    # robots.txt answering 5xx disallows the site for this crawl (RFC 9309), not allow-all
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.PoliteRobotsTxtMiddleware": 100,
    # around HttpCompressionMiddleware (590): a gzip body cut short fails (spiders/bodies.py)
    # before it is inflated; a page not in its declared charset is read as cp1252 after
    "spiders.bodies.CompleteBodyMiddleware": 595,
    "spiders.bodies.CharsetFallbackMiddleware": 580,
}
EXTENSIONS["spiders.middlewares.RobotsCrawlDelay"] = 510

# Outbound-fetch policy (spiders/netpolicy.py): nothing is fetched from loopback, private,
# link-local or metadata addresses; the resolver hands Twisted only checked addresses (no DNS
# rebinding). Addresses or networks named here are let through (the demo world and tests
# name 127.0.0.1); empty by default.
TWISTED_DNS_RESOLVER = "spiders.netpolicy.PolicyResolver"
LEADPIPE_ALLOW_ADDRESSES: list[str] = []

CRAWL_DELAY_MAX = 60.0
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "spiders.middlewares.StaleAwareCachePolicy"
HTTPCACHE_IGNORE_HTTP_CODES = [401, 403, 404, 408, 429, 500, 502, 503, 504]


# The crawl stage (leadpipe.runner.crawl_settings) passes the configured user agent; spiders
# never read the app config, so `scrapy list` and a bare `python -m spiders.crawl` use this one.
USER_AGENT = "leadpipe/0.1 (+https://github.com/leadpipe/leadpipe)"

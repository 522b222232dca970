"""Host names of the demo world (all served over plain http by ``leadpipe.demo.server``)."""

from __future__ import annotations

TENDERS_HOST = "tenders.demo.leadpipe.test"
EXPO_HOST = "expo.demo.leadpipe.test"
DIRECTORY_HOST = "directory.demo.leadpipe.test"
REGISTRY_HOST = "registry.demo.leadpipe.test"

TENDERS_START_URL = f"http://{TENDERS_HOST}/api/releases"
EXPO_START_URL = f"http://{EXPO_HOST}/exhibitors"
DIRECTORY_START_URL = f"http://{DIRECTORY_HOST}/search"
REGISTRY_START_URL = f"http://{REGISTRY_HOST}/advanced-search/companies"
START_URLS = {
    "demo_tenders": TENDERS_START_URL,
    "demo_expo": EXPO_START_URL,
    "demo_directory": DIRECTORY_START_URL,
    "demo_registry": REGISTRY_START_URL,
}
SOURCE_HOSTS = (TENDERS_HOST, EXPO_HOST, DIRECTORY_HOST, REGISTRY_HOST)

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\nAllow: /\n"

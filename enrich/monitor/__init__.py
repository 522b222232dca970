"""Site monitoring: what changed on a company's website between two fetches.

Every successful website fetch leaves a fingerprint of the pages that matter (``pages``: home,
jobs/careers, news/press, imprint; ``fingerprint``: which exist, a hash of each one's normalised
text, and the few facts worth comparing), and a change between a company's last two
fingerprints becomes an event in plain words (``events``). ``store`` writes both to the
warehouse (``site_fingerprints``, ``site_events``) and reads the events back for scoring and
``leadpipe events``.
"""

"""Personal data handled as the law expects: who must never be exported (``suppression``),
erasure of a person everywhere (``erasure``), the facts an Art. 14 GDPR notice needs
(``notice``), the subscriber type that decides the e-marketing rules (``subscriber``), the
retention purge (``retention``), and the one hook every export reads through (``view``).

People are only ever kept here as salted hashes of a comparable key (``keys``).
"""

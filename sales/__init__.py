"""The sales room: what the sales team gets from the enriched warehouse.

``sales.rules`` holds the fit rules (one file per rule family), ``sales.score`` runs them for an
ICP profile and decides the funnel stage, ``sales.export`` writes the files sales imports (one
file per format, looked up by name). Nothing here starts a crawl or imports the CLI.
"""

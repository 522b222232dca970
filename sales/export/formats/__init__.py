"""Export formats, one module each; every module here registers itself with
``sales.export.export_format`` and is found by name (``leadpipe export --format NAME``)."""

"""CLI command modules. Each module defines ``register(app: typer.Typer) -> None``.

``leadpipe.cli`` imports every module here (alphabetical order), so adding a command means
adding one module; no shared file needs editing.
"""

"""``leadpipe demo-server``: serve the demo world (tenders, expo, directory, websites) locally."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from rich.console import Console

from leadpipe.config import ConfigError, load_config


def register(app: typer.Typer) -> None:
    @app.command("demo-server", rich_help_panel="Run")
    def demo_server(
        companies: int = typer.Option(None, "--companies", "-n", min=1,
                                      help="Companies (default: demo.companies in the config)."),
        seed: int = typer.Option(None, "--seed", "-s",
                                 help="World seed (default: demo.seed in the config)."),
        port: int = typer.Option(8765, "--port", "-p", min=0, max=65535,
                                 help="Port to listen on (0 picks a free one)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind."),
        config: str = typer.Option(None, "--config", "-c", help="Config file."),
        truth: str = typer.Option(None, "--truth", help="Also write the ground truth (one row "
                                   "per company, with its source records) to this CSV file."),
    ) -> None:
        """Serve the demo world until Ctrl-C; use the printed URL as an HTTP proxy.

        Examples:

          leadpipe demo-server

          leadpipe demo-server --companies 5000 --seed 42 --port 8765

          leadpipe demo-server --truth data/demo-truth.csv

          curl -x http://127.0.0.1:8765 http://expo.demo.leadpipe.test/exhibitors
        """
        from leadpipe.demo.hosts import START_URLS
        from leadpipe.demo.server import DemoServer
        from leadpipe.demo.world import generate_world

        console = Console()
        try:
            demo = load_config(config).demo
        except ConfigError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        companies = companies or demo.companies
        seed = seed if seed is not None else demo.seed
        with console.status(f"Generating a world of {companies:,} companies (seed {seed})…"):
            world = generate_world(companies, seed)
        if truth is not None:
            rows = world.truth_rows()
            try:
                Path(truth).parent.mkdir(parents=True, exist_ok=True)
                with Path(truth).open("w", encoding="utf-8", newline="") as fh:
                    writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
            except OSError as exc:
                console.print(f"[red]error:[/red] cannot write {truth}: {exc.strerror}")
                raise typer.Exit(1) from exc
            console.print(f"Ground truth: {len(rows):,} rows in {truth}")
        server = DemoServer(world, host=host, port=port)
        try:
            server.start()
        except OSError as exc:
            console.print(f"[red]error:[/red] cannot listen on {host}:{port}: {exc.strerror}")
            raise typer.Exit(1) from exc
        console.print(f"Demo world: {len(world.companies):,} companies, {len(world.buyers):,} "
                      f"buyers, {len(world.tenders):,} tenders (seed {seed}).")
        console.print(f"Proxy URL: [bold]{server.proxy_url}[/bold]  "
                      f"(export http_proxy={server.proxy_url})")
        for source, url in START_URLS.items():
            console.print(f"  {source:<15} {url}")
        console.print(f"Try: curl -x {server.proxy_url} {START_URLS['demo_expo']}")
        console.print("Press Ctrl-C to stop.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            console.print("Stopped.")

"""``lrreport sim ...``: run the local Listrak simulator and write its merchant's files."""

import click


@click.group()
def sim() -> None:
    """Listrak- and Shopify-compatible simulators on loopback, and the files their merchant would have."""


@sim.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told)."
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0: any free port."
)
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the synthetic merchant.")
@click.option("--contacts", default=None, type=click.IntRange(1), help="Contacts on the transactional list.")
@click.option("--client-id", default=None, help="Client id the token route accepts [default: lrreport-sim].")
@click.option(
    "--client-secret", default=None, help="Client secret it accepts [default: the simulator's own]."
)
@click.option("--token-ttl", default=3600.0, show_default=True, type=click.FloatRange(min=1), help="Seconds.")
@click.option(
    "--faults",
    "fault_spec",
    default="",
    metavar="KEY=VALUE,...",
    help="Faults to inject, e.g. rate_limit=0.1,server_error=0.05,drop=0.01,slow=0.1,slow_s=2.",
)
def serve(
    host: str,
    port: int,
    seed: int,
    contacts: int | None,
    client_id: str | None,
    client_secret: str | None,
    token_ttl: float,
    fault_spec: str,
) -> None:
    """Serve a Listrak-compatible SMS API (token route + /sms/v1) until Ctrl-C."""
    from lrreport.sim.serve import serve_forever

    serve_forever(
        host=host,
        port=port,
        seed=seed,
        contacts=contacts,
        client_id=client_id,
        client_secret=client_secret,
        token_ttl_s=token_ttl,
        fault_spec=fault_spec,
    )


@sim.command("generate")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write to.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the synthetic merchant.")
@click.option("--days", default=60, show_default=True, type=click.IntRange(1), help="Days of history.")
@click.option("--orders-per-day", default=250, show_default=True, type=click.IntRange(0), help="Orders/day.")
@click.option("--sends", default=None, type=click.IntRange(0), help="Target send-log rows (sets orders/day).")
@click.option("--contacts", default=30_000, show_default=True, type=click.IntRange(100), help="Contacts.")
@click.option("--sender-codes", default=1, show_default=True, type=click.IntRange(1, 4), help="Sender codes.")
@click.option(
    "--format", "fmt", default="csv", show_default=True, type=click.Choice(["csv", "jsonl", "parquet"])
)
@click.option("--gzip", "compress", is_flag=True, help="Gzip csv/jsonl files.")
@click.option(
    "--end-date", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day [today UTC]."
)
def generate(
    out_dir: str,
    seed: int,
    days: int,
    orders_per_day: int,
    sends: int | None,
    contacts: int,
    sender_codes: int,
    fmt: str,
    compress: bool,
    end_date: object,
) -> None:
    """Write the simulator merchant's send log and orders file (same seed: same merchant, same files)."""
    import time
    from datetime import datetime

    from lrreport.sim.files import write_merchant_files
    from lrreport.sim.generator import MerchantSpec

    if compress and fmt == "parquet":
        raise click.UsageError("--gzip applies to csv and jsonl; parquet files are compressed already")
    spec = MerchantSpec(
        seed=seed,
        end_date=end_date.date() if isinstance(end_date, datetime) else None,
        days=days,
        contacts=contacts,
        orders_per_day=orders_per_day,
        sender_codes=sender_codes,
        sends=sends,
    )
    started = time.perf_counter()
    files = write_merchant_files(spec, out_dir, fmt=fmt, compress=compress)
    took = time.perf_counter() - started
    click.echo(f"send log: {files.sends} ({files.send_rows:,} rows)")
    click.echo(f"orders:   {files.orders} ({files.order_rows:,} rows)")
    click.echo(f"merchant seed {seed}, {days} days ending {spec.resolved_end_date()}; {took:.1f}s")


@sim.command("shopify")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8766, show_default=True, type=click.IntRange(0, 65535), help="0: any port.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the synthetic merchant.")
@click.option("--days", default=60, show_default=True, type=click.IntRange(1), help="Days of orders.")
@click.option("--token", default=None, help="Access token it accepts [default: the simulator's own].")
def shopify(host: str, port: int, seed: int, days: int, token: str | None) -> None:
    """Serve the merchant's orders as a Shopify Admin GraphQL API with bulk operations, until Ctrl-C."""
    from lrreport.sim.shopify_server import DEFAULT_TOKEN, serve_shopify_forever

    serve_shopify_forever(host=host, port=port, seed=seed, days=days, token=token or DEFAULT_TOKEN)

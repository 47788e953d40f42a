"""``lrreport sim ...``: run the local Listrak simulator and write its merchant's files."""

import click


@click.group()
def sim() -> None:
    """A Listrak-compatible simulator on loopback, and the files its merchant would have."""


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

"""``lrreport sim serve``: build the merchant, start the simulator, tell people how to use it, wait."""

from __future__ import annotations

import dataclasses
import ipaddress
import shlex
import threading

import click

from lrreport.sim.faults import FaultConfig
from lrreport.sim.server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RunningSimulator, start_simulator


def parse_faults(text: str) -> FaultConfig | None:
    """``rate_limit=0.1,slow_s=2,...`` -> a ``FaultConfig`` (None for an empty string)."""
    if not text.strip():
        return None
    fields = {f.name: f for f in dataclasses.fields(FaultConfig)}
    values: dict[str, object] = {}
    for item in text.split(","):
        name, sep, raw = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in fields or name == "script":
            known = ", ".join(n for n in fields if n != "script")
            raise click.BadParameter(
                f"{item.strip()!r}: use KEY=VALUE with KEY one of {known}", param_hint="--faults"
            )
        kind = str(fields[name].type)
        try:
            if "bool" in kind:
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif "int" in kind and "float" not in kind:
                values[name] = int(raw)
            else:
                values[name] = float(raw)
        except ValueError:
            raise click.BadParameter(f"{name}: {raw!r} is not a number", param_hint="--faults") from None
    try:
        return FaultConfig(**values)  # type: ignore[arg-type]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None


def describe(sim: RunningSimulator) -> str:
    """What a person needs to point lrreport (or curl) at a running simulator."""
    codes = ", ".join(str(sc["shortCodeId"]) for sc in sim.merchant.sender_codes)
    lines = [
        f"Listrak simulator listening on {sim.base_url}",
        f"  token URL:     {sim.token_url}",
        f"  API base URL:  {sim.api_base_url}",
        f"  client id:     {sim.client_id}",
        f"  client secret: {sim.client_secret}   (the simulator's own made-up secret)",
        f"  sender codes:  {codes}; {len(sim.merchant.contacts):,} list memberships, "
        f"{len(sim.merchant.optouts):,} opt-outs",
        "",
        "Point lrreport at it (in another shell):",
        f"  export LISTRAK_TOKEN_URL={shlex.quote(sim.token_url)}",
        f"  export LISTRAK_API_BASE_URL={shlex.quote(sim.api_base_url)}",
        f"  export LISTRAK_CLIENT_ID={shlex.quote(sim.client_id)}",
        f"  export LISTRAK_CLIENT_SECRET={shlex.quote(sim.client_secret)}",
        "  lrreport extract listrak",
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve_forever(
    *,
    host: str,
    port: int,
    seed: int,
    contacts: int | None,
    client_id: str | None,
    client_secret: str | None,
    token_ttl_s: float,
    fault_spec: str = "",
) -> None:
    """Run a simulator in the foreground until interrupted."""
    from lrreport.sim.generator import demo_spec, generate_merchant

    faults = parse_faults(fault_spec)
    spec = dataclasses.replace(demo_spec(seed=seed), **({"contacts": contacts} if contacts else {}))
    merchant = generate_merchant(spec)
    try:
        sim = start_simulator(
            merchant,
            host=host,
            port=port,
            client_id=client_id or DEFAULT_CLIENT_ID,
            client_secret=client_secret or DEFAULT_CLIENT_SECRET,
            token_ttl_s=token_ttl_s,
            faults=faults,
            seed=seed,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not _is_loopback(host):
        click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    click.echo(describe(sim))
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        sim.stop()

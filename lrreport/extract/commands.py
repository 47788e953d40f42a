"""``lrreport extract ...`` and ``lrreport load ...``: fill the raw tables."""

import click

from lrreport.extract.ga4_command import extract_ga4_command
from lrreport.extract.listrak_command import extract_listrak_command
from lrreport.extract.load_commands import load_orders, load_sends
from lrreport.extract.shopify_command import extract_shopify_command


@click.group()
def extract() -> None:
    """Pull data from Listrak's SMS API, the shop's Shopify orders and GA4 into the warehouse."""


@click.group()
def load() -> None:
    """Load send logs and orders files into the warehouse."""


load.add_command(load_sends)
load.add_command(load_orders)
extract.add_command(extract_listrak_command)
extract.add_command(extract_shopify_command)
extract.add_command(extract_ga4_command)

"""lrreport: how a retailer's Listrak transactional SMS program performs."""

__version__ = "0.1.0"

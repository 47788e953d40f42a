"""Generator edge cases outside the demo's sizes."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from lrreport.sim.generator import MerchantSpec, generate_merchant


def test_short_history_puts_no_subscription_after_end_date():
    # a quarter-year history used to push the sweepstakes list's sign-ups past end_date
    end = date(2024, 6, 30)
    merchant = generate_merchant(
        MerchantSpec(seed=5, contacts=1500, sender_codes=2, end_date=end, history_years=0.25)
    )
    assert (merchant.contacts.subscribe_date < pd.Timestamp(end + timedelta(days=1))).all()

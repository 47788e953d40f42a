"""The synthetic merchant: deterministic, shaped like Listrak's API, internally consistent."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import phonenumbers
import pytest

from lrreport.config import DEFAULT_MESSAGE_TYPES
from lrreport.listrak.models import MODELS
from lrreport.sim.generator import OPTOUT_REASONS, Story, build_story, generate_merchant
from lrreport.sim.merchant import CONTACT_COLUMNS, OPTOUT_COLUMNS

from .conftest import SPEC


def test_same_seed_same_merchant_and_other_seed_differs(story: Story) -> None:
    again = generate_merchant(SPEC)
    m = story.merchant
    pd.testing.assert_frame_equal(m.contacts, again.contacts)
    pd.testing.assert_frame_equal(m.optouts, again.optouts)
    assert (m.sender_codes, m.phone_lists, m.shells, m.profile_fields) == (
        again.sender_codes,
        again.phone_lists,
        again.shells,
        again.profile_fields,
    )
    assert m.suspended_phones == again.suspended_phones and m.banned_phones == again.banned_phones
    other = generate_merchant(replace(SPEC, seed=12))
    assert set(other.contacts.phone_number) != set(m.contacts.phone_number)


def test_records_carry_every_field_of_their_model(story: Story) -> None:
    m = story.merchant
    for record in m.sender_codes:
        assert set(record) == MODELS["SenderCode"].names
        assert record["country"] == "US"
    for lists in m.phone_lists.values():
        for record in lists:
            assert set(record) == MODELS["PhoneList"].names
    for shells in m.shells.values():
        for record in shells:
            assert set(record) == MODELS["TransactionalMessage"].names
    for fields in m.profile_fields.values():
        for record in fields:
            assert set(record) == MODELS["PhoneAttribute"].names
            assert record["dataType"] in ("Text", "Number", "Checkbox", "Date")
    assert list(m.contacts.columns) == list(CONTACT_COLUMNS)
    assert list(m.optouts.columns) == list(OPTOUT_COLUMNS)


def test_lists_and_the_nine_shells(story: Story) -> None:
    m = story.merchant
    (sc,) = m.sender_codes
    lists = m.phone_lists[sc["shortCodeId"]]
    types = {(pl["smsListType"], pl["status"]) for pl in lists}
    assert {("Transactional", "Active"), ("Marketing", "Active"), ("Test", "Active")} <= types
    assert any(pl["status"] == "Inactive" for pl in lists)
    tx = next(pl for pl in lists if pl["smsListType"] == "Transactional")
    names = [s["transactionalMessageName"] for s in m.shells[(sc["shortCodeId"], tx["phoneListId"])]]
    assert names == list(DEFAULT_MESSAGE_TYPES)
    on_tx = m.contacts[m.contacts.phone_list_id == tx["phoneListId"]]
    assert len(on_tx) == SPEC.contacts and on_tx.phone_number.is_unique


def test_contacts_are_realistic(story: Story) -> None:
    c = story.merchant.contacts
    for phone in c.phone_number.unique():
        assert len(phone) == 11 and phone.startswith("1")
        assert phonenumbers.is_valid_number(phonenumbers.parse("+" + phone)), phone
    # several lists per phone, pending double opt-in, growth over the years
    assert (c.groupby("phone_number").size() > 1).sum() > SPEC.contacts // 3
    assert c.pending_double_opt_in.sum() > 10
    pending = c[c.pending_double_opt_in]
    assert pending.pending_date.notna().all() and not pending.opted_out.any()
    years = c.subscribe_date.dt.year.value_counts().sort_index()
    assert len(years) >= 4 and years.iloc[-2] > years.iloc[0]
    end = pd.Timestamp(SPEC.end_date) + pd.Timedelta(days=1)
    assert (c.subscribe_date < end).all()
    assert (c.subscribe_date >= end - pd.Timedelta(days=SPEC.days)).sum() > 20  # joins during the window


def test_optouts_match_contacts(story: Story) -> None:
    m = story.merchant
    o, c = m.optouts, m.contacts
    assert o.phone_number.is_unique
    assert set(o.opt_out_reason) <= set(OPTOUT_REASONS)
    counts = o.opt_out_reason.value_counts()
    assert counts.index[0] == "Campaign" and len(counts) >= 6
    opted = c[c.opted_out].merge(o, on=["short_code_id", "phone_number"], how="left")
    assert opted.opt_out_date.notna().all()
    assert (opted.unsubscribe_date == opted.opt_out_date).all()
    assert (opted.subscribe_date < opted.unsubscribe_date).all()
    subscribed = c[~c.opted_out]
    assert subscribed.unsubscribe_date.isna().all()
    assert not subscribed.phone_number.isin(o.phone_number).any()
    assert m.suspended_phones and m.suspended_phones <= set(c.phone_number)
    assert m.banned_phones and not (m.banned_phones & set(c.phone_number))


def test_more_sender_codes_and_invalid_specs() -> None:
    small = replace(SPEC, sender_codes=2, contacts=500)
    m = build_story(small).merchant
    assert [sc["shortCodeId"] for sc in m.sender_codes] == [1001, 1002]
    assert set(m.contacts.short_code_id) == {1001, 1002}
    with pytest.raises(ValueError, match="days"):
        replace(SPEC, days=0)

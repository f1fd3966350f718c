"""Token buckets and login delays (paperless/domain/limits.py): pure rules, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paperless.domain.limits import (
    FLOOD_REFUSALS,
    Bucket,
    Failures,
    LoginPolicy,
    Rate,
    delay_after,
    flooding,
    login_wait,
    retry_after,
    take,
)

RATE = Rate(capacity=3, per_second=1)


def test_a_new_bucket_allows_its_burst_then_refuses():
    bucket = None
    for _ in range(3):
        allowed, bucket = take(bucket, 100.0, RATE)
        assert allowed
    allowed, bucket = take(bucket, 100.0, RATE)
    assert not allowed and bucket.tokens == 0
    assert retry_after(bucket, RATE) == 1.0


def test_the_bucket_refills_at_its_pace_never_above_capacity():
    allowed, bucket = take(Bucket(0, 10.0), 10.5, RATE)
    assert not allowed and bucket.tokens == 0.5
    allowed, bucket = take(bucket, 11.0, RATE)
    assert allowed and bucket.tokens == 0
    allowed, bucket = take(bucket, 1000.0, RATE)  # long idle: full, not 990 tokens
    assert allowed and bucket.tokens == 2


def test_a_refused_action_takes_nothing_and_a_clock_going_back_refills_nothing():
    bucket = Bucket(0.5, 50.0)
    for _ in range(100):
        allowed, bucket = take(bucket, 50.0, RATE)
        assert not allowed
    assert bucket.tokens == 0.5
    allowed, bucket = take(bucket, 40.0, RATE)
    assert not allowed and bucket.tokens == 0.5


def test_costly_actions_and_a_bucket_that_never_refills():
    allowed, bucket = take(None, 0.0, Rate(10, 0), cost=5)
    assert allowed and bucket.tokens == 5
    allowed, bucket = take(bucket, 0.0, Rate(10, 0), cost=6)
    assert not allowed and retry_after(bucket, Rate(10, 0), cost=6) == float("inf")


NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
POLICY = LoginPolicy(pair=5, address=10, overall=300, first_delay=30, max_delay=900)


def _wait(pair=0, address=0, overall=0, ago=0.0):
    last = NOW - timedelta(seconds=ago)
    return login_wait(POLICY, pair=Failures(pair, last if pair else None),
                      address=Failures(address, last if address else None),
                      overall=overall, now=NOW)


def test_a_few_typos_cost_nothing():
    assert _wait(pair=4, address=4).seconds == 0


def test_the_delay_starts_at_the_limit_and_doubles_up_to_the_maximum():
    assert delay_after(POLICY, 4, 5) == 0
    assert delay_after(POLICY, 5, 5) == 30
    assert delay_after(POLICY, 6, 5) == 60
    assert delay_after(POLICY, 7, 5) == 120
    assert delay_after(POLICY, 50, 5) == 900
    assert delay_after(POLICY, 10**6, 5) == 900
    wait = _wait(pair=5, address=5, ago=10)
    assert wait.seconds == 20 and wait.reason == "pair"
    assert _wait(pair=5, address=5, ago=31).seconds == 0


def test_spraying_one_address_across_accounts_makes_that_address_wait():
    # 8 accounts x 4 wrong PINs: no pair reached 5, the address did
    wait = _wait(pair=0, address=32, ago=1)
    assert wait.reason == "address" and wait.seconds > 0


def test_the_overall_ceiling_slows_only_addresses_that_failed():
    assert _wait(pair=0, address=1, overall=300, ago=0).reason == "overall"
    assert _wait(pair=0, address=0, overall=10_000).seconds == 0  # the real user's tablet


def test_refusals_in_a_row_are_counted_and_one_allowed_action_resets_them():
    rate = Rate(capacity=2, per_second=1)
    bucket = None
    for _ in range(2):
        allowed, bucket = take(bucket, 0.0, rate)
        assert allowed and bucket.refused == 0
    for n in range(1, FLOOD_REFUSALS + 1):
        allowed, bucket = take(bucket, 0.0, rate)
        assert not allowed and bucket.refused == n
        assert flooding(bucket) is (n >= FLOOD_REFUSALS)
    allowed, bucket = take(bucket, 1.0, rate)  # a second later one token is back
    assert allowed and bucket.refused == 0 and not flooding(bucket)
    assert not flooding(None)

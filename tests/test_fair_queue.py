import pytest

from distill_core.access import is_admin, looks_like_public_id, new_public_id, same_token
from distill_core.fair_queue import FairQueue, duration, env_job_cap_s, env_max_jobs_per_owner, time_limit


def drain(q: FairQueue) -> list[int]:
    out = []
    while (run_id := q.pop()) is not None:
        out.append(run_id)
    return out


def test_owners_are_served_in_turn_and_the_planned_order_is_the_real_one():
    q = FairQueue()
    for run_id, owner in enumerate("aaabbc"):
        q.push(owner, run_id)
    planned = q.order()
    assert planned == [0, 3, 5, 1, 4, 2]  # a, b, c, a, b, a
    assert drain(q) == planned and len(q) == 0


def test_an_owner_served_recently_waits_behind_a_newcomer():
    q = FairQueue()
    q.push("a", 1)
    assert q.pop() == 1
    q.push("a", 2)
    q.push("b", 3)  # submitted after a's second job, but b has not been served yet
    assert q.order() == [3, 2] and drain(q) == [3, 2]


def test_a_removed_job_is_never_served():
    q = FairQueue()
    for run_id, owner in enumerate("abab"):
        q.push(owner, run_id)
    assert q.remove(1) and not q.remove(1) and not q.remove(99)
    assert drain(q) == [0, 3, 2]


def test_time_limits_are_three_estimates_at_most_the_cap():
    assert time_limit(300, 3600) == (900, "3x its estimate of 5 min")
    assert time_limit(60, 3600) == (600, "10 min, the least any run gets (its estimate was 60 s)")
    assert time_limit(60, 120)[0] == 120  # the cap wins over the floor
    assert time_limit(2000, 3600) == (3600, "the server's cap per run, DISTILL_LAB_JOB_CAP_S = 3600 s")
    assert time_limit(None, 900)[0] == 900 and time_limit(0, 900)[0] == 900
    assert [duration(s) for s in (45, 720, 5400, 7200)] == ["45 s", "12 min", "90 min", "2 h 0 min"]


@pytest.mark.parametrize("value, owners, cap", [("", 2, 3600), ("5", 5, 3600), ("0", 1, 3600), ("nan", 2, 3600), ("x", 2, 3600)])
def test_limits_from_the_environment_fall_back_to_the_defaults(monkeypatch, value, owners, cap):
    monkeypatch.setenv("DISTILL_LAB_MAX_JOBS_PER_OWNER", value)
    monkeypatch.setenv("DISTILL_LAB_JOB_CAP_S", value if value != "5" else "")
    assert env_max_jobs_per_owner() == owners and env_job_cap_s() >= 1


def test_the_admin_token_is_required_and_compared_exactly(monkeypatch):
    monkeypatch.delenv("DISTILL_LAB_ADMIN_TOKEN", raising=False)
    assert not is_admin("") and not is_admin(None) and not is_admin("anything")
    monkeypatch.setenv("DISTILL_LAB_ADMIN_TOKEN", "s3cret-token")
    assert is_admin("s3cret-token")
    assert not any(is_admin(t) for t in ("s3cret-toke", "s3cret-token ", "S3CRET-TOKEN", "", None, 42, "s" * 10_000))
    assert same_token("é", "é") and not same_token("a", None)


def test_public_ids_are_random_and_only_their_shape_is_accepted():
    ids = {new_public_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(looks_like_public_id(i) for i in ids)
    assert not any(looks_like_public_id(x) for x in ("1", "²" * 16, "a" * 17, "a" * 15, None, 12, "../../etc/passwd", "a b" * 6))

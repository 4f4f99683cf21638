import pytest

from crisisline.worker.registry import PERIODIC


@pytest.fixture(autouse=True)
def only_housekeeping(request, monkeypatch):
    """These tests are about the loop (claims, leases, back-off), told with its own job, housekeeping;
    the other apps' jobs (the auditor, cover gaps) have tests of their own. A test that starts a real
    worker process gets the whole registry there anyway."""
    for name in [name for name in PERIODIC if name != "housekeeping"]:
        monkeypatch.delitem(PERIODIC, name)

import pytest

from crisisline.audit.tests.support import write_chain


@pytest.fixture
def chain(db):
    """Six entries, #1 to #6."""
    return write_chain(6)

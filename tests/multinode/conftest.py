import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../integration"))
from govhub_harness import ENGINE, Smtp  # noqa: E402

if ENGINE != "postgres":
    raise RuntimeError("the multi-node tests need PostgreSQL: run them through scripts/test.sh")


@pytest.fixture(scope="session")
def smtp():
    s = Smtp()
    yield s
    s.stop()

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from dopa_mock import DopaMock  # noqa: E402
from govhub_harness import Browser, Server, Smtp  # noqa: E402

# Generous limits for the shared server: the limit tests start servers of their own.
RELAXED = ["--rate-limit-login", "10000", "--rate-limit-form", "10000",
           "--rate-limit-api", "100000", "--rate-limit-api-anonymous", "100000",
           "--rate-limit-lookup", "100000",
           # Staff log in with a password alone here; test_two_factor.py runs the default
           # (required) on servers of its own.
           "--staff-second-factor", "optional"]
# Quick job settings so queue behaviour shows within a test's patience.
FAST_JOBS = ["--enable-test-jobs", "--job-poll-ms", "100", "--job-retry-base-seconds", "1"]


@pytest.fixture(scope="session")
def smtp():
    s = Smtp()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def dopa():
    """The DOPA stand-in the shared server checks identities with (dopa_mock.py)."""
    d = DopaMock()
    yield d
    d.stop()


@pytest.fixture(scope="session")
def server(smtp, dopa):
    # Linked resources in the datastore tests come from a file server on 127.0.0.1. The SQL time
    # limit is wide enough that an ordinary query under ASan on a loaded machine never meets it
    # (only the endless recursive query does).
    s = Server(*RELAXED, *FAST_JOBS, "--header-timeout", "2", "--datastore-allow-private-urls",
               "--datastore-sql-timeout-ms", "5000", "--identity-verifier", "dopa",
               "--dopa-endpoint", dopa.url, "--identity-timeout-ms", "1500",
               "--identity-checks-per-ip-hour", "0", smtp_url=smtp.url)
    yield s
    code = s.stop()
    assert code == 0, "govhub did not exit cleanly on SIGTERM: %s\n%s" % (code, s.output()[-3000:])


@pytest.fixture
def browser(server):
    return Browser(server)


@pytest.fixture(scope="session")
def sysadmin(server):
    """A sysadmin's API token on the shared server."""
    return server.create_sysadmin("root-it")

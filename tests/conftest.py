"""pytest's tests, and the processes they start, write to one scratch folder that is removed when they end;
`env` is the offline environment the tests run `memery` in."""
import signal
import pytest
from memery.testing import isolate_tests
from cli import offline_env

def pytest_configure(config):
    isolate_tests()
    # a shell starts a background job with Ctrl-C ignored, and its children inherit that: the tests that stop a
    # `memery watch` or `memery serve` with Ctrl-C would wait for ever
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN: signal.signal(signal.SIGINT, signal.default_int_handler)

@pytest.fixture
def env(tmp_path):
    "No network and an empty weights cache: a test can never download a model."
    return offline_env(tmp_path)

"pytest's tests, and the processes they start, write to one scratch folder that is removed when they end."
import signal
from memery.testing import isolate_tests

def pytest_configure(config):
    isolate_tests()
    # a shell starts a background job with Ctrl-C ignored, and its children inherit that: the tests that stop a
    # `memery watch` or `memery serve` with Ctrl-C would wait for ever
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN: signal.signal(signal.SIGINT, signal.default_int_handler)

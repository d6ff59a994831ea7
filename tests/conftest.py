"pytest's tests, and the processes they start, write to one scratch folder that is removed when they end."
from memery.testing import isolate_tests

def pytest_configure(config): isolate_tests()

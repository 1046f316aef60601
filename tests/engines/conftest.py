import pytest
from conftest import in_english


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs on a local pyspark session (Java); still part of the suite")


english = pytest.fixture(autouse=True)(in_english)

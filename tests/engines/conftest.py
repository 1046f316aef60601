import pytest
from django.utils import translation


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs on a local pyspark session (Java); still part of the suite")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def spark_session():
    """One small local SparkSession for the whole test session."""
    from mutakhir.engines.spark import local_session

    spark = local_session("local[1]", partitions=1)
    yield spark
    spark.stop()

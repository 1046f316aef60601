import pytest
from conftest import in_english

english = pytest.fixture(autouse=True)(in_english)

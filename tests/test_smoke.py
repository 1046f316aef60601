from mutakhir.regions.codes import dotted, normalize_code
from mutakhir.regions.models import Region


def test_it_loads_the_province_with_its_villages(regions):
    assert Region.objects.get(code="1901").name == "Kabupaten Bangka"
    assert Region.objects.get(code="1901").descendants().filter(level=4).count() > 50
    assert normalize_code("19.01.02.2001") == "1901022001" == normalize_code("1901022001")
    assert dotted("1901022001") == "19.01.02.2001"

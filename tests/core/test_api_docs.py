"""/api/docs works offline and within the CSP: Swagger UI's assets come from the app itself, not a CDN."""

import re

import pytest


@pytest.mark.django_db
def test_api_docs_load_only_same_origin_assets_that_are_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), html
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
    csp = response.headers["Content-Security-Policy"]
    assert "cdn" not in csp and "script-src 'self'" in csp

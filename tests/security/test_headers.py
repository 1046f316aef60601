"""Security headers on every page, and templates that keep to the Content Security Policy."""

import re

import pytest
from conftest import BANGKA
from django.conf import settings

from mutakhir.accounts.models import Role

# Rendered to PDF by WeasyPrint, never served to a browser: their inline <style> meets no CSP.
PDF_ONLY = {"decrees/pdf.html", "identification/prelist_print.html", "targeting/summary_pdf.html",
            "verification/paper.html", "notifications/notice_print.html"}
TEMPLATES = sorted(p for p in settings.PACKAGE_DIR.glob("**/templates/**/*.html")
                   if str(p).split("/templates/", 1)[1] not in PDF_ONLY)
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\son[a-z]+\s*=|\sstyle\s*=|javascript:|hx-on", re.I)


def test_it_sends_the_security_headers_on_the_login_page(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_it_forbids_caching_of_pages_for_signed_in_users(make_user, client):
    client.force_login(make_user(Role.DISTRICT_OPERATOR, BANGKA))
    cache = client.get("/registry/households/")["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_it_sends_hsts_and_secure_cookies_over_https(settings, make_user, client):
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = 31_536_000, True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    make_user(Role.REGISTRAR, "1901011001", username="kasi")
    response = client.post("/accounts/login/", {"username": "kasi", "password": "sandi-rahasia-123"}, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]


def test_it_finds_the_templates():
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_it_has_no_inline_script_style_or_handler(template):
    assert not INLINE.findall(template.read_text())


def test_it_tells_htmx_not_to_inject_styles_nor_eval():
    base = (settings.PACKAGE_DIR / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base

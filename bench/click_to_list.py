"""After `mutakhir demo`, reach a beneficiary list by clicking only (issue 15, "done when").

    MUTAKHIR_HOME=/tmp/bench-click DEBUG=1 mutakhir serve --port 8765 &
    .venv/bin/python bench/click_to_list.py --url http://127.0.0.1:8765 --totp <2FA key printed by the demo>

Signs in as the demo national account (the password `mutakhir demo` prints) in Debian's chromium, then
Home -> Ranking -> Start ranking -> Home -> Programs -> the first program -> Draw the list, and prints what each
page shows. Jobs run on the server's worker, so the script waits for their pages to finish.
"""

import argparse
import hashlib
import hmac
import re
import struct
import time
from base64 import b32decode

from playwright.sync_api import expect, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # as tests/conftest.py


def totp(secret: str) -> str:
    """The current six-digit code of a base32 TOTP secret (RFC 6238: SHA-1, 30 s), as an authenticator app."""
    digest = hmac.new(b32decode(secret), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--user", default="demo-national")
    parser.add_argument("--password", default="mutakhir-demo")
    parser.add_argument("--totp", default="", help="the demo TOTP key `mutakhir demo` prints (2FA on)")
    parser.add_argument("--screenshot", default="/tmp/click_to_list.png")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=args.url, locale="en-US")
        # The app ignores the browser's language (Indonesian first); the language cookie is the user's switch.
        context.add_cookies([{"name": "django_language", "value": "en", "url": args.url}])
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.locator("form button").last.click()
        if "/2fa/" in page.url:
            page.locator("input[name=token], input[type=text]").first.fill(totp(args.totp))
            page.locator("form button").last.click()
        print("home:", page.url, page.locator("main").inner_text()[:800].replace("\n", " | "))
        page.get_by_role("link", name="Open ranking").click()
        page.get_by_role("button", name="Start ranking").click()
        expect(page.get_by_role("heading", name="Ranking run")).to_be_visible(timeout=300_000)
        expect(page.locator("main")).to_contain_text("Done", timeout=300_000)  # the page follows the job
        print("ranking:", page.locator("main").inner_text()[:300].replace("\n", " | "))
        page.goto("/")
        page.get_by_role("link", name="Open programs").click()
        program = page.locator("main table a").first
        print("program:", program.inner_text())
        program.click()
        page.get_by_role("button", name="Draw the list").click()
        # the job page follows the worker, then offers the list
        page.get_by_role("link", name="Finished: show the results").click(timeout=300_000)
        expect(page.get_by_role("heading", name=re.compile("Beneficiary list"))).to_be_visible(timeout=300_000)
        print("list:", page.locator("main").inner_text()[:600].replace("\n", " | "))
        page.screenshot(path=args.screenshot, full_page=False)
        browser.close()


if __name__ == "__main__":
    main()

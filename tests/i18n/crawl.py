"""Find English left in the Indonesian interface: visible text of a page or an export, and common English UI words.

Visible text is what a user reads: element text outside <script>, <style>, <code>, <pre>, <kbd>, <samp> and
<template>, plus the attributes a browser shows (title, placeholder, alt, aria-label, the value of a button).
A word counts as English when it is in ENGLISH_WORDS: common UI words that Indonesian never borrows, so that a
hit is almost always an untranslated string, not a false alarm.
"""

import re
from html.parser import HTMLParser

# Common English UI words; none of them is Indonesian or a code word of the app.
ENGLISH_WORDS = frozenset(" ".join((
    "the and of with not for from this that these those is are was were be ",
    "been has have had will would should save download upload submit back cancel done started selected created ",
    "updated ",
    "deleted entered stayed filed answered closed assigned outside equal equals household households member ",
    "members required field search delete edit show none yes open new page next previous approve reject apply ",
    "send sign review run runs score rank reason details detail error errors warning name number date region ",
    "village district list lists changes change history added removed each every only all any some other than ",
    "more less into about after before when where which while who whom whose please must may can cannot could ",
    "your our their its his her they them there here what why how",
)).split())

# Tokens that look English but are names, codes or terms the interface keeps as they are.
ALLOWED = frozenset({
    "Mutakhir", "PMT", "NIK", "KK", "SK", "BDT", "DTKS", "DTSEN", "PSM", "TKSK", "PKH", "BPNT", "PBI", "JK",
    "SUSENAS", "SIAK", "SIKS", "ODK", "KoboCollect", "XLSX", "CSV", "PDF", "JSON", "TOTP", "SHA", "API",
    "English",  # the language switch names each language in its own tongue
})

HIDDEN_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "template", "textarea"}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if not self.hidden:
            self.parts.extend(v for k, v in attrs.items() if k in VISIBLE_ATTRIBUTES and v)
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Return the text of an HTML page a user can read, one part a line."""
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


# A word, not inside a hex digest or a code such as 11ad6146; a hyphenated name (demo-district-operator) is one.
WORD = re.compile(r"\b[A-Za-z][A-Za-z_]*(?:-[A-Za-z_]+)*\b")
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|xlsx|zip|pdf|json|parquet)\b")


def english_in(text: str, identifiers: bool = True, allowed: frozenset = frozenset()) -> list[str]:
    """Return the lines of text with an English UI word in them, or (when `identifiers`) a field name such as
    household_size: a page shows labels; an export may name the exchange format's columns (`allowed`)."""
    found = []
    for line in text.splitlines():
        words = [w for w in WORD.findall(FILE_NAME.sub(" ", line)) if w not in ALLOWED | allowed]
        if any(w.lower() in ENGLISH_WORDS or (identifiers and "_" in w.strip("_") and w.islower()) for w in words):
            found.append(line.strip()[:160])
    return found

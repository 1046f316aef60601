"""Indonesian name normalisation, vectorised (Arrow, RE2 regexes) so a million names take seconds.

The rules are data: `RULES` is an ordered list of (name, pattern, replacement) applied to lower-case
text. Both sides of a comparison go through the same rules, so a canonical form only has to be
consistent, not correct: old spelling `j` (today's `y`) and today's `j` both end up as `y`.
"""

import pyarrow as pa
import pyarrow.compute as pc

_DEGREES = ("s pd i|s pd|s h i|s h|s e i|s e|s ag|s kom|s sos|s si|s t|s kep|s ked|s kes|s ip|s hum|s ak|s pt|"
            "s psi|s farm|s sy|s i kom|skm|spd|spdi|sh|se|st|sag|skom|ssos|ssi|m pd|m si|m h|m m|m kes|m ag|"
            "m sc|mpd|msi|mm|mba|a md|amd|a ma|ama|ph d|phd|b sc|bsc")
_PREFIX_TITLES = ("h|hj|haji|hajah|hajjah|drs|dra|dr|ir|prof|kh|ust|ustad|ustadz|ustadzah|ny|nyonya|tn|tuan|"
                  "bapak|bpk|bp|pak|ibu|bu|sdr|sdri|alm|almh|almarhum|almarhumah|raden|rd|r a")
_MUHAMMAD = ("muhammad|muhamad|muhammed|muhamed|mohammad|mohamad|mohammed|mohamed|mokhammad|mokhamad|"
             "mukhammad|mukhamad|muhamat|muhammat|muh|moh|mokh|mhd|mhmd|muhd|mohd")
_AHMAD = "akhmad|ahmat|akhmat|ahmed|achmad"
# Clan names (marga) written after the given name: Batak, Minahasa, Maluku, Nias.
CLANS = ("siregar|nasution|harahap|lubis|hasibuan|daulay|pohan|rangkuti|batubara|ritonga|pane|pulungan|"
         "simanjuntak|sitompul|hutagalung|pardede|sinaga|situmorang|panjaitan|sihombing|simatupang|"
         "tampubolon|silalahi|manurung|sembiring|ginting|tarigan|purba|saragih|damanik|napitupulu|gultom|"
         "hutapea|sitorus|marpaung|pasaribu|simbolon|sibarani|hutabarat|nainggolan|simamora|aritonang|"
         "butarbutar|lumbantobing|sianturi|sihite|silaban|manullang|siahaan|tambunan|sirait|matondang|"
         "rumondor|wenas|lumentut|pangemanan|sumual|mandagi|pattiasina|latuconsina|pattimura|telaumbanua|"
         "harefa|zebua|gulo|laia|hia")

# (name, RE2 pattern, replacement), applied in order to lower-case text.
RULES: list[tuple[str, str, str]] = [
    ("apostrophe", r"[’'`]", ""),
    ("degree_after_comma", r",.*$", ""),
    ("punctuation", r"[^a-z]+", " "),
    ("trim", r"^ +| +$", ""),
    ("prefix_titles", rf"^(({_PREFIX_TITLES})( |$))+", ""),
    ("suffix_degrees", rf"( ({_DEGREES}))+$", ""),
    ("bin_binti", r" (bin|binti|bt|bte|binte|b) .*$", ""),
    ("old_oe", r"oe", "u"),
    ("old_dj", r"dj", "j"),
    ("old_tj", r"tj", "c"),
    ("old_ch", r"ch", "kh"),
    ("old_j", r"j", "y"),
    ("muhammad", rf"\b({_MUHAMMAD})\b", "muhammad"),
    ("initial_m", r"^m ", "muhammad "),
    ("abdul", r"\babd\b", "abdul"),
    ("siti", r"^st |\bsitti\b", "siti "),
    ("ahmad", rf"\b({_AHMAD})\b", "ahmad"),
    # Spelling variants of one sound, written either way in registers (Rachmat/Rahmat, Syamsudin/
    # Samsudin, Yusuf/Yusup, Effendy/Effendi, Fatimah/Fatima, Jamaluddin/Jamaludin).
    ("kh_h", r"kh", "h"),
    ("sy_s", r"sy", "s"),
    ("f_p", r"f", "p"),
    ("final_y", r"y\b", "i"),
    ("final_h", r"\Bh\b", ""),
    *((f"double_{c}", c + c, c) for c in "bcdfgklmnprst"),
    ("spaces", r" +", " "),
    ("trim_end", r"^ +| +$", ""),
]
_CLAN_AT_END = rf" (?P<clan>{CLANS})$"


def _apply_rules(names: pa.Array) -> pa.Array:
    # Names repeat: normalise each distinct spelling once.
    encoded = pc.utf8_lower(names.cast(pa.string())).dictionary_encode()
    out = encoded.dictionary
    for _name, pattern, replacement in RULES:
        out = pc.replace_substring_regex(out, pattern=pattern, replacement=replacement)
    return pc.take(out, encoded.indices)


def normalize_names(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Return (name, clan) arrays: the canonical given name, and the clan name moved out of it."""
    full = _apply_rules(names)
    clan = pc.struct_field(pc.extract_regex(full, pattern=_CLAN_AT_END), [0])
    clan = pc.if_else(pc.equal(clan, ""), None, clan)
    name = pc.replace_substring_regex(full, pattern=_CLAN_AT_END, replacement="")
    name = pc.if_else(pc.equal(name, ""), None, name)
    return name, clan


def normalize_name(name: str | None) -> str | None:
    """Return the canonical form of one name (clan name dropped), None if nothing is left."""
    return normalize_names(pa.array([name], pa.string()))[0][0].as_py()


# Filler words of Indonesian addresses, written in many ways (Jl./Jln./Jalan, Dsn./Dusun, No./Nomor).
_ADDRESS_FILLER = r"\b(jl|jln|jalan|no|nomor|nmr|dsn|dusun|gg|gang|ds|desa|kel|kelurahan)\b"


def normalize_address(values: pa.Array) -> pa.Array:
    """Return addresses without filler words, lower-case, single-spaced; None if empty."""
    text = normalize_text(values)
    text = pc.replace_substring_regex(text, pattern=_ADDRESS_FILLER, replacement=" ")
    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, pattern=r" +", replacement=" "))
    return pc.if_else(pc.equal(text, ""), None, text)


def normalize_text(values: pa.Array) -> pa.Array:
    """Return lower-case text with punctuation as single spaces (places, addresses); None if empty."""
    out = pc.utf8_lower(values.cast(pa.string()))
    out = pc.replace_substring_regex(out, pattern=r"[^a-z0-9]+", replacement=" ")
    out = pc.utf8_trim_whitespace(out)
    return pc.if_else(pc.equal(out, ""), None, out)

"""Entry errors of registrations (and the few of the registry), with their rates in one place.

Rates are per registration member (per household for the address) and independent, except that
at most one NIK error and one birth-date error is made per person. Rates marked "where possible"
apply only to values the error can affect (a name with a variant token, a day that can swap with
the month). Every error made is logged in truth/errors.csv (record_id, field, error). None of these
is a change of the household: the truth category ignores them.
"""

import random

RATES = {
    "name_typo": 0.05,  # one edit: substitution of a neighbouring key, deletion, doubling, transposition
    "name_variant": 0.40,  # where possible: Muhammad -> Muh./Moh./M., Abdul -> Abd., Siti -> St., ...
    "name_old_spelling": 0.04,  # one word: u <-> oe, j <-> dj, c <-> tj (Tjoen <-> Cun)
    "name_title": 0.04,  # a title (H., Hj., Drs., S.Pd.) dropped where written, added otherwise
    "name_case": 0.15,  # upper or lower case
    "name_spacing": 0.04,  # doubled or trailing space
    "nik_missing": 0.07,
    "nik_digit": 0.02,  # one digit mistyped
    "nik_transposed": 0.01,  # two neighbouring digits swapped
    "nik_is_kk": 0.01,  # the family-card number written in the NIK field
    "kk_missing": 0.05,
    "birth_date_missing": 0.03,
    "birth_date_default": 0.03,  # 1 January, 1 July or 31 December of the right year
    "birth_date_swapped": 0.02,  # where possible: day and month swapped
    "address_variant": 0.10,  # per household: Jl. -> Jln./Jalan, Dusun -> Dsn., No. -> no
}
REGISTRY_RATES = {"nik_missing": 0.04}  # the old registry lacked some NIKs

VARIANTS = {
    "Muhammad": ("Muh.", "Moh.", "M.", "Muhamad", "Mohammad", "Mochamad"), "Ahmad": ("Achmad", "Akhmad", "Ahmat"),
    "Abdul": ("Abd.", "Abdoel"), "Siti": ("St.", "Sitti"), "Nur": ("Nor",), "Nurul": ("Nur",),
    "Yusuf": ("Yusup", "Jusuf"), "Zainal": ("Zainul",), "Syamsudin": ("Samsudin", "Syamsuddin"),
    "Jamaludin": ("Jamaluddin",), "Saparudin": ("Syafarudin",), "Rahmat": ("Rachmat",), "Fatimah": ("Fatima",),
    "Khadijah": ("Hadijah",), "Aisyah": ("Aisah",), "Effendi": ("Efendi", "Effendy"), "Hendri": ("Hendry",),
    "bin": ("B.",), "binti": ("Bt.", "bt"),
}
TITLES_PREFIX = ("H.", "Hj.", "Drs.")
TITLES_SUFFIX = (", S.Pd.", ", S.E.", ", S.H.")
KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"))


def _neighbour(ch: str, rnd: random.Random) -> str:
    low = ch.lower()
    if low not in KEYBOARD:
        return ch
    i = KEYBOARD.index(low)
    out = KEYBOARD[max(0, i - 1)] if rnd.random() < 0.5 else KEYBOARD[min(len(KEYBOARD) - 1, i + 1)]
    return out.upper() if ch.isupper() else out


def typo(name: str, rnd: random.Random) -> str:
    """Make one keyboard edit inside a word (never the first letter)."""
    if len(name) < 3:
        return name + name[-1:]
    i = rnd.randrange(1, len(name) - 1)
    op = rnd.randrange(4)
    if op == 0:
        return name[:i] + _neighbour(name[i], rnd) + name[i + 1:]
    if op == 1 and name[i] != " ":
        return name[:i] + name[i + 1:]
    if op == 2:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _titles(name: str, male: bool, rnd: random.Random) -> str:
    for t in TITLES_PREFIX:
        if name.startswith(t + " "):
            return name[len(t) + 1:]
    for t in TITLES_SUFFIX:
        if name.endswith(t):
            return name[: -len(t)]
    if rnd.random() < 0.6:
        return ("H. " if male else "Hj. ") + name
    return name + rnd.choice(TITLES_SUFFIX)


def _old_spelling(name: str, rnd: random.Random) -> str:
    words = name.split(" ")
    i = rnd.randrange(len(words))
    word = words[i]
    for old, new in OLD_SPELLING:  # modernise an old spelling if there is one...
        if old in word.lower():
            words[i] = word.replace(old, new).replace(old.capitalize(), new.capitalize())
            return " ".join(words)
    for old, new in OLD_SPELLING:  # ...otherwise write the word the old way
        if new in word.lower():
            words[i] = word.replace(new, old).replace(new.capitalize(), old.capitalize())
            return " ".join(words)
    return name


def corrupt_name(name: str, male: bool, rnd: random.Random) -> tuple[str, list[str]]:
    """Return the name as a registrar may write it, and the errors made."""
    errors = []
    words = name.split(" ")
    variable = [i for i, w in enumerate(words) if w in VARIANTS] if len(words) > 1 else []
    if variable and rnd.random() < RATES["name_variant"]:
        i = rnd.choice(variable)
        words[i] = rnd.choice(VARIANTS[words[i]])
        name = " ".join(words)
        errors.append("name_variant")
    if rnd.random() < RATES["name_title"]:
        name = _titles(name, male, rnd)
        errors.append("name_title")
    if rnd.random() < RATES["name_old_spelling"]:
        changed = _old_spelling(name, rnd)
        if changed != name:
            name = changed
            errors.append("name_old_spelling")
    if rnd.random() < RATES["name_typo"]:
        name = typo(name, rnd)
        errors.append("name_typo")
    if rnd.random() < RATES["name_case"]:
        name = name.upper() if rnd.random() < 0.7 else name.lower()
        errors.append("name_case")
    if rnd.random() < RATES["name_spacing"]:
        name = name.replace(" ", "  ", 1) + (" " if rnd.random() < 0.5 else "")
        errors.append("name_spacing")
    return name, errors


def corrupt_nik(nik: str, kk: str, rnd: random.Random) -> tuple[str, str | None]:
    """Return the NIK as written (maybe empty or wrong) and the error made, if any."""
    r = rnd.random()
    edges = ("nik_missing", "nik_digit", "nik_transposed", "nik_is_kk")
    acc = 0.0
    for kind in edges:
        acc += RATES[kind]
        if r < acc:
            break
    else:
        return nik, None
    if kind == "nik_missing":
        return "", kind
    if kind == "nik_is_kk":
        return kk, kind
    if kind == "nik_digit":
        i = rnd.randrange(16)
        return nik[:i] + str((int(nik[i]) + rnd.randrange(1, 10)) % 10) + nik[i + 1:], kind
    for _ in range(10):
        i = rnd.randrange(15)
        if nik[i] != nik[i + 1]:
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:], kind
    return nik, None


def corrupt_kk(kk: str, rnd: random.Random) -> tuple[str, str | None]:
    return ("", "kk_missing") if rnd.random() < RATES["kk_missing"] else (kk, None)


def corrupt_birth_date(iso: str, rnd: random.Random) -> tuple[str, str | None]:
    """Return the birth date (YYYY-MM-DD or empty) as written, and the error made, if any."""
    r = rnd.random()
    if r < RATES["birth_date_missing"]:
        return "", "birth_date_missing"
    r -= RATES["birth_date_missing"]
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if r < RATES["birth_date_default"]:
        default = rnd.choice(("01-01", "07-01", "12-31"))
        if default != iso[5:]:
            return f"{year}-{default}", "birth_date_default"
        return iso, None
    r -= RATES["birth_date_default"]
    if r < RATES["birth_date_swapped"] and int(day) <= 12 and day != month:
        return f"{year}-{day}-{month}", "birth_date_swapped"
    return iso, None


def corrupt_address(address: str, rnd: random.Random) -> tuple[str, str | None]:
    if rnd.random() >= RATES["address_variant"]:
        return address, None
    out = (address.replace("Jl. ", rnd.choice(("Jln. ", "Jalan ", "JL ")))
           .replace("Dusun ", rnd.choice(("Dsn. ", "Dsn ", "DUSUN ")))
           .replace(" No. ", rnd.choice((" no ", " No.", " "))))
    return (out, "address_variant") if out != address else (address, None)

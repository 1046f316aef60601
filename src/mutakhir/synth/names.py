"""Personal names, drawn as token indices with numpy and joined with pyarrow (millions per second).

Faker's `id_ID` lists give the general Indonesian names; the regional pools below add the patterns of
Bangka: Malay names with bin/binti, Hakka Chinese-Indonesian names (`Lie Tjoen Fa`, `Acun`,
`Hendra Wijaya`), Batak clan names (children carry the father's clan, wives may write `br.`), and
single Javanese names for the older generation. Canonical names are in title case.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker.providers.person.id_ID import Provider as _FakerPerson

_TOKENS: list[str] = []
_INDEX: dict[str, int] = {}


def _ids(words, extra=()) -> np.ndarray:
    """Add words (a space-separated string or a sequence) to the token pool; return their indices."""
    words = [*(words.split() if isinstance(words, str) else words), *extra]
    out = []
    for word in words:
        if word not in _INDEX:
            _INDEX[word] = len(_TOKENS)
            _TOKENS.append(word)
        out.append(_INDEX[word])
    return np.array(sorted(set(out), key=out.index), dtype=np.int32)


MALAY_M = _ids("Muhammad Ahmad Abdul Rahman Abdullah Zulkifli Rusdi Hasan Syahrial Junaidi Rusli Yusuf Ismail "
               "Sulaiman Hamzah Amran Zainal Rosidi Saparudin Hendri Syamsudin Bahrin Jamaludin Nasrun Effendi "
               "Mukhtar Ramli Samsul Usman Idris Arifin Rahmat Jufri Mahmud Basri Azhari",
               ["Abdul Rahman", "Abdul Karim", "Abdul Hadi", "Muhammad Ali", "Nur Hidayat"])
MALAY_M2 = _ids("Effendi Saputra Hidayat Rahman Ramadhan Fadillah Firmansyah Hakim Syahputra Kurniawan Aziz "
                "Iskandar Maulana Akbar Ansori")
MALAY_F = _ids("Siti Aminah Nurhayati Rohani Fatimah Zubaidah Rosmini Halimah Maimunah Salmah Rukiah Juliana "
               "Nurlela Rosita Yulianti Mariani Rahmawati Hasanah Khadijah Aisyah Zaleha Asmah Rosnani",
               ["Siti Aminah", "Siti Rohana", "Siti Nurhaliza", "Nur Aini", "Nurul Huda", "Siti Fatimah"])
MALAY_F2 = _ids("Wati Sari Ningsih Yanti Aini Rahmah Hayati Utami Lestari Safitri Puspita")
CHINESE_SURNAME = _ids("Lie Bong Tan Lim Chong Fung Liem Tjhin Tjong Phang Kho Ng Liu Wong Jap Sie Lay Voon "
                       "Chin Thjin Tjhai Kwee Oey")
CHINESE_SYL = _ids("Tjoen Fa Kim Lan Fui Kiong Sin Mei Lian Hong Jung Siong Fat Min Sun Nyuk Moi Kon Sen Jin "
                   "Tjhiu Khiun Foeng Ling Tjie Hiong Ket Sang Fong Kiaw")
CHINESE_NICK = _ids("Acun Ahok Afat Akiong Amei Ahin Afuk Asiong Amoi Aliong Akhiun Afung Ajung Alan Asun")
CHINESE_LAST = _ids("Wijaya Gunawan Halim Santoso Tanoto Susanto Hartono Setiawan Kurniawan Salim Tanjaya "
                    "Sugianto Budiman Lukito Wibowo")
BATAK_CLAN = _ids("Simanjuntak Siregar Nasution Sitompul Hutapea Panjaitan Sihombing Lubis Harahap Pasaribu "
                  "Sinaga Tambunan Manurung Simatupang Nainggolan Situmorang Hutagalung Sitorus")
BATAK_M = _ids("Maruli Parulian Hotma Jonathan Marihot Tigor Bonar Poltak Sahat Togar Robert Daniel")
BATAK_F = _ids("Rosmawati Tiurma Maria Lasma Rotua Dame Nurmala Ruth Melati Sondang")
JAVA_OLD_M = _ids("Sutrisno Suparman Wagiman Slamet Suyatno Sukardi Paimin Sugeng Karto Parjo Ngadiman Tukimin "
                  "Sumarno Soekarno Darmo")
JAVA_OLD_F = _ids("Sumarni Sukarmi Parmi Tukiyem Ngatini Sumiati Painem Wagiyem Sri Suminah Kartini")
FAKER_M = _ids(_FakerPerson.first_names_male)
FAKER_F = _ids(_FakerPerson.first_names_female)
FAKER_LAST = _ids(_FakerPerson.last_names_male)
BIN, BINTI, BORU = _ids(["bin"])[0], _ids(["binti"])[0], _ids(["br."])[0]
HAJI, HAJJAH, DRS = _ids(["H."])[0], _ids(["Hj."])[0], _ids(["Drs."])[0]
SUFFIXES = _ids([", S.Pd.", ", S.E.", ", S.H."])
TOKENS = pa.array(_TOKENS, type=pa.string())

MALAY, CHINESE, JAVANESE, BATAK, OTHER = range(5)


def pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """Return n token indices drawn uniformly from `pool`."""
    return pool[rng.integers(0, len(pool), n)]


def household_tokens(rng: np.random.Generator, ethnic: np.ndarray) -> dict[str, np.ndarray]:
    """Draw per-household name tokens: the clan/surname, a family last name, the patriarch's name."""
    n = len(ethnic)
    clan = np.where(ethnic == CHINESE, pick(rng, CHINESE_SURNAME, n), pick(rng, BATAK_CLAN, n))
    clan = np.where(np.isin(ethnic, (CHINESE, BATAK)), clan, -1).astype(np.int32)
    last = np.where(ethnic == CHINESE, pick(rng, CHINESE_LAST, n), pick(rng, FAKER_LAST, n)).astype(np.int32)
    patriarch = np.where(ethnic == MALAY, pick(rng, MALAY_M, n), pick(rng, FAKER_M, n)).astype(np.int32)
    return {"clan": clan, "last": last, "patriarch": patriarch}


def person_names(rng: np.random.Generator, *, ethnic, male, birth_year, patrilineal, patriarch, bin_form,
                 clan, last, father) -> pa.Array:
    """Return canonical names (title case) for persons described by equal-length arrays.

    `patrilineal` persons carry the household's `clan`/`last`; `patriarch` persons take `father` as
    first name (the male head); `bin_form` persons (Malay children) get `bin/binti <father>`.
    """
    n = len(ethnic)
    g = np.full((4, n), -1, dtype=np.int32)
    r = rng.random(n)
    r2 = rng.random(n)
    own_clan = np.where(patrilineal, clan, np.where(ethnic == CHINESE, pick(rng, CHINESE_SURNAME, n),
                                                    pick(rng, BATAK_CLAN, n)))
    own_last = np.where(patrilineal, last, np.where(ethnic == CHINESE, pick(rng, CHINESE_LAST, n),
                                                    pick(rng, FAKER_LAST, n)))
    faker_first = np.where(male, pick(rng, FAKER_M, n), pick(rng, FAKER_F, n))
    old = birth_year < 1972

    m = ethnic == MALAY
    g[0] = np.where(m, np.where(male, pick(rng, MALAY_M, n), pick(rng, MALAY_F, n)), g[0])
    g[0] = np.where(m & ~old & (r < 0.35), faker_first, g[0])
    g[1] = np.where(m & (r2 < 0.45), np.where(male, pick(rng, MALAY_M2, n), pick(rng, MALAY_F2, n)), g[1])

    c = ethnic == CHINESE
    classic = c & np.where(old, r < 0.6, (r >= 0.7) & (r < 0.85))
    nick = c & np.where(old, (r >= 0.6) & (r < 0.8), (r >= 0.5) & (r < 0.7))
    modern = c & ~classic & ~nick
    g[0] = np.where(classic, own_clan, np.where(nick, pick(rng, CHINESE_NICK, n), np.where(modern, faker_first, g[0])))
    g[1] = np.where(classic, pick(rng, CHINESE_SYL, n), np.where(modern, own_last, g[1]))
    g[2] = np.where(classic, pick(rng, CHINESE_SYL, n), g[2])

    b = ethnic == BATAK
    g[0] = np.where(b, np.where(r < 0.6, np.where(male, pick(rng, BATAK_M, n), pick(rng, BATAK_F, n)), faker_first),
                    g[0])
    boru = b & ~male & ~patrilineal & (r2 < 0.4)
    g[1] = np.where(b, np.where(boru, BORU, own_clan), g[1])
    g[2] = np.where(boru, own_clan, g[2])

    j = ethnic == JAVANESE
    g[0] = np.where(j, np.where(old, np.where(male, pick(rng, JAVA_OLD_M, n), pick(rng, JAVA_OLD_F, n)), faker_first),
                    g[0])
    g[1] = np.where(j & ~old & (r2 < 0.55), pick(rng, FAKER_LAST, n), g[1])

    o = ethnic == OTHER
    g[0] = np.where(o, faker_first, g[0])
    g[1] = np.where(o, own_last, g[1])

    # The male head of a Malay household is the patriarch of its bin/binti names.
    g[0] = np.where(patriarch & m, father, g[0])
    bin_ = bin_form & m
    g[1] = np.where(bin_, -1, g[1])
    g[2] = np.where(bin_, np.where(male, BIN, BINTI), g[2])
    g[3] = np.where(bin_, father, g[3])

    age = 2025 - birth_year
    t = rng.random(n)
    prefix = np.where((age >= 45) & (ethnic != CHINESE) & (ethnic != BATAK) & (t < 0.03),
                      np.where(male, HAJI, HAJJAH), -1)
    prefix = np.where((age >= 50) & (t >= 0.03) & (t < 0.035), DRS, prefix)
    suffix = np.where((age >= 25) & (age < 62) & (t >= 0.035) & (t < 0.055), pick(rng, SUFFIXES, n), -1)
    cols = [_take(prefix), *(_take(g[k]) for k in range(4))]
    names = pc.binary_join_element_wise(*cols, " ", null_handling="skip")
    return pc.binary_join_element_wise(names, _take(suffix), "", null_handling="skip")


def _take(idx: np.ndarray) -> pa.Array:
    return TOKENS.take(pa.array(idx, mask=idx < 0))

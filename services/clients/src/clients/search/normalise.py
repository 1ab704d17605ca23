"""Name normalisation: one spelling-independent text form of what a person typed.

`normalise("  Nguyễn  Thị-Mai ")` -> "nguyen thi mai". Steps, in order:

1. lowercase; Cyrillic letters are transliterated (Ukrainian national system, so
   "Олена Шевченко" -> "olena shevchenko"; Arabic script is not transliterated);
2. letters NFKD does not decompose are mapped (đ -> d, ø -> o, ł -> l, ß -> ss, æ -> ae ...);
3. Unicode NFKD, then every combining mark is dropped (accents, Vietnamese tone marks);
4. apostrophes of every kind are removed ("O'Brien" -> "obrien", "Sa'id" -> "said");
   hyphens, dots, commas, slashes and any other non-alphanumeric character become a space
   ("Abdul-Rahman" -> "abdul rahman", "J.-P." -> "j p");
5. spaces are collapsed.

Pure functions, no I/O.
"""

# Transliteration tables: Cyrillic and look-alike letters are the point here.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re
import unicodedata

# Ukrainian national transliteration (2010), with the Russian-only letters added. Applied
# to lowercase text, before NFKD (which would split й and ї into a base and a mark).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia", "ъ": "", "ы": "y", "э": "e", "ё": "e",
}  # fmt: skip

# Latin letters without a canonical decomposition.
_LATIN_EXTRA = {
    "đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th",
    "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng",
}  # fmt: skip

_TRANSLATE = str.maketrans({**_CYRILLIC, **_LATIN_EXTRA})

# Apostrophes and letters used as apostrophes (ʻayn / hamza in transliterations).
_APOSTROPHES = re.compile("['`\u2018\u2019\u201b\u02bb\u02bc\u02bd\u02be\u02bf\u00b4\u2032]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """The name lowercased, without accents, with one space between its words."""
    text = name.lower().translate(_TRANSLATE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # A second pass: NFKD may have produced letters of the tables (compatibility forms).
    text = text.translate(_TRANSLATE)
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def words(name: str) -> list[str]:
    """The normalised words of a name, in order ("Abdul-Rahman" -> ["abdul", "rahman"])."""
    normal = normalise(name)
    return normal.split(" ") if normal else []

"""A cheap phonetic key for transliterated names: the consonant skeleton.

`skeleton(word)` works on a normalised word (lowercase ASCII) and MERGES, in this order:

* x -> ks ("alexander" = "aleksander");
* shch / tsch / sch / tch / sh / ch -> one sound "x" ("shevchenko" = "schewtschenko",
  "cherif" = "sharif"; also merges Chen with Shen — a known over-merge);
* zh / dzh / dj -> j ("zhanna" = "janna");
* ph -> f, kh -> h, gh -> g, th -> t, dh -> d, ck / c / q -> k ("khalid" = "halid",
  "qadir" = "kadir", "mustapha" = "mustafa");
* w -> v ("wolodymyr" = "volodymyr"); y counts as a vowel;
* a final h after a vowel is dropped ("fatimah" = "fatima", "abdullah" = "abdulla");
* every vowel after the first letter is dropped ("shevchneko" = "shevchenko": vowel typos and
  vowel transpositions vanish); an initial vowel (or y) becomes "a" ("olena" = "elena" =
  "yelena" = "alena");
* doubled letters collapse, before vowels are dropped ("hassan" = "hasan", "ally" = "ali";
  "hanan" (hnn) stays apart from "han" (hn)).

It does NOT merge voiced/voiceless pairs (d/t, b/p, g/k, z/s, v/f), m/n, l/r: "mehmet"
(mhmt) stays apart from "mohamed" (mhmd). Known over-merges, accepted because a phonetic
key is only ever stored as a PAIR of two names and ranks below a canonical match:
Hassan = Hussein = Hossein (hsn), Mahmoud = Mohamed (mhmd), Ali = Ally = Eli (al),
Chen = Shen (xn), Said = Saad = Sayed (sd).
"""

from __future__ import annotations

import re

_VOWELS = frozenset("aeiouy")
# Multi-letter rules, longest first; applied left to right in one pass.
_RULES = (
    ("shch", "x"), ("tsch", "x"), ("dzh", "j"), ("sch", "x"), ("tch", "x"), ("sh", "x"),
    ("ch", "x"), ("zh", "j"), ("dj", "j"), ("ph", "f"), ("kh", "h"), ("gh", "g"), ("th", "t"),
    ("dh", "d"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"),
)  # fmt: skip
_RULE_RE = re.compile("|".join(re.escape(src) for src, _ in _RULES))
_RULE_MAP = dict(_RULES)
_DOUBLE_RE = re.compile(r"(.)\1+")


def skeleton(word: str) -> str:
    """The consonant skeleton of a normalised word ("mohammed" -> "mhmd")."""
    if not word:
        return ""
    text = word.replace("x", "ks")
    text = _RULE_RE.sub(lambda m: _RULE_MAP[m.group(0)], text)
    if len(text) > 2 and text[-1] == "h" and text[-2] in _VOWELS:
        text = text[:-1]
    text = _DOUBLE_RE.sub(r"\1", text)
    first = "a" if text[0] in _VOWELS else text[0]
    return first + "".join(ch for ch in text[1:] if ch not in _VOWELS)

"""Search keys: what a profile stores, and what a search text looks up.

A profile stores one `client_name_keys` row per key; a search looks its keys up in the
b-tree, which bounds the candidates to a few hundred rows, and only those are ranked
(`score`). Similarity is never computed over all rows.

Key kinds (the prefix names the kind; tokens inside a key are sorted, so given/family
order does not matter):

* ``c3:a|b|c`` — three canonical tokens (names with 3+ words: "Mohamed Ali Hassan");
* ``c2:a|b``   — two canonical tokens ("c2:hassan|muhammad" for Mohamad Hasan, Hasan
  Mohammed, Muhammad al-Hassan ...); a repeated name gives "c2:muhammad|muhammad";
* ``p2:x|y``   — two phonetic skeletons ("p2:hsn|mhmd"): typos in vowels, doubled letters,
  spellings not in the table (when the two skeletons have at least 4 letters together);
* ``c1:a`` / ``p1:x`` — one token, only for tokens that are not common
  (`variants.COMMON_TOKENS`), at least 3 letters: a one-word search, or a search whose
  other word is misspelt beyond folding.

Weak tokens (Vietnamese "Thị") and tokens of one letter (initials) are left out of pair and
triple keys when the name has at least two other tokens; glued forms ("vanderberg") pair
with everything but their own parts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from itertools import combinations

from clients.search.tokens import Token, field_tokens, name_tokens
from clients.search.variants import COMMON_TOKENS, fold

MAX_KEY_TOKENS = 8  # tokens taking part in pair keys (28 pairs at most)
MAX_TRIPLE_TOKENS = 5  # tokens taking part in triple keys (10 triples at most)
_MIN_PAIR_SKELETON = 4
_MIN_SINGLE = 3


def _join(kind: str, parts: Iterable[str]) -> str:
    return f"{kind}:" + "|".join(sorted(parts))


def _keyable(tokens: list[Token]) -> list[Token]:
    usable = [token for token in tokens if len(token.canon) >= 2]
    strong = [token for token in usable if not token.weak]
    return (strong if len(strong) >= 2 else usable)[:MAX_KEY_TOKENS]


def _pair_keys(tokens: list[Token]) -> set[str]:
    keys: set[str] = set()
    for a, b in combinations(tokens, 2):
        if a.canon in b.parts or b.canon in a.parts:
            continue
        keys.add(_join("c2", (a.canon, b.canon)))
        if len(a.phon) + len(b.phon) >= _MIN_PAIR_SKELETON:
            keys.add(_join("p2", (a.phon, b.phon)))
    return keys


def _triple_keys(tokens: list[Token]) -> set[str]:
    plain = [token for token in tokens if not token.parts][:MAX_TRIPLE_TOKENS]
    return {_join("c3", (a.canon, b.canon, c.canon)) for a, b, c in combinations(plain, 3)}


def _single_keys(tokens: list[Token], common: Collection[str]) -> set[str]:
    keys: set[str] = set()
    for token in tokens:
        if token.canon in common or token.weak or len(token.canon) < _MIN_SINGLE:
            continue
        keys.add(f"c1:{token.canon}")
        if len(token.phon) >= _MIN_SINGLE:
            keys.add(f"p1:{token.phon}")
    return keys


def _repeat_keys(fields: Iterable[str]) -> set[str]:
    """ "c2:x|x" for a name repeating one canonical name ("Mohamed Mohamed")."""
    canons = [token.canon for field in fields for token in field_tokens(field) if not token.parts]
    return {_join("c2", (c, c)) for c in set(canons) if canons.count(c) > 1 and len(c) >= 2}


def name_keys(
    given: str,
    family: str,
    other_spellings: Iterable[str] = (),
    *,
    common: Collection[str] = COMMON_TOKENS,
) -> set[str]:
    """The keys a client profile stores (one client_name_keys row each).

    `other_spellings` are full or partial alternative names ("Mohammad Al-Hassan"); their
    tokens join the pool, so each pairs with the given and family names too.
    """
    tokens = name_tokens([given, family, *other_spellings])
    keyable = _keyable(tokens)
    return (
        _pair_keys(keyable)
        | _triple_keys(keyable)
        | _single_keys(tokens, common)
        | _repeat_keys([given, family])
    )


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_MIN_TYPO_LENGTH = 4
_TYPO_TOKENS = 3  # words whose one-slip spellings are tried (pairs of them: 3 at most)


def _one_slip(word: str) -> set[str]:
    """Every spelling one slip away: two letters swapped, one dropped, changed or added."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    dropped = {a + b[1:] for a, b in splits if b}
    changed = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    added = {a + c + b for a, b in splits for c in _ALPHABET}
    return (swapped | dropped | changed | added) - {word}


def _typo_keys(tokens: list[Token]) -> set[str]:
    """Canonical pairs where one of the two words is taken as mistyped by one slip.

    A slip inside a word changes both its canonical form and often its skeleton, so the
    pair keys above miss "Youssef Dawrish" for Youssef Darwish. Stored keys stay as they
    are; the search tries the few hundred spellings one slip away (folded, so a slip in
    a known variant lands on its canonical form) paired with the other word.
    """
    keys: set[str] = set()
    words = [token for token in tokens if not token.parts][:_TYPO_TOKENS]
    for a, b in combinations(words, 2):
        for typed, other in ((a, b), (b, a)):
            if len(typed.canon) < _MIN_TYPO_LENGTH:
                continue
            keys |= {
                _join("c2", (fold(spelling), other.canon)) for spelling in _one_slip(typed.canon)
            }
    return keys


def query_plan(text: str) -> list[set[str]]:
    """The keys of a search text, in stages from the most to the least selective.

    The search looks up stage after stage (each with a LIMIT) until it has enough
    candidates: triples (3+ words), then canonical and phonetic pairs, then single-word
    keys, and last the pairs one typing slip away. Single-word keys of common names are
    emitted too (the text does not know what is common); no profile stores them, so
    they find nothing.
    """
    tokens = name_tokens([text])
    keyable = _keyable(tokens)
    stages = [
        _triple_keys(keyable),
        _pair_keys(keyable) | _repeat_keys([text]),
        _single_keys(tokens, common=()),
        _typo_keys(keyable),
    ]
    return [stage for stage in stages if stage]


def query_keys(text: str) -> set[str]:
    """Every key a search text produces (the union of `query_plan`'s stages)."""
    return set().union(*query_plan(text))

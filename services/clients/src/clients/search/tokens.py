"""From a name field (or a search text) to the name tokens keys and ranking work on.

A field is normalised (`normalise`), then:

* glued "Abd" forms are split: "Abdulrahman" / "Abdirahman" -> abd + rahman, so they meet
  "Abdul Rahman" and "Abd al-Rahman";
* particles (al, el, bin, van, der, de, dela, ...) are dropped when the field has another
  word: "al Hassan" = "Hassan"; "Van der Berg" -> berg;
* when a field with a particle has 2-3 words, the glued form is kept as an extra token
  ("Van der Berg" also gives "vanderberg", "Dela Cruz" gives "delacruz"), so a search
  typed glued still meets it;
* each word is folded onto its canonical key (`variants.fold`) and given its phonetic
  skeleton (`phonetic.skeleton`, computed on the canonical key so that every spelling of
  a table name has the same skeleton).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from clients.search.normalise import words
from clients.search.phonetic import skeleton
from clients.search.variants import PARTICLES, WEAK, fold, split_abd

_GLUE_MAX_WORDS = 3


class Token(NamedTuple):
    """One name token: as written (normalised), canonical key, phonetic skeleton."""

    word: str
    canon: str
    phon: str
    weak: bool = False
    # For a glued token ("vanderberg"): canonical keys of the tokens it was glued from.
    parts: frozenset[str] = frozenset()


def _token(word: str) -> Token:
    canon = fold(word)
    return Token(word=word, canon=canon, phon=skeleton(canon), weak=canon in WEAK)


def field_tokens(text: str) -> list[Token]:
    """The tokens of one name field, in order (glued forms last)."""
    raw = words(text)
    expanded: list[str] = []
    for word in raw:
        split = split_abd(word)
        expanded.extend(split if split else (word,))
    has_particle = any(word in PARTICLES for word in expanded)
    content = [word for word in expanded if word not in PARTICLES] or expanded
    tokens = [_token(word) for word in content]
    if (
        has_particle
        and 2 <= len(raw) <= _GLUE_MAX_WORDS
        and len(content) < len(expanded)
        # Abd forms are split, never glued: "Abd al-Rahman" is abd + rahman.
        and all(token.canon != "abd" for token in tokens)
    ):
        glued = _token("".join(raw))
        if glued.canon not in {token.canon for token in tokens}:
            tokens.append(glued._replace(parts=frozenset(token.canon for token in tokens)))
    return tokens


def name_tokens(fields: Iterable[str]) -> list[Token]:
    """The tokens of several fields (given, family, other spellings), one per canonical key."""
    seen: set[str] = set()
    out: list[Token] = []
    for field in fields:
        for token in field_tokens(field):
            if token.canon not in seen:
                seen.add(token.canon)
                out.append(token)
    return out

"""Client name search: the public functions (pure, no database).

* `normalise(name)`: accents, case, apostrophes, hyphens, spaces (`normalise.py`);
* variant folding onto canonical keys, from a small editable table (`variants.py`), and a
  consonant-skeleton phonetic key (`phonetic.py`);
* `name_keys(given, family, other_spellings)`: the keys a profile stores;
  `query_keys(text)` / `query_plan(text)`: the keys a search text looks up (`keys.py`);
* `score(query, given, family, other)`: ranking of the bounded candidate set (`score.py`).
"""

from __future__ import annotations

from clients.search.keys import name_keys, query_keys, query_plan
from clients.search.normalise import normalise, words
from clients.search.phonetic import skeleton
from clients.search.score import damerau_levenshtein, score, token_similarity
from clients.search.tokens import Token, field_tokens, name_tokens
from clients.search.variants import COMMON_TOKENS, VARIANT_GROUPS, fold

__all__ = [
    "COMMON_TOKENS",
    "VARIANT_GROUPS",
    "Token",
    "damerau_levenshtein",
    "field_tokens",
    "fold",
    "is_common",
    "name_keys",
    "name_tokens",
    "normalise",
    "query_keys",
    "query_plan",
    "score",
    "skeleton",
    "token_similarity",
    "words",
]


def is_common(word: str) -> bool:
    """Whether a one-word search for `word` is too common to answer without narrowing."""
    tokens = name_tokens([word])
    return bool(tokens) and all(token.canon in COMMON_TOKENS for token in tokens)

"""Ranking of a bounded candidate set (never of all rows).

Each query token is matched to at most one candidate token (greedy, best pairs first);
token similarity, best first:

=========================================  =====
same spelling after normalising            1.00
same canonical key (transliteration)       0.95
same phonetic skeleton                     0.80
Damerau-Levenshtein distance 1 (4+ letters) 0.70
distance 2 (8+ letters)                    0.60
prefix (a name being typed, an initial)    0.50
=========================================  =====

score = 0.9 x (mean similarity over the query tokens) + 0.1 x (share of the candidate's
given and family tokens that were matched). Order does not count (swapped given/family
names score the same); a candidate matching every query token beats one matching some;
among full matches, one with no unmatched names beats one with extra names.
"""

from __future__ import annotations

from collections.abc import Iterable

from clients.search.tokens import Token, name_tokens

EXACT = 1.0
CANONICAL = 0.95
PHONETIC = 0.80
TYPO_1 = 0.70
TYPO_2 = 0.60
PREFIX = 0.50
_QUERY_WEIGHT = 0.9


def damerau_levenshtein(a: str, b: str, max_distance: int | None = None) -> int:
    """Edit distance counting an adjacent transposition as one edit (optimal string alignment).

    With `max_distance`, any distance above it is returned as max_distance + 1 (early exit).
    """
    if a == b:
        return 0
    limit = max_distance if max_distance is not None else len(a) + len(b)
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def token_similarity(q: Token, c: Token) -> float:
    """How well one query token matches one candidate token, in [0, 1]."""
    if q.word == c.word:
        return EXACT
    if q.canon == c.canon:
        return CANONICAL
    if len(q.phon) >= 2 and q.phon == c.phon:
        return PHONETIC
    shortest = min(len(q.word), len(c.word))
    if shortest >= 4:
        distance = min(
            damerau_levenshtein(q.word, c.word, 2), damerau_levenshtein(q.canon, c.canon, 2)
        )
        if distance == 1:
            return TYPO_1
        if distance == 2 and shortest >= 8:
            return TYPO_2
    if c.word.startswith(q.word) or c.canon.startswith(q.canon):
        return PREFIX
    return 0.0


def score(
    query_text: str,
    candidate_given: str,
    candidate_family: str,
    candidate_other: Iterable[str] = (),
) -> float:
    """How well a candidate's names match a search text, in [0, 1] (1 = same names)."""
    tokens = name_tokens([query_text])
    if not tokens:
        return 0.0
    primary = name_tokens([candidate_given, candidate_family])
    candidates = primary + [
        token
        for token in name_tokens(candidate_other)
        if token.canon not in {p.canon for p in primary}
    ]
    # A glued query token ("vanderberg") stands for its parts: the query is read both ways
    # (parts, or glued forms) and the better reading counts.
    plain = [token for token in tokens if not token.parts]
    glued_parts = set().union(*(token.parts for token in tokens))
    glued = [token for token in tokens if token.parts or token.canon not in glued_parts]
    readings = [plain] if glued == tokens or not plain else [plain, glued]
    return max(_score_reading(query, primary, candidates) for query in readings)


def _score_reading(query: list[Token], primary: list[Token], candidates: list[Token]) -> float:
    if not query:
        return 0.0
    pairs = sorted(
        (
            (token_similarity(q, c), qi, ci)
            for qi, q in enumerate(query)
            for ci, c in enumerate(candidates)
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    best = [0.0] * len(query)
    used_query: set[int] = set()
    used_canons: set[str] = set()
    for similarity, qi, ci in pairs:
        if similarity <= 0.0:
            break
        cand = candidates[ci]
        if qi in used_query or cand.canon in used_canons or used_canons & cand.parts:
            continue
        used_query.add(qi)
        used_canons.add(cand.canon)
        used_canons.update(cand.parts)
        best[qi] = similarity
    query_cover = sum(best) / len(query)
    if query_cover == 0.0:
        return 0.0
    own = [token for token in primary if not token.parts]
    matched = sum(1 for token in own if token.canon in used_canons)
    candidate_cover = matched / len(own) if own else 0.0
    return round(_QUERY_WEIGHT * query_cover + (1 - _QUERY_WEIGHT) * candidate_cover, 6)

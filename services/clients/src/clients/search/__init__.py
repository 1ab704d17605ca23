"""Client name search: normalising, variant folding, search keys and ranking (see names.py)."""

from clients.search.names import (
    is_common,
    name_keys,
    normalise,
    query_keys,
    query_plan,
    score,
)

__all__ = ["is_common", "name_keys", "normalise", "query_keys", "query_plan", "score"]

"""Pure-Python micro-benchmark of the name keys (no database).

    .venv/bin/python -m bench.client_search.microbench [N]

Prints: keys computed per second (name_keys over N generated clients), keys per client,
and for common queries the candidate set a key-bounded search would rank: the rows of
each stage of `query_plan` (what the b-tree returns), the staged candidate count (stages
looked up in order until 20 candidates), and the time to `score` that set.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict

from bench.client_search.generate import generate
from clients.search.keys import name_keys, query_plan
from clients.search.score import score

QUERIES = [
    "mohamad hasan", "olena shevchenko", "hasan mohamad", "shevchenko olena",
    "elena shevchneko", "muhammad ali", "mohamed mohamed", "nguyen thi mai",
    "abdulrahman al hassan", "fatima hussein", "maria jose garcia", "tymoshchuk",
    "wang wei", "harpreet kaur", "jan van der berg", "mohammed ali hassan",
]  # fmt: skip
ENOUGH = 20


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def main(n: int) -> None:
    clients = list(generate(n))
    started = time.perf_counter()
    index: dict[str, list[int]] = defaultdict(list)
    names = {}
    total_keys = 0
    for c in clients:
        keys = name_keys(c.given, c.family, c.other_spellings)
        total_keys += len(keys)
        for key in keys:
            index[key].append(c.client_id)
        names[c.client_id] = c
    elapsed = time.perf_counter() - started
    out(
        f"N={n}: name_keys for {n} clients in {elapsed:.2f} s = {n / elapsed:,.0f} clients/s, "
        f"{total_keys / elapsed:,.0f} keys/s (incl. building the in-memory index)"
    )
    out(f"keys per client: {total_keys / n:.2f}; distinct keys {len(index):,}")
    sizes = sorted(len(ids) for ids in index.values())
    out(
        f"rows per key: p50 {sizes[len(sizes) // 2]}, p95 {sizes[int(len(sizes) * 0.95)]}, "
        f"p99 {sizes[int(len(sizes) * 0.99)]}, max {sizes[-1]}"
    )
    out()
    out(
        f"{'query':<24} {'stage rows (all keys)':<28} {'staged':>7} {'union':>7} "
        f"{'rank ms':>8}  top result"
    )
    staged_sizes = []
    for query in QUERIES:
        plan = query_plan(query)
        stage_rows = [len({i for key in stage for i in index.get(key, ())}) for stage in plan]
        candidates: set[int] = set()
        for stage in plan:
            candidates |= {i for key in stage for i in index.get(key, ())}
            if len(candidates) >= ENOUGH:
                break
        union = {i for stage in plan for key in stage for i in index.get(key, ())}
        t0 = time.perf_counter()
        ranked = sorted(
            candidates,
            key=lambda i: -score(query, names[i].given, names[i].family, names[i].other_spellings),
        )
        rank_ms = (time.perf_counter() - t0) * 1000
        top = names[ranked[0]] if ranked else None
        top_text = f"{top.given} {top.family}" if top else "-"
        staged_sizes.append(len(candidates))
        out(
            f"{query:<24} {'/'.join(map(str, stage_rows)):<28} {len(candidates):>7} "
            f"{len(union):>7} {rank_ms:>8.1f}  {top_text}"
        )
    out()
    out(
        f"staged candidate set over these queries: p50 {statistics.median(staged_sizes):.0f}, "
        f"max {max(staged_sizes)} (of N={n})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

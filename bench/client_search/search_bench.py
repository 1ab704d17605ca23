"""Client search benchmark on the running dev stack: bulk load, registration, search.

    .venv/bin/python -m bench.client_search.search_bench [--clients N] [--agency CODE]

1. A bench agency with its admin, created through the gateway as the platform admin
   (or, with `--agency CODE`, one created by an earlier run is reused).
2. BULK LOAD (not the API): N synthetic clients (`generate.py`) of that agency are
   COPYed into the clients database as its owner role (into a temporary staging table,
   then INSERT ... SELECT under the agency's RLS context), with their `client_name_keys`
   rows computed by the service's own `clients.search.index.keys_of`. Rows loaded this
   way carry `created_by = BULK_ACTOR`; a rerun loads only what is missing.
3. Registration throughput through the gateway (POST /api/clients/clients, a few workers).
4. Search through the gateway: a fixed query mix, p50/p95/p99 per kind and overall; then
   the same searches as bare SQL (the repository's key lookups and candidate fetch, with
   asyncpg as the app role, agency context set), and the ratio gateway / bare.

Everything talks to 127.0.0.1 only and is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx

from bench.client_search.generate import Client as Generated
from bench.client_search.generate import generate
from clients.profiles.models import Client
from clients.search.index import keys_of
from clients.search.keys import query_plan
from clients.search.names import is_common
from clients.search.service import CANDIDATE_LIMIT, ENOUGH_CANDIDATES
from clients.search.tokens import name_tokens
from scripts.services import SERVICES
from scripts.stack import db_url, profile_of

GATEWAY = "http://127.0.0.1:8000"
PLATFORM_ADMIN = ("platform@ocms.example.org", "ocms-demo-2026")
ADMIN_PASSWORD = "bench-admin-pass-2026"
STATEMENT_VERSION = "2026-01"
CONSENT_LANGUAGE = "English"
# `created_by` of the bulk-loaded rows: how a rerun counts what is already there.
BULK_ACTOR = uuid.UUID("00000000-0000-4000-8000-0000000b0001")
BATCH = 50_000
HTTP_TIMEOUT = 30.0
PHONE_SHARE = 0.7  # clients with a phone
AREAS = ("416", "647", "613", "514", "604", "403", "780", "204")

CLIENT_COLUMNS = (
    "id", "agency_id", "kind", "consent_status", "consent_statement_version",
    "consent_language", "consent_given_at", "consent_given_by", "birth_date",
    "birth_date_estimated", "given_name", "family_name", "other_names", "phones",
    "phone_keys", "other_languages", "citizenships", "target_groups", "version",
    "created_at", "created_by", "updated_at", "updated_by", "status",
)  # fmt: skip
KEY_COLUMNS = ("client_id", "key", "agency_id", "birth_date")


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def plain_dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def clients_dsn(kind: str) -> str:
    service = next(s for s in SERVICES if s.name == "clients")
    return plain_dsn(db_url(profile_of("dev"), service, kind))


def phone_of(client_id: int) -> str | None:
    """A deterministic phone for the generated client `client_id` (or none)."""
    rng = random.Random(client_id * 7919)
    if rng.random() >= PHONE_SHARE:
        return None
    n = (client_id * 7919 + 1234567) % 10_000_000
    return f"{AREAS[client_id % len(AREAS)]}-{n // 10_000:03d}-{n % 10_000:04d}"


def client_uuid(agency_id: uuid.UUID, seq: int) -> uuid.UUID:
    """Deterministic per agency and generated client (agencies never share ids)."""
    return uuid.uuid5(agency_id, str(seq))


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(ms: Sequence[float]) -> str:
    return (
        f"p50 {percentile(ms, 50):7.1f}  p95 {percentile(ms, 95):7.1f}  "
        f"p99 {percentile(ms, 99):7.1f} ms (n={len(ms)})"
    )


# ---------------------------------------------------------------- 1. agency and admin


@dataclass(frozen=True)
class Bench:
    agency_id: uuid.UUID
    code: str
    admin_email: str


def admin_email_of(code: str) -> str:
    return f"bench.admin@{code.lower()}.bench.example.org"


async def login(http: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    response = await http.post("/api/auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    cookie = response.cookies.get("ocms_session")
    if not cookie:  # marked Secure: httpx keeps it but will not send it over http
        raise RuntimeError("login answered without a session cookie")
    return {"Cookie": f"ocms_session={cookie}"}


async def bench_agency(http: httpx.AsyncClient, code: str | None) -> Bench:
    platform = await login(http, *PLATFORM_ADMIN)
    if code is not None:
        listed = await http.get("/api/identity/agencies", headers=platform)
        listed.raise_for_status()
        for agency in listed.json()["items"]:
            if agency["code"] == code:
                return Bench(uuid.UUID(agency["id"]), code, admin_email_of(code))
        raise SystemExit(f"no agency with code {code!r}")
    code = f"BENCH{uuid.uuid4().hex[:6].upper()}"
    body = {
        "name": f"Client search bench {code}",
        "code": code,
        "admin": {
            "email": admin_email_of(code),
            "given_name": "Bench",
            "family_name": "Admin",
            "initial_password": ADMIN_PASSWORD,
        },
    }
    created = await http.post("/api/identity/agencies", json=body, headers=platform)
    if created.status_code != 201:
        raise SystemExit(f"creating the agency: {created.status_code} {created.text}")
    return Bench(uuid.UUID(created.json()["id"]), code, admin_email_of(code))


# ---------------------------------------------------------------- 2. bulk load


def client_rows(
    agency_id: uuid.UUID, batch: list[Generated], now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The `clients` and `client_name_keys` rows of a batch, keys by `keys_of`."""
    clients: list[tuple[Any, ...]] = []
    keys: list[tuple[Any, ...]] = []
    for g in batch:
        cid = client_uuid(agency_id, g.client_id)
        phone = phone_of(g.client_id)
        phones = [phone] if phone else []
        phone_keys = [phone.replace("-", "")] if phone else []
        clients.append(
            (
                cid, agency_id, "named", "given", STATEMENT_VERSION, CONSENT_LANGUAGE, now,
                BULK_ACTOR, g.birth_date, False, g.given, g.family, list(g.other_spellings),
                phones, phone_keys, [], [], [], 1, now, BULK_ACTOR, now, BULK_ACTOR, "active",
            )
        )  # fmt: skip
        model = Client(
            kind="named",
            consent_status="given",
            status="active",
            given_name=g.given,
            family_name=g.family,
            preferred_name=None,
            other_names=list(g.other_spellings),
        )
        for key in sorted(keys_of(model)):
            keys.append((cid, key, agency_id, g.birth_date))
    return clients, keys


def batches(start: int, n: int) -> Iterator[list[Generated]]:
    """Generated clients start+1..n (the generator is replayed from the first)."""
    batch: list[Generated] = []
    for g in generate(n):
        if g.client_id <= start:
            continue
        batch.append(g)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def copy_batch(
    owner: asyncpg.Connection, agency_id: uuid.UUID, rows: tuple[list[Any], list[Any]]
) -> None:
    clients, keys = rows
    async with owner.transaction():
        # Staging tables have no RLS (COPY FROM refuses RLS tables); the INSERT ... SELECT
        # passes the tenant policy with the agency context, like the service's writes.
        await owner.execute("SELECT set_config('app.agency_id', $1, true)", str(agency_id))
        await owner.execute(
            "CREATE TEMP TABLE bench_clients ON COMMIT DROP AS"
            f" SELECT {', '.join(CLIENT_COLUMNS)} FROM clients WITH NO DATA"
        )
        await owner.execute(
            "CREATE TEMP TABLE bench_keys ON COMMIT DROP AS"
            f" SELECT {', '.join(KEY_COLUMNS)} FROM client_name_keys WITH NO DATA"
        )
        await owner.copy_records_to_table("bench_clients", records=clients, columns=CLIENT_COLUMNS)
        await owner.copy_records_to_table("bench_keys", records=keys, columns=KEY_COLUMNS)
        cols = ", ".join(CLIENT_COLUMNS)
        await owner.execute(f"INSERT INTO clients ({cols}) SELECT {cols} FROM bench_clients")
        kcols = ", ".join(KEY_COLUMNS)
        await owner.execute(
            f"INSERT INTO client_name_keys ({kcols}) SELECT {kcols} FROM bench_keys"
        )
        # Phone keys as `search.index.phone_keys_of` (bulk clients are named, with consent).
        await owner.execute(
            "INSERT INTO client_phone_keys (client_id, phone_key, agency_id)"
            " SELECT DISTINCT id, unnest(phone_keys), agency_id FROM bench_clients"
        )


async def bulk_count(owner: asyncpg.Connection, agency_id: uuid.UUID) -> int:
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.agency_id', $1, true)", str(agency_id))
        count = await owner.fetchval(
            "SELECT count(*) FROM clients WHERE agency_id = $1 AND created_by = $2",
            agency_id,
            BULK_ACTOR,
        )
    return int(count)


async def bulk_load(agency_id: uuid.UUID, n: int, max_seconds: float) -> None:
    owner = await asyncpg.connect(clients_dsn("owner"))
    try:
        existing = await bulk_count(owner, agency_id)
        if existing >= n:
            out(f"BULK LOAD: skipped, the agency already has {existing:,} bulk-loaded clients")
            return
        out(f"BULK LOAD (owner role, COPY, not the API): clients {existing + 1:,}..{n:,}")
        loop = asyncio.get_running_loop()
        now = datetime.now(UTC)
        source = batches(existing, n)

        def build() -> tuple[list[Any], list[Any]] | None:
            batch = next(source, None)
            return client_rows(agency_id, batch, now) if batch else None

        started = time.perf_counter()
        loaded = keys = 0
        rows = await loop.run_in_executor(None, build)
        while rows is not None:
            # Python builds the next batch (keys) while PostgreSQL writes this one.
            following = loop.run_in_executor(None, build)
            await copy_batch(owner, agency_id, rows)
            loaded += len(rows[0])
            keys += len(rows[1])
            elapsed = time.perf_counter() - started
            out(f"  {existing + loaded:>10,} clients, {keys:>10,} keys, {elapsed:6.0f} s")
            if elapsed > max_seconds:
                out(f"  stopped: over --max-load-seconds {max_seconds:.0f} (rerun to go on)")
                with contextlib.suppress(Exception):
                    await following
                break
            rows = await following
        elapsed = time.perf_counter() - started
        out(
            f"BULK LOAD: {loaded:,} clients + {keys:,} name keys in {elapsed:.0f} s "
            f"({loaded / elapsed:,.0f} clients/s)"
        )
        await owner.execute("ANALYZE clients")
        await owner.execute("ANALYZE client_name_keys")
        await owner.execute("ANALYZE client_phone_keys")
    finally:
        await owner.close()


# ---------------------------------------------------------------- 3. registration


async def register(
    http: httpx.AsyncClient, session: dict[str, str], count: int, workers: int
) -> None:
    rng = random.Random(2026)
    people = list(generate(count, seed=99))
    latencies: list[float] = []
    failures: defaultdict[int, int] = defaultdict(int)
    queue: asyncio.Queue[Generated] = asyncio.Queue()
    for person in people:
        queue.put_nowait(person)

    async def worker() -> None:
        while not queue.empty():
            g = queue.get_nowait()
            body: dict[str, Any] = {
                "consent": {"statement_version": STATEMENT_VERSION, "language": CONSENT_LANGUAGE},
                "given_name": g.given,
                "family_name": g.family,
                "birth_date": g.birth_date.isoformat(),
            }
            if rng.random() < PHONE_SHARE:
                body["phones"] = [f"437-{rng.randrange(1000):03d}-{rng.randrange(10000):04d}"]
            t0 = time.perf_counter()
            response = await http.post("/api/clients/clients", json=body, headers=session)
            latencies.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 201:
                failures[response.status_code] += 1
                if failures[response.status_code] == 1:
                    out(f"  registration {response.status_code}: {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.perf_counter() - started
    ok = count - sum(failures.values())
    out(
        f"REGISTRATION via gateway: {ok}/{count} clients in {elapsed:.1f} s with {workers} "
        f"workers = {ok / elapsed:.1f} clients/s; latency {figures(latencies)}"
    )
    if failures:
        out(f"  failures by status: {dict(failures)}")


# ---------------------------------------------------------------- 4. search


@dataclass(frozen=True)
class Query:
    kind: str
    q: str | None = None
    birth_date: date | None = None
    phone: str | None = None

    def params(self) -> dict[str, str]:
        params = {"q": self.q, "phone": self.phone}
        if self.birth_date:
            params["birth_date"] = self.birth_date.isoformat()
        return {k: v for k, v in params.items() if v is not None}


def query_mix(n_clients: int) -> list[Query]:
    """The fixed query set; birth dates and phones are those of generated clients."""
    sample = list(generate(min(n_clients, 20_000)))

    def born(given: str, family: str) -> date:
        for g in sample:
            if g.given == given and g.family == family:
                return g.birth_date
        return sample[0].birth_date

    phones = [(g, p) for g in sample[:400] if (p := phone_of(g.client_id))][:6]
    common = ["mohamad hasan", "olena shevchenko", "muhammad ali", "wang wei", "harpreet kaur",
              "nguyen thi mai", "mohamed mohamed", "maria jose garcia"]  # fmt: skip
    queries = [Query("common", q) for q in common]
    queries += [
        Query("common+dob", "mohammed hassan", born("Mohammed", "Hassan")),
        Query("common+dob", "olena shevchenko", born("Olena", "Shevchenko")),
        Query("common+dob", "ali hassan", born("Ali", "Hassan")),
        Query("common+dob", "wei wang", born("Wei", "Wang")),
    ]
    queries += [Query("rare", q) for q in ("rodel bautista", "narges jafari",
                                           "hodan warsame", "marie-claire van der berg",
                                           "tymoshchuk")]  # fmt: skip
    queries += [Query("swapped", q) for q in ("hasan mohamad", "shevchenko olena",
                                              "kaur harpreet", "garcia maria jose")]  # fmt: skip
    queries += [Query("typo", q) for q in ("elena shevchneko", "oleksnadr kovalenko",
                                           "harpret kaur", "mohamed warsme")]  # fmt: skip
    queries += [Query("phone", phone=p) for _, p in phones[:4]]
    queries += [
        Query("name+phone", f"{g.given} {g.family}".lower(), phone=p) for g, p in phones[4:6]
    ]
    queries += [Query("one common name", "mohammed"), Query("one common name", "hassan")]
    return queries


async def gateway_search(
    http: httpx.AsyncClient,
    session: dict[str, str],
    queries: list[Query],
    requests: int,
    warmup: int,
) -> tuple[dict[str, list[float]], dict[Query, dict[str, Any]]]:
    answers: dict[Query, dict[str, Any]] = {}

    async def one(query: Query) -> float:
        t0 = time.perf_counter()
        response = await http.get(
            "/api/clients/clients/search", params=query.params(), headers=session
        )
        ms = (time.perf_counter() - t0) * 1000
        response.raise_for_status()
        answers[query] = response.json()
        return ms

    for i in range(warmup):
        await one(queries[i % len(queries)])
    by_kind: dict[str, list[float]] = defaultdict(list)
    for i in range(requests):
        query = queries[i % len(queries)]
        by_kind[query.kind].append(await one(query))
    return by_kind, answers


async def bare_search(
    app: asyncpg.Connection, agency_id: uuid.UUID, query: Query
) -> tuple[float, int]:
    """The SQL of one search (`service._ranked` with `repository`), no ranking, no audit:
    (ms, candidates loaded)."""
    t0 = time.perf_counter()
    loaded = 0
    async with app.transaction():
        await app.execute(
            "SELECT set_config('app.agency_id', $1, true),"
            " set_config('app.role', 'agency_admin', true)",
            str(agency_id),
        )
        one_common = query.q is not None and len(name_tokens([query.q])) == 1 and is_common(query.q)
        narrowed = query.phone is not None or query.birth_date is not None
        if one_common and not narrowed:
            return (time.perf_counter() - t0) * 1000, 0  # answered with the hint, no SQL
        seen: set[uuid.UUID] = set()
        if query.q is not None and not one_common:
            found: list[uuid.UUID] = []
            for stage in query_plan(query.q):
                sql = (
                    "SELECT client_id FROM client_name_keys WHERE agency_id = $1"
                    " AND key = ANY($2::text[])"
                )
                args: list[Any] = [agency_id, sorted(stage)]
                if query.birth_date is not None:
                    args.append(query.birth_date)
                    sql += f" AND birth_date = ${len(args)}"
                if found:
                    args.append(found)
                    sql += f" AND client_id <> ALL(${len(args)}::uuid[])"
                # `repository.ids_by_keys`: the index range first, then distinct.
                limit = CANDIDATE_LIMIT - len(found)
                args += [limit * len(stage), limit]
                sql = (
                    f"SELECT DISTINCT client_id FROM ({sql} LIMIT ${len(args) - 1}) found"
                    f" LIMIT ${len(args)}"
                )
                found += [r[0] for r in await app.fetch(sql, *args)]
                if len(found) >= ENOUGH_CANDIDATES:
                    break
            if found:
                rows = await app.fetch(
                    "SELECT * FROM clients WHERE agency_id = $1 AND id = ANY($2::uuid[])"
                    " AND consent_status <> 'withdrawn' AND status = 'active'",
                    agency_id,
                    found,
                )
                seen |= {r["id"] for r in rows}
        if query.phone is not None or one_common or query.q is None:
            # `repository.matching`: the phone selects; without one, the date of birth.
            sql = (
                "SELECT * FROM clients WHERE agency_id = $1 AND consent_status <> 'withdrawn'"
                " AND status = 'active'"
            )
            if query.phone is not None:
                args = [agency_id, query.phone.replace("-", "")]
                sql += (
                    " AND id IN (SELECT client_id FROM client_phone_keys"
                    " WHERE agency_id = $1 AND phone_key = $2)"
                )
            else:
                args = [agency_id, query.birth_date]
                sql += " AND birth_date = $2"
            if seen:
                args.append(list(seen))
                sql += " AND id <> ALL($3::uuid[])"
            sql += " ORDER BY created_at DESC, id LIMIT 500"
            rows = await app.fetch(sql, *args)
            seen |= {r["id"] for r in rows}
        loaded = len(seen)
    return (time.perf_counter() - t0) * 1000, loaded


async def search_section(
    http: httpx.AsyncClient, session: dict[str, str], agency_id: uuid.UUID, args: argparse.Namespace
) -> None:
    queries = query_mix(args.clients)
    by_kind, answers = await gateway_search(http, session, queries, args.searches, args.warmup)
    out(f"SEARCH via gateway ({args.searches} requests after {args.warmup} warm-up, sequential):")
    everything = [ms for values in by_kind.values() for ms in values]
    for kind, ms in by_kind.items():
        out(f"  {kind:<16} {figures(ms)}")
    out(f"  {'all':<16} {figures(everything)}")

    app = await asyncpg.connect(clients_dsn("app"))
    try:
        for query in queries:  # warm-up
            await bare_search(app, agency_id, query)
        bare_kind: dict[str, list[float]] = defaultdict(list)
        loaded: dict[Query, int] = {}
        for i in range(args.searches):
            query = queries[i % len(queries)]
            took, loaded[query] = await bare_search(app, agency_id, query)
            bare_kind[query.kind].append(took)
    finally:
        await app.close()
    bare_all = [ms for values in bare_kind.values() for ms in values]
    out("BARE SQL (asyncpg, app role, agency context; key lookups + candidate fetch only):")
    for kind, ms in bare_kind.items():
        ratio = percentile(by_kind[kind], 50) / max(percentile(ms, 50), 1e-6)
        out(f"  {kind:<16} {figures(ms)}   gateway/bare p50 x{ratio:.1f}")
    out(f"  {'all':<16} {figures(bare_all)}")
    out(
        f"  ratio gateway/bare: p50 x{percentile(everything, 50) / percentile(bare_all, 50):.1f}, "
        f"p95 x{percentile(everything, 95) / percentile(bare_all, 95):.1f}"
    )
    out("PER QUERY (candidates loaded by the bare SQL; the gateway's total / truncated / narrow):")
    narrow = 0
    for query in queries:
        answer = answers.get(query, {})
        narrow += answer.get("narrow") is not None
        label = query.q or ""
        label += f" dob={query.birth_date}" if query.birth_date else ""
        label += f" phone={query.phone}" if query.phone else ""
        out(
            f"  {query.kind:<16} {label:<44} cand {loaded.get(query, 0):>4}  "
            f"total {answer.get('total', '-'):>4}  trunc {answer.get('truncated')!s:<5}  "
            f"narrow {'yes' if answer.get('narrow') else '-'}"
        )
    sizes = [loaded.get(q, 0) for q in queries]
    narrow_requests = sum(
        answers.get(queries[i % len(queries)], {}).get("narrow") is not None
        for i in range(args.searches)
    )
    out(
        f"  candidate sets: median {statistics.median(sizes):.0f}, max {max(sizes)}; "
        f"{narrow} of {len(queries)} distinct queries answered with the narrow hint "
        f"({narrow_requests} of {args.searches} requests)"
    )


# ---------------------------------------------------------------- main


async def main(args: argparse.Namespace) -> None:
    out(f"client search bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, N={args.clients:,}")
    limits = httpx.Limits(max_connections=args.workers + 2)
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=HTTP_TIMEOUT, limits=limits) as http:
        bench = await bench_agency(http, args.agency)
        out(f"agency {bench.code} ({bench.agency_id}), admin {bench.admin_email}")
        await bulk_load(bench.agency_id, args.clients, args.max_load_seconds)
        session = await login(http, bench.admin_email, ADMIN_PASSWORD)
        if args.registrations:
            await asyncio.wait_for(
                register(http, session, args.registrations, args.workers), timeout=600
            )
        await asyncio.wait_for(search_section(http, session, bench.agency_id, args), timeout=900)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1_000_000, help="bulk-loaded clients")
    parser.add_argument("--agency", help="reuse the bench agency with this code")
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4, help="concurrent registrations")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--max-load-seconds", type=float, default=1200.0)
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 16 or not 0 <= args.registrations <= 5000:
        parser.error("--workers 1..16, --registrations 0..5000")
    if not 1 <= args.searches <= 5000 or not 1 <= args.clients <= 5_000_000:
        parser.error("--searches 1..5000, --clients 1..5,000,000")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))

"""Finding a client of the agency, and the likely duplicates of a would-be profile.

Name search never ranks all rows: the search text's keys (`query_plan`, stage by stage,
most selective first) are looked up in the `client_name_keys` b-tree, narrowed by the
date of birth when one is given, and only that bounded candidate set is loaded and
ranked (`score`). Phone, identifier and email add their exact matches (indexed) to the
candidates; the date of birth and postal code rank up (or, with no name and no phone,
identifier or email, select). Every search and duplicate check writes one audit entry
with the fields used and the ids shown, never the values searched for.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from clients.profiles import service as profiles
from clients.profiles import values
from clients.profiles.models import Client
from clients.profiles.schemas import NamedCreate
from clients.profiles.view import summary
from clients.search import repository as repo
from clients.search.index import other_spellings
from clients.search.keys import name_keys, query_plan
from clients.search.names import is_common
from clients.search.schemas import (
    Duplicate,
    DuplicateCheckIn,
    Reason,
    RegisteredClientOut,
    SearchHit,
    SearchPage,
)
from clients.search.score import score
from clients.search.tokens import name_tokens
from kit.auth import Principal
from kit.errors import Invalid

# The bound of the candidate set (name keys, and exact matches, each).
CANDIDATE_LIMIT = 500
# Stages of `query_plan` are looked up until this many candidates are found.
ENOUGH_CANDIDATES = 100
# A name-only candidate scoring below this is not a match (one initial, a stray key).
MIN_NAME_SCORE = 0.4
# What each exact match adds to the name score (0..1) when ranking.
EXACT_WEIGHTS: dict[Reason, float] = {
    "identifier": 1.0,
    "phone": 1.0,
    "email": 1.0,
    "birth_date": 0.5,
    "postal_code": 0.25,
}
NARROW_HINT = "add date of birth or phone"

# Duplicates: name similarity counts only with one more piece of evidence.
DUPLICATE_NAME_MIN = 0.6
DUPLICATE_MIN_SCORE = 0.5
DUPLICATE_LIMIT = 10


@dataclass(frozen=True)
class _Criteria:
    text: str | None
    exact: repo.Exact

    @property
    def strong(self) -> bool:
        """Phone, identifier or email: each selects candidates by itself."""
        return bool(self.exact.phone_key or self.exact.identifier or self.exact.email)

    @property
    def narrowed(self) -> bool:
        return self.strong or self.exact.birth_date is not None or bool(self.exact.postal_code)


def _postal(raw: str) -> str:
    compact = "".join(raw.split()).upper()
    if len(compact) <= 3:
        return values.postal_area(compact, "postal_code")
    return values.normalise_postal_code(compact, "postal_code")


def _exact(
    *,
    phone: str | None,
    identifier: str | None,
    email: str | None,
    birth_date: date | None,
    postal_code: str | None,
) -> repo.Exact:
    phone_key = values.phone_key(phone) if phone else None
    if phone is not None and not phone_key:
        raise Invalid("phone", "has no digits")
    try:
        wanted = values.normalise_identifier(None, identifier) if identifier else None
    except Invalid as exc:
        raise Invalid("identifier", "use letters and digits only") from exc
    return repo.Exact(
        phone_key=phone_key,
        identifier=wanted,
        email=email.strip().lower() if email else None,
        birth_date=birth_date,
        postal_code=_postal(postal_code) if postal_code else None,
    )


def _reasons(client: Client, exact: repo.Exact) -> list[Reason]:
    found: list[Reason] = []
    if exact.phone_key and exact.phone_key in client.phone_keys:
        found.append("phone")
    if exact.birth_date is not None and client.birth_date == exact.birth_date:
        found.append("birth_date")
    if exact.identifier and client.identifier_value == exact.identifier:
        found.append("identifier")
    if exact.email and (client.email or "").lower() == exact.email:
        found.append("email")
    if exact.postal_code and (client.postal_code or "").startswith(exact.postal_code):
        found.append("postal_code")
    return found


def _name_score(text: str, client: Client) -> float:
    return score(text, client.given_name or "", client.family_name or "", other_spellings(client))


async def _name_candidates(
    db: AsyncSession,
    actor: Principal,
    text: str,
    birth_date: date | None,
    exclude: list[uuid.UUID],
) -> tuple[list[uuid.UUID], bool]:
    """Candidate ids from the key table, stage after stage; and whether the bound was hit."""
    found: list[uuid.UUID] = []
    for stage in query_plan(text):
        ids = await repo.ids_by_keys(
            db,
            actor.agency_id,
            stage,
            birth_date=birth_date,
            exclude=[*exclude, *found],
            limit=CANDIDATE_LIMIT - len(found),
        )
        found.extend(ids)
        if len(found) >= CANDIDATE_LIMIT:
            return found, True
        if len(found) >= ENOUGH_CANDIDATES:
            break
    return found, False


async def search(
    db: AsyncSession,
    actor: Principal,
    *,
    q: str | None,
    phone: str | None = None,
    birth_date: date | None = None,
    identifier: str | None = None,
    email: str | None = None,
    postal_code: str | None = None,
    options: repo.Options | None = None,
    page: int = 1,
    page_size: int = 20,
) -> SearchPage:
    options = options or repo.Options()
    text = q.strip() if q and q.strip() else None
    criteria = _Criteria(
        text,
        _exact(
            phone=phone,
            identifier=identifier,
            email=email,
            birth_date=birth_date,
            postal_code=postal_code,
        ),
    )
    used = [
        name
        for name, value in {
            "q": text,
            "phone": phone,
            "birth_date": birth_date,
            "identifier": identifier,
            "email": email,
            "postal_code": postal_code,
            **vars(options),
        }.items()
        if value is not None
    ]
    if text is None and not criteria.narrowed:
        raise Invalid("q", "give a name, phone, date of birth, identifier, email or postal code")

    if text is not None and not criteria.narrowed and _one_common_name(text):
        await _audit_search(db, actor, used, [], 0)
        return SearchPage(
            items=[], page=page, page_size=page_size, total=0, truncated=True, narrow=NARROW_HINT
        )

    hits, truncated = await _ranked(db, actor, criteria, options)
    start = (page - 1) * page_size
    shown = hits[start : start + page_size]
    await _audit_search(db, actor, used, [h.id for h in shown], len(hits))
    return SearchPage(
        items=shown,
        page=page,
        page_size=page_size,
        total=len(hits),
        truncated=truncated,
        narrow=NARROW_HINT if truncated and not criteria.narrowed else None,
    )


def _one_common_name(text: str) -> bool:
    return len(name_tokens([text])) == 1 and is_common(text)


async def _ranked(
    db: AsyncSession, actor: Principal, criteria: _Criteria, options: repo.Options
) -> tuple[list[SearchHit], bool]:
    exact = criteria.exact
    text = criteria.text
    truncated = False
    candidates: dict[uuid.UUID, Client] = {}
    # One common name has no key of its own (it would match thousands): it only ranks
    # what the other criteria select.
    by_name = text is not None and not _one_common_name(text)
    if text is not None and by_name:
        ids, truncated = await _name_candidates(db, actor, text, exact.birth_date, [])
        for client in await repo.load(db, actor.agency_id, ids, options):
            candidates[client.id] = client
    if criteria.strong or not by_name:
        # Phone, identifier and email each add their matches; without them (and without a
        # usable name) date of birth and postal code select, all of them together.
        matched = await repo.matching(
            db,
            actor.agency_id,
            _only_strong(exact) if criteria.strong else exact,
            options,
            match_all=not criteria.strong,
            exclude=list(candidates),
            limit=CANDIDATE_LIMIT,
        )
        truncated = truncated or len(matched) >= CANDIDATE_LIMIT
        for client in matched:
            candidates[client.id] = client

    hits: list[SearchHit] = []
    for client in candidates.values():
        reasons = _reasons(client, exact)
        name_score = _name_score(text, client) if text is not None else None
        if name_score is not None and name_score >= MIN_NAME_SCORE:
            reasons.insert(0, "name")
        # With a name searched, a candidate must match it or a phone/identifier/email.
        if text is not None and "name" not in reasons and not _strong_reason(reasons):
            continue
        if not reasons:
            continue
        name_part = name_score if name_score is not None and "name" in reasons else 0.0
        total = name_part + sum(EXACT_WEIGHTS[r] for r in reasons if r != "name")
        hits.append(
            SearchHit(
                **summary(client).model_dump(),
                score=round(total, 4),
                name_score=name_score,
                reasons=reasons,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.family_name or "", h.given_name or "", str(h.id)))
    return hits, truncated


def _only_strong(exact: repo.Exact) -> repo.Exact:
    return repo.Exact(phone_key=exact.phone_key, identifier=exact.identifier, email=exact.email)


def _strong_reason(reasons: list[Reason]) -> bool:
    return bool({"phone", "identifier", "email"} & set(reasons))


async def _audit_search(
    db: AsyncSession, actor: Principal, used: list[str], shown: list[uuid.UUID], total: int
) -> None:
    # Which clients appeared in the results is part of "who viewed this client".
    await profiles.audit(
        db,
        actor,
        "client.searched",
        None,
        fields=used,
        results=total,
        client_ids=[str(i) for i in shown],
    )


async def duplicates(
    db: AsyncSession,
    actor: Principal,
    data: DuplicateCheckIn,
    *,
    exclude: uuid.UUID | None = None,
) -> list[Duplicate]:
    """Profiles of the agency that the would-be profile may duplicate, best first.

    A duplicate is the same identifier, or a similar name with one more piece of
    evidence: the same date of birth, a shared phone or the same email.
    """
    phone_keys = {k for k in (values.phone_key(p) for p in data.phones) if len(k) >= 7}
    identifier = None
    if data.identifier_value:
        identifier = values.normalise_identifier(data.identifier_type, data.identifier_value)
    email = data.email.strip().lower() if data.email else None
    text = " ".join(n for n in (data.given_name, data.family_name) if n)
    others = [n for n in [data.preferred_name, *data.other_names] if n]
    excluded = [exclude] if exclude else []

    candidates: dict[uuid.UUID, Client] = {}
    keys = name_keys(data.given_name or "", data.family_name or "", others)
    if keys and data.birth_date is not None:
        ids = await repo.ids_by_keys(
            db,
            actor.agency_id,
            keys,
            birth_date=data.birth_date,
            exclude=excluded,
            limit=CANDIDATE_LIMIT,
        )
        for client in await repo.load(db, actor.agency_id, ids, repo.Options()):
            candidates[client.id] = client
    lookups = [repo.Exact(phone_key=key) for key in sorted(phone_keys)]
    lookups += [repo.Exact(identifier=identifier, email=email)] if identifier or email else []
    for lookup in lookups:
        for client in await repo.matching(
            db,
            actor.agency_id,
            lookup,
            repo.Options(),
            match_all=False,
            exclude=[*excluded, *candidates],
            limit=CANDIDATE_LIMIT,
        ):
            candidates[client.id] = client

    found: list[Duplicate] = []
    for client in candidates.values():
        reasons: list[Reason] = []
        same_identifier = bool(identifier) and client.identifier_value == identifier
        if data.birth_date is not None and client.birth_date == data.birth_date:
            reasons.append("birth_date")
        if phone_keys & set(client.phone_keys):
            reasons.append("phone")
        if email and (client.email or "").lower() == email:
            reasons.append("email")
        if same_identifier:
            reasons.append("identifier")
        name_score = _name_score(text, client) if text else 0.0
        if name_score >= DUPLICATE_NAME_MIN:
            reasons.insert(0, "name")
        evidence = [r for r in reasons if r in ("birth_date", "phone", "email")]
        if same_identifier:
            total = 1.0
        elif "name" in reasons and evidence:
            total = 0.6 * name_score + 0.4 * min(1.0, 0.6 * len(evidence))
        else:
            continue
        if total < DUPLICATE_MIN_SCORE:
            continue
        found.append(
            Duplicate(
                **summary(client).model_dump(),
                score=round(total, 4),
                name_score=name_score,
                reasons=reasons,
            )
        )
    found.sort(key=lambda d: (-d.score, str(d.id)))
    found = found[:DUPLICATE_LIMIT]
    used = sorted(name for name, value in data.model_dump().items() if value)
    await profiles.audit(
        db,
        actor,
        "client.duplicates_checked",
        None,  # like a list: the offered clients are in `client_ids`
        fields=used,
        client_ids=[str(d.id) for d in found],
    )
    return found


async def register_named(
    db: AsyncSession, actor: Principal, data: NamedCreate
) -> RegisteredClientOut:
    """Register (never blocked by a likely duplicate; the same identifier is a 409), and
    answer with the profiles the new one may duplicate."""
    client = await profiles.register_named(db, actor, data)
    check = DuplicateCheckIn(
        given_name=client.given_name,
        family_name=client.family_name,
        preferred_name=client.preferred_name,
        other_names=client.other_names,
        birth_date=client.birth_date,
        phones=client.phones,
        identifier_type=client.identifier_type,
        identifier_value=client.identifier_value,
        email=client.email,
    )
    found = await duplicates(db, actor, check, exclude=client.id)
    return RegisteredClientOut(**client.model_dump(), possible_duplicates=found)

"""Synthetic clients with the name concentration settlement agencies see.

About 150 distinct given and family names (Arabic, Persian, Ukrainian, Chinese, Vietnamese,
Spanish, French, Somali, South Asian, Filipino), drawn with a Zipf-like weight inside each
community so a few names are very common and many clients share a name; compound and
hyphenated names; a share of names written in another transliteration (Mohamad for
Muhammad, Elena for Olena, Nguyen without its accents) and some with "other spellings".

    .venv/bin/python -m bench.client_search.generate 1000000 > var/clients.csv

Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

# community: (share of clients, given names, family names). The first names of a list are
# the most frequent (weight 1/rank). Spellings with accents are kept as people write them.
COMMUNITIES: dict[str, tuple[float, list[str], list[str]]] = {
    "arabic": (
        0.22,
        ["Mohammed", "Ahmed", "Ali", "Fatima", "Omar", "Hassan", "Hussein", "Khalid",
         "Abdul-Rahman", "Mustafa", "Yusuf", "Mahmoud", "Aisha", "Maryam", "Zainab",
         "Ibrahim", "Abdullah", "Layla", "Nour", "Sara"],
        ["Hassan", "Ali", "Mohammed", "Al-Hassan", "Ahmed", "Hussein", "Abdullah", "Ibrahim",
         "Al Khatib", "Haddad", "Mansour", "Saleh", "Khalil", "Nasser", "Abdel-Aziz"],
    ),
    "persian": (
        0.08,
        ["Mohammad", "Ali", "Hossein", "Reza", "Fatemeh", "Zahra", "Maryam", "Mehdi",
         "Amir", "Narges"],
        ["Ahmadi", "Hosseini", "Mohammadi", "Rezaei", "Karimi", "Moradi", "Jafari", "Rahimi"],
    ),
    "ukrainian": (
        0.18,
        ["Olena", "Oleksandr", "Serhii", "Yuliia", "Iryna", "Andrii", "Tetiana", "Natalia",
         "Dmytro", "Kateryna", "Mykola", "Oksana", "Volodymyr", "Anastasiia"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
         "Boiko", "Kovalchuk", "Polishchuk", "Tymoshchuk", "Savchenko", "Rudenko"],
    ),
    "chinese": (
        0.1,
        ["Wei", "Li Na", "Xiaoming", "Jing", "Yan", "Hui", "Jun", "Ming", "Xin", "Lei"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"],
    ),
    "vietnamese": (
        0.08,
        ["Thị Mai", "Văn An", "Thị Lan", "Văn Minh", "Thị Hương", "Đức Anh", "Thu Trang",
         "Văn Hùng"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng"],
    ),
    "spanish": (
        0.1,
        ["María José", "Juan Carlos", "José", "Ana", "Luis", "Carmen", "Jorge", "Sofía",
         "Diego", "Valentina"],
        ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez",
         "Sánchez", "Ramírez", "García López"],
    ),
    "french": (
        0.05,
        ["Jean-Pierre", "Marie", "Jean", "Fatou", "Moussa", "Aminata", "Marie-Claire"],
        ["Diallo", "Traoré", "Koné", "Dubois", "Martin", "Bernard", "Van der Berg"],
    ),
    "somali": (
        0.07,
        ["Mohamed", "Abdi", "Abdirahman", "Fadumo", "Hodan", "Ayaan", "Hawa", "Abdullahi"],
        ["Mohamed", "Abdi", "Farah", "Warsame", "Jama", "Hersi", "Mohamud", "Yusuf"],
    ),
    "south_asian": (
        0.08,
        ["Harpreet", "Gurpreet", "Rajesh", "Priya", "Muhammad", "Abdul", "Amandeep",
         "Sunita", "Ravi"],
        ["Singh", "Kaur", "Patel", "Khan", "Sharma", "Hussain", "Rahman", "Begum", "Islam"],
    ),
    "filipino": (
        0.04,
        ["Maria", "Jose", "Mark", "Angelica", "John Paul", "Kristine", "Rodel"],
        ["Santos", "Reyes", "Cruz", "Dela Cruz", "Bautista", "Garcia", "Mendoza"],
    ),
}  # fmt: skip

# How a name is sometimes written instead (transliteration, missing accents, a typo).
RESPELL: dict[str, list[str]] = {
    "Mohammed": ["Muhammad", "Mohamad", "Mohamed", "Mohammad", "Muhammed"],
    "Mohammad": ["Mohammed", "Muhammad"],
    "Mohamed": ["Mohamud", "Mohammed", "Maxamed"],
    "Ahmed": ["Ahmad"],
    "Hassan": ["Hasan"],
    "Al-Hassan": ["Alhassan", "El Hassan"],
    "Hussein": ["Husain", "Hussain", "Hossein"],
    "Hossein": ["Hussein", "Hosein"],
    "Yusuf": ["Youssef", "Yousef"],
    "Mustafa": ["Mostafa"],
    "Mahmoud": ["Mahmood", "Mahmud"],
    "Fatima": ["Fatma", "Fatimah"],
    "Fatemeh": ["Fatima"],
    "Abdul-Rahman": ["Abdulrahman", "Abdel Rahman", "Abd al-Rahman"],
    "Olena": ["Elena", "Alena", "Yelena"],
    "Oleksandr": ["Alexander", "Aleksandr"],
    "Serhii": ["Sergei", "Sergey", "Serhiy"],
    "Yuliia": ["Yulia", "Julia"],
    "Andrii": ["Andriy", "Andrey"],
    "Shevchenko": ["Schewtschenko", "Shevchneko"],
    "Nguyễn": ["Nguyen"],
    "Trần": ["Tran"],
    "Lê": ["Le"],
    "Phạm": ["Pham"],
    "Đặng": ["Dang"],
    "García": ["Garcia"],
    "Dela Cruz": ["Delacruz", "De la Cruz"],
}
RESPELL_RATE = 0.25
OTHER_SPELLING_RATE = 0.05
MIDDLE_NAME_RATE = 0.1


@dataclass(frozen=True)
class Client:
    client_id: int
    given: str
    family: str
    birth_date: date
    other_spellings: tuple[str, ...] = field(default=())


def _zipf(names: list[str]) -> list[float]:
    return [1.0 / rank for rank in range(1, len(names) + 1)]


def generate(n: int, seed: int = 7) -> Iterator[Client]:
    """`n` clients, deterministic for a seed."""
    rng = random.Random(seed)
    communities = list(COMMUNITIES.values())
    shares = [share for share, _, _ in communities]
    born_from = date(1940, 1, 1)
    for client_id in range(1, n + 1):
        _, givens, families = rng.choices(communities, weights=shares)[0]
        given = rng.choices(givens, weights=_zipf(givens))[0]
        family = rng.choices(families, weights=_zipf(families))[0]
        if rng.random() < MIDDLE_NAME_RATE:
            given = f"{given} {rng.choice(givens)}"
        other: tuple[str, ...] = ()
        if rng.random() < OTHER_SPELLING_RATE and (given in RESPELL or family in RESPELL):
            other = (f"{rng.choice(RESPELL.get(given, [given]))} {family}",)
        if given in RESPELL and rng.random() < RESPELL_RATE:
            given = rng.choice(RESPELL[given])
        if family in RESPELL and rng.random() < RESPELL_RATE:
            family = rng.choice(RESPELL[family])
        birth = born_from + timedelta(days=rng.randrange(365 * 65))
        yield Client(client_id, given, family, birth, other)


def distinct_names() -> tuple[int, int]:
    """(distinct given names, distinct family names) in the tables, before respelling."""
    givens = {name for _, g, _ in COMMUNITIES.values() for name in g}
    families = {name for _, _, f in COMMUNITIES.values() for name in f}
    return len(givens), len(families)


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 1000
    writer = csv.writer(sys.stdout)
    writer.writerow(["client_id", "given", "family", "birth_date", "other_spellings"])
    for c in generate(n):
        writer.writerow([c.client_id, c.given, c.family, c.birth_date, ";".join(c.other_spellings)])


if __name__ == "__main__":
    main(sys.argv)

"""The search-quality set: a population of clients and the queries staff type for them.

Each target is a client; from it the set derives the queries a caseworker would type
(exact, swapped order, without or with accents, a typo, another transliteration, the
phone in another format). Confusers share names or spellings with targets, so a query
must rank the right person first, not merely find someone. Targets whose names are
shared by a confuser are searched with the date of birth too, as staff do.
"""

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    birth_date: str
    phone: str = ""
    # Another spelling staff may type for the given or family name.
    variants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    category: str
    target: Person
    q: str | None = None
    phone: str | None = None
    birth_date: str | None = None

    def params(self) -> dict[str, str]:
        found = {"q": self.q, "phone": self.phone, "birth_date": self.birth_date}
        return {k: v for k, v in found.items() if v}


def _p(given: str, family: str, born: str, phone: str = "", **variants: str) -> Person:
    return Person(given, family, born, phone, dict(variants))


TARGETS: tuple[Person, ...] = (
    # Arabic
    _p("Mohamad", "Hasan", "1984-03-12", "416-555-0101", Mohamad="Muhammad", Hasan="Hassan"),
    _p("Ahmad", "Al-Khatib", "1979-07-01", "416-555-0102", Ahmad="Ahmed"),
    _p("Fatima Zahra", "Haddad", "1991-11-23", "416-555-0103"),
    _p("Omar", "Abdulrahman", "1988-02-14", "416-555-0104", Abdulrahman="Abdelrahman"),
    _p("Layla", "Mansour", "1995-05-30", "416-555-0105", Layla="Leila", Mansour="Mansur"),
    _p("Youssef", "Darwish", "1972-09-09", "416-555-0106", Youssef="Yusuf"),
    _p("Khaled", "Nasser", "1983-12-02", "416-555-0107", Khaled="Khalid", Nasser="Nasir"),
    _p("Rania", "Saleh", "1990-04-18", "416-555-0108", Saleh="Salih"),
    _p("Mustafa", "Qasim", "1969-01-27", "416-555-0109", Mustafa="Mostafa", Qasim="Kassem"),
    _p("Huda", "Jaber", "1999-08-08", "416-555-0110", Jaber="Jabir"),
    # Persian / Afghan
    _p("Fatemeh", "Hosseini", "1986-06-21", "647-555-0111", Fatemeh="Fatima", Hosseini="Husseini"),
    _p("Ali", "Rezaei", "1977-03-03", "647-555-0112", Rezaei="Rezaie"),
    _p("Zahra", "Mohammadi", "1993-10-10", "647-555-0113", Mohammadi="Muhammadi"),
    _p("Mehdi", "Karimi", "1981-02-20", "647-555-0114", Mehdi="Mahdi"),
    _p("Soraya", "Ahmadzai", "1998-12-12", "647-555-0115"),
    _p("Farid", "Noori", "1975-05-05", "647-555-0116", Noori="Nouri"),
    # Ukrainian
    _p("Olena", "Shevchenko", "1987-04-04", "647-555-0117", Olena="Elena"),
    _p("Oleksandr", "Kovalenko", "1980-08-15", "647-555-0118", Oleksandr="Aleksandr"),
    _p("Yuliia", "Bondarenko", "1994-01-31", "647-555-0119", Yuliia="Yulia"),
    _p("Serhii", "Tkachenko", "1971-11-11", "647-555-0120", Serhii="Sergei"),
    _p("Nataliia", "Melnyk", "1989-09-19", "647-555-0121", Nataliia="Natalia", Melnyk="Melnik"),
    _p("Andrii", "Kravchuk", "1992-07-07", "647-555-0122", Andrii="Andrey"),
    # Chinese
    _p("Wei", "Zhang", "1985-03-08", "905-555-0123"),
    _p("Xiaoling", "Chen", "1996-06-16", "905-555-0124"),
    _p("Jun", "Li", "1978-12-25", "905-555-0125"),
    _p("Mei", "Wang", "2000-02-29", "905-555-0126"),
    _p("Hao", "Liu", "1982-10-01", "905-555-0127"),
    # Vietnamese
    _p("Thị Mai", "Nguyễn", "1990-03-15", "905-555-0128"),
    _p("Văn Minh", "Trần", "1976-04-30", "905-555-0129"),
    _p("Thu Hà", "Lê", "1997-09-02", "905-555-0130"),
    _p("Quốc Bảo", "Phạm", "1984-01-22", "905-555-0131"),
    # Spanish
    _p("José Luis", "García", "1983-05-17", "514-555-0132"),
    _p("María Fernanda", "López", "1992-12-03", "514-555-0133"),
    _p("Juan Carlos", "Rodríguez", "1979-08-28", "514-555-0134"),
    _p("Ana Sofía", "Martínez", "2001-06-06", "514-555-0135"),
    # French
    _p("Jean-Pierre", "Dubois", "1968-02-11", "514-555-0136"),
    _p("Aïcha", "Ndiaye", "1994-11-05", "514-555-0137", Aïcha="Aissatou"),
    _p("Marie-Ève", "Kabongo", "1987-07-14", "514-555-0138"),
    # Somali
    _p("Abdirahman", "Warsame", "1986-09-30", "613-555-0139", Abdirahman="Abdulrahman"),
    _p("Hodan", "Abdi", "1993-03-21", "613-555-0140"),
    _p("Mohamed", "Farah", "1980-06-26", "613-555-0141", Mohamed="Mohammed"),
    _p("Asha", "Yusuf", "1991-01-09", "613-555-0142", Yusuf="Youssef"),
    # South Asian
    _p("Gurpreet", "Sandhu", "1985-10-13", "613-555-0143"),
    _p("Priya", "Ramanathan", "1990-08-24", "613-555-0144"),
    _p("Imran", "Qureshi", "1977-04-12", "613-555-0145", Qureshi="Kureshi"),
    _p("Anjali", "Sharma", "1999-05-25", "613-555-0146"),
    # Filipino
    _p("Maria Cristina", "dela Cruz", "1982-03-19", "780-555-0147"),
    _p("Rodel", "Bautista", "1975-12-08", "780-555-0148"),
    _p("Marites", "Villanueva", "1988-11-29", "780-555-0149"),
    _p("Jericho", "Manalo", "1996-02-02", "780-555-0150"),
)

# Same or similar names, other people.
CONFUSERS: tuple[Person, ...] = (
    _p("Muhammad", "Hassan", "1990-01-01"),
    _p("Mohammed", "Hussein", "1984-03-13"),
    _p("Ahmed", "Khatib", "1985-05-05"),
    _p("Elena", "Shevchuk", "1987-04-05"),
    _p("Olena", "Shevchenko", "1960-10-10"),
    _p("Aleksandr", "Kovalev", "1980-08-16"),
    _p("Mai", "Nguyen", "1991-03-15"),
    _p("Thi Mai", "Nguyen", "1975-07-07"),
    _p("Jose", "Garcia", "1983-05-18"),
    _p("Mohamed", "Farah", "1979-06-26"),
    _p("Mohamed", "Abdi", "1993-03-22"),
    _p("Fatima", "Hosseini", "1970-01-01"),
    _p("Wei", "Zhang", "1960-06-06"),
    _p("Ali", "Rezai", "1978-03-03"),
    _p("Maria", "Cruz", "1982-03-20"),
    _p("Yulia", "Bondar", "1994-02-01"),
)


PARTICLES = {"al", "el", "de", "dela", "van", "der"}


def _folded(text: str) -> tuple[str, ...]:
    words = _plain(text).replace("-", " ").split()
    return tuple(sorted(w for w in words if w not in PARTICLES))


def _names_a_confuser(text: str) -> bool:
    """Whether `text` is, word for word, another person's name: staff then add the
    date of birth, since no ranking can tell two people of the same name apart."""
    return any(_folded(f"{c.given} {c.family}") == _folded(text) for c in CONFUSERS)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _accented(text: str) -> str:
    """Add the accents a French-keyboard user might type (e > é on the first e)."""
    for plain, accented in (("e", "é"), ("a", "à"), ("o", "ô"), ("i", "ï")):
        if plain in text:
            return text.replace(plain, accented, 1)
    return text


def _typo(word: str) -> str:
    """Swap two letters in the middle of a long word (the commonest typing slip)."""
    if len(word) < 6:
        return word
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def _phone_formats(phone: str) -> list[str]:
    area, exchange, line = phone.split("-")
    return [
        f"({area}) {exchange}-{line}",
        f"+1 {area} {exchange} {line}",
        f"{area}{exchange}{line}",
    ]


def queries() -> list[Query]:
    found: list[Query] = []
    for person in TARGETS:
        name = f"{person.given} {person.family}"
        # The person's own name is shared by a confuser: every name query adds the DOB.
        shared = _names_a_confuser(name)

        def q(category: str, text: str, person: Person = person, shared: bool = shared) -> None:
            born = person.birth_date if shared or _names_a_confuser(text) else None
            found.append(Query(category, person, q=text, birth_date=born))

        q("exact", name)
        q("swapped order", f"{person.family} {person.given}")
        plain = _plain(name)
        q("accents", plain if plain != name.lower() else _accented(name))
        family_typo = _typo(person.family)
        if family_typo != person.family:
            q("typo", f"{person.given} {family_typo}")
        for written, other in person.variants.items():
            q("transliteration", name.replace(written, other))
        found.extend(
            Query("phone format", person, phone=formatted)
            for formatted in _phone_formats(person.phone)
        )
    return found

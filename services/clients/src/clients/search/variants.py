"""Transliteration variants of the names agencies see, and how a word folds onto them.

HOW THE TABLE IS USED. `VARIANT_GROUPS` maps a canonical key to the spellings of the same
name (already normalised: lowercase ASCII, no accents — `normalise` removes accents, so
Nguyễn/Trần/Lê need no entry). `fold(word)` returns the canonical key of a spelling found
in a group, else the word itself. Canonical keys are what the client_name_keys rows store
and what ranking calls a "canonical match", so:

* put in one group only spellings of ONE name that agencies see written either way
  (Hassan/Hasan: yes; Hassan/Hussein: no — two names; they may still meet through the
  phonetic key, which ranks lower);
* translations are not transliterations: Yusuf/Joseph, Olena/Helen, Zhang/Chang (Wade-Giles
  vs pinyin, but also distinct Cantonese/Korean/Taiwanese surnames), Mehmet/Mohammed
  (Turkish name in its own right) are deliberately NOT grouped;
* a spelling must appear in one group only (tests check it);
* changing a group changes stored keys: re-run the key backfill for affected clients
  (every client holding one of the changed spellings) after editing.

Also here: particles (dropped from keys when the name has other words), weak words
(Vietnamese middle names so frequent that pairing with them bounds nothing), "Abd"
forms, and the names common enough that a single-word key would not bound a search.
"""

from __future__ import annotations

VARIANT_GROUPS: dict[str, tuple[str, ...]] = {
    # Arabic / Persian / Somali / South Asian given names
    "muhammad": (
        "muhammad", "mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamad",
        "muhamed", "mohammod", "mohamud", "mahamed", "mohamet", "muhammet", "mouhamed",
        "mohammud", "mohd",
    ),
    "ahmad": ("ahmad", "ahmed", "ahmet", "achmed", "akhmed"),
    "hussein": (
        "hussein", "husein", "husain", "hussain", "hossein", "hosein", "husayn", "hussien",
        "houssein", "hossain", "husen",
    ),
    "hassan": ("hassan", "hasan", "hassane", "hasen", "hassen"),
    "mahmoud": ("mahmoud", "mahmood", "mahmud", "mahmut", "mehmood", "mahamud", "mahmod"),
    "mustafa": ("mustafa", "mostafa", "mustapha", "moustafa", "mostapha", "mustafe", "moustapha"),
    "yusuf": (
        "yusuf", "youssef", "yousef", "yousif", "yusef", "yussuf", "youssouf", "yousuf",
        "yosef", "yussef", "yusif",
    ),
    "ali": ("ali", "aly"),
    "abd": ("abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdur"),
    "abdullah": (
        "abdullah", "abdallah", "abdulla", "abdollah", "abdullahi", "abdalla", "abdoulaye",
    ),
    "rahman": ("rahman", "rehman", "rahmane", "rahmaan", "rahmon"),
    "rahim": ("rahim", "raheem", "rahime"),
    "karim": ("karim", "kareem", "kerim", "karime"),
    "aziz": ("aziz", "azeez", "azis"),
    "qadir": ("qadir", "kadir", "kader", "qader", "gadir", "kadar"),
    "omar": ("omar", "umar", "omer", "oumar"),
    "ibrahim": ("ibrahim", "ebrahim", "ibraheem", "ebraheem", "ibrahima", "brahim"),
    "khalid": ("khalid", "khaled", "khaleed"),
    "said": ("said", "saeed", "saied", "saeid", "saiid", "sayid"),
    "fatima": ("fatima", "fatema", "fatemeh", "fatma", "fatimah", "fadumo", "faduma", "fatouma"),
    "aisha": ("aisha", "ayesha", "aysha", "aicha", "aishah", "ayisha", "aischa"),
    "maryam": ("maryam", "mariam", "maryan", "meryem", "mariyam"),
    "zainab": ("zainab", "zaynab", "zeinab", "zenab", "zaineb"),
    "mohsen": ("mohsen", "muhsin", "mohsin"),
    "hamid": ("hamid", "hameed"),
    "reza": ("reza", "rida", "ridha"),
    # Ukrainian / Russian given names
    "elena": ("elena", "olena", "alena", "yelena", "jelena", "ellena"),
    "alexander": (
        "alexander", "oleksandr", "aleksandr", "oleksander", "aleksander", "alexandr",
        "olexandr", "oleksandre",
    ),
    "sergei": ("sergei", "serhii", "serhiy", "sergey", "sergiy", "sergii", "serguei", "serhij"),
    "yulia": ("yulia", "yuliia", "yuliya", "julia", "iuliia", "ioulia", "julija", "juliia"),
    "andrii": ("andrii", "andriy", "andrey", "andrei", "andrij"),
    "dmytro": ("dmytro", "dmitry", "dmitri", "dmitriy", "dmytriy"),
    "mykola": ("mykola", "nikolai", "nikolay", "mikola", "nicolai"),
    "oleksii": ("oleksii", "aleksei", "alexei", "alexey", "oleksiy", "oleksij", "aleksey"),
    "volodymyr": ("volodymyr", "vladimir", "wolodymyr", "volodimir"),
    "yurii": ("yurii", "yuri", "yuriy", "iurii", "yury", "jurij"),
    "natalia": ("natalia", "nataliia", "natalya", "nataliya", "natalija"),
    "iryna": ("iryna", "irina"),
    "tetiana": ("tetiana", "tatiana", "tetyana", "tatyana", "tatjana"),
    "kateryna": ("kateryna", "ekaterina", "yekaterina", "katerina"),
    "anastasia": ("anastasia", "anastasiia", "anastasiya", "anastasija"),
    "viktoria": ("viktoria", "viktoriia", "victoria", "viktoriya"),
    "maria": ("maria", "mariia", "mariya", "marija"),
    "mykhailo": ("mykhailo", "mikhail", "mychajlo", "mykhaylo"),
    # Ukrainian family names written several ways
    "melnyk": ("melnyk", "melnik", "melnick"),
    "boiko": ("boiko", "boyko"),
    "polishchuk": ("polishchuk", "polischuk", "polishuk"),
    # Vietnamese: accents are normalise's job; only true spelling variants here.
    "nguyen": ("nguyen", "nguyenn"),
}  # fmt: skip

# Spelling -> canonical key (built once from the table above).
CANONICAL: dict[str, str] = {
    spelling: key for key, spellings in VARIANT_GROUPS.items() for spelling in spellings
}

# Dropped from keys when the same name field (or query) has another word:
# "al Hassan" = "Hassan", "Van der Berg" -> "berg" (plus the glued form "vanderberg").
# Not particles: "le" (Vietnamese Lê), "abu" (Abu Bakr), "la" alone (Vietnamese Lã).
PARTICLES = frozenset(
    {
        "al", "el", "ul", "ud", "bin", "ibn", "bint", "binti", "van", "der", "den",
        "von", "de", "del", "della", "dela", "delos", "di", "da", "dos", "das", "du", "des",
        "y", "e", "la", "los", "las",
    }
)  # fmt: skip

# Words that pair with too many names to bound anything (Vietnamese "Thị" is the middle
# name of most women): they take part in ranking but not in pair or triple keys when the
# name has at least two other words.
WEAK = frozenset({"thi"})

# Glued "Abd" forms ("Abdulrahman", "Abdirahman", "Abdelkader") are split into "abd" + the
# rest, when the rest has at least 3 letters, so they meet "Abdul Rahman" / "Abd al-Rahman".
# Longest first; "abdi" only glued (Abdi alone is a Somali name, left untouched).
ABD_PREFIXES = ("abdoul", "abdul", "abdel", "abdal", "abdol", "abdur", "abdi", "abd")
_ABD_MIN_REST = 3

# Arabic article glued to a known name: "alhassan" -> "hassan" (only when the rest is in
# the table, so "alina", "elena", "alexander" are untouched).
ARTICLE_PREFIXES = ("al", "el", "ul")

# Words so frequent that a single-word key would return tens of thousands of rows: no
# single-word key is stored for them (a one-word search for them needs narrowing by date
# of birth, phone ...). Every canonical key of the table, plus frequent family names.
FREQUENT_FAMILY_NAMES = frozenset(
    {
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui",
        "do", "ho", "ngo", "duong", "ly", "wang", "li", "zhang", "liu", "chen", "yang",
        "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "lin", "singh", "kaur",
        "kumar", "khan", "patel", "shah", "sharma", "islam", "begum", "akter", "hossain",
        "garcia", "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "perez",
        "sanchez", "santos", "reyes", "cruz", "bautista", "ocampo", "mendoza", "martin",
        "bernard", "dubois", "shevchenko", "kovalenko", "bondarenko", "tkachenko",
        "kravchenko", "kovalchuk", "farah", "abdi", "warsame", "jama", "hersi", "ahmadi",
        "hosseini", "mohammadi", "rezaei", "karimi", "moradi",
    }
)  # fmt: skip
COMMON_TOKENS: frozenset[str] = frozenset(VARIANT_GROUPS) | FREQUENT_FAMILY_NAMES


def fold(word: str) -> str:
    """The canonical key of a normalised word (the word itself if it is in no group).

    A glued Arabic article before a known name is removed ("alhassan" -> "hassan").
    """
    if word in CANONICAL:
        return CANONICAL[word]
    for article in ARTICLE_PREFIXES:
        if word.startswith(article) and word[len(article) :] in CANONICAL:
            return CANONICAL[word[len(article) :]]
    return word


def split_abd(word: str) -> tuple[str, str] | None:
    """("abd", rest) for a glued Abd form ("abdulrahman" -> ("abd", "rahman")), else None.

    A word of the table ("abdullah", "abdul") is not split.
    """
    if word in CANONICAL:
        return None
    splits: list[str] = []
    for prefix in ABD_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= _ABD_MIN_REST:
            for article in ARTICLE_PREFIXES:  # "abdalrahman": the prefix took "abd"
                if rest.startswith(article) and rest[len(article) :] in CANONICAL:
                    rest = rest[len(article) :]
                    break
            splits.append(rest)
    if not splits:
        return None
    # Prefer the split whose rest is a known name ("abdirahman": abdi + rahman, not
    # abdir + ahman); else the longest prefix.
    known = [rest for rest in splits if rest in CANONICAL]
    return "abd", (known or splits)[0]

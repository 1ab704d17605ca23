from __future__ import annotations

import pytest

from reference import code_lists
from reference.icare import catalog

NAMES = (
    "gender",
    "language",
    "country",
    "immigration_status",
    "immigration_category",
    "education_level",
    "employment_status",
    "marital_status",
    "target_group",
    "identifier_type",
    "province",
)


@pytest.mark.parametrize("name", NAMES)
def test_every_list_loads(name: str) -> None:
    lst = code_lists.get(name)
    assert lst.name == name
    assert len(lst.values) >= 3
    assert len(set(lst.values)) == len(lst.values)
    assert all(isinstance(v, str) and v for v in lst.values)
    assert lst.allows(lst.values[0]) and not lst.allows("no such value")


def test_unknown_list() -> None:
    with pytest.raises(KeyError, match="no code list 'genders'"):
        code_lists.get("genders")
    with pytest.raises(KeyError):
        code_lists.get("_comment")
    assert set(NAMES) <= set(code_lists.names())


def test_language_is_icare_list_and_broad() -> None:
    lang = code_lists.get("language")
    # iCARE's own spellings: "Farsi (Persian)", "Tigrigna", "Kiswahili"/"Swahili".
    for v in (
        "English",
        "French",
        "Arabic",
        "Farsi (Persian)",
        "Dari",
        "Pashto",
        "Ukrainian",
        "Russian",
        "Mandarin",
        "Cantonese",
        "Vietnamese",
        "Spanish",
        "Somali",
        "Tigrigna",
        "Amharic",
        "Swahili",
        "Urdu",
        "Punjabi",
        "Hindi",
        "Bengali",
        "Tamil",
        "Tagalog",
        "Korean",
        "Turkish",
        "Kurdish",
        "Portuguese",
    ):
        assert lang.allows(v), v
    assert (
        lang.values
        == catalog.template("needs_assessment_referrals").field("assessment_language_id").values
    )
    assert len(lang) > 250


def test_lists_shared_with_icare_use_template_labels() -> None:
    cp = catalog.template("client_profile")
    assert code_lists.get("identifier_type").values == cp.field("client_validation_type_id").values
    province = code_lists.get("province")
    assert province.values == cp.field("province_id").values
    assert (
        province.allows("Québec") and province.allows("Nunavut") and not province.allows("Quebec")
    )
    assert len(province) == 13
    target = code_lists.get("target_group")
    assert target.allows("Refugees") and target.allows("Youth (15-24 yrs)")
    assert target.allows("Lesbian, Gay, Bisexual, Transgender, Queer (LGBTQ)")
    assert len(target) == 14
    employment = code_lists.get("employment_status")
    assert (
        employment.values
        == catalog.template("employment").field("session_employment_status_id").values
    )


def test_country_is_iso_3166() -> None:
    country = code_lists.get("country")
    assert len(country) == 249
    assert country.codes is not None and len(set(country.codes)) == 249
    for name, code in (
        ("Canada", "CA"),
        ("Afghanistan", "AF"),
        ("Syrian Arab Republic", "SY"),
        ("Ukraine", "UA"),
        ("Eritrea", "ER"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Viet Nam", "VN"),
        ("Congo (Democratic Republic of the)", "CD"),
    ):
        assert country.allows(name) and country.code(name) == code


def test_own_lists_have_key_values() -> None:
    status = code_lists.get("immigration_status")
    for v in (
        "Permanent Resident",
        "Protected Person",
        "Convention Refugee",
        "Temporary Resident",
        "Refugee Claimant",
        "Canadian Citizen",
    ):
        assert status.allows(v), v
    category = code_lists.get("immigration_category")
    for v in (
        "Economic",
        "Family",
        "Refugee: Government-Assisted",
        "Refugee: Privately Sponsored",
        "Refugee: Blended Visa Office-Referred",
    ):
        assert category.allows(v), v
    assert code_lists.get("gender").allows("Another gender (X)")
    assert code_lists.get("marital_status").allows("Common-law")
    assert code_lists.get("education_level").allows("Bachelor's degree")
    assert "Female" in code_lists.get("gender")

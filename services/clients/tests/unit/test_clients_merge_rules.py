"""The field-choice rule of a merge: the pick, else the survivor's, else the absorbed's."""

from typing import Any

from clients.merges import rules


def test_pick_follows_the_choice_then_the_survivor_then_the_absorbed() -> None:
    assert rules.pick("absorbed", False, False) == "absorbed"
    assert rules.pick("survivor", True, False) == "survivor"  # an explicit empty pick
    assert rules.pick(None, False, False) == "survivor"
    assert rules.pick(None, True, False) == "absorbed"
    assert rules.pick(None, True, True) == "survivor"


def test_empty_values() -> None:
    empties: list[Any] = [None, "", [], {}]
    assert all(rules.empty(v) for v in empties)
    assert not any(rules.empty(v) for v in (0, False, "x", ["a"]))


def _profile(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {c: None for cols in rules.FIELD_GROUPS.values() for c in cols}
    base.update(birth_date_estimated=False, phones=[], phone_keys=[], other_names=[])
    return base | values


def test_columns_move_in_groups_and_provenance_names_the_source() -> None:
    survivor = _profile(
        given_name="Olena",
        identifier_type="UCI",
        identifier_value="12345678",
        city="Toronto",
        phones=["416-555-0101"],
        phone_keys=["4165550101"],
    )
    absorbed = _profile(given_name="Elena", identifier_type="FOSS", identifier_value="87654321",
                        email="e@example.org", has_email=True, street_name="King",
                        phones=["647-555-0199"], phone_keys=["6475550199"],
                        birth_date="1990-01-01", birth_date_estimated=True)  # fmt: skip
    columns, sides = rules.merge_columns(
        survivor, absorbed, {"identifier": "absorbed", "phones": "survivor"}, "named"
    )
    assert (columns["identifier_type"], columns["identifier_value"]) == ("FOSS", "87654321")
    assert columns["given_name"] == "Olena" and sides["given_name"] == "survivor"
    assert columns["phones"] == ["416-555-0101"] and columns["phone_keys"] == ["4165550101"]
    # The survivor has an address (a city): the whole address stays its own.
    assert columns["city"] == "Toronto" and columns["street_name"] is None
    assert sides["address"] == "survivor"
    # Empty on the survivor: taken from the absorbed, with their companions.
    assert (columns["email"], columns["has_email"]) == ("e@example.org", True)
    assert columns["birth_date_estimated"] is True and sides["birth_date"] == "absorbed"
    assert sides["identifier"] == "absorbed"
    # Empty on both: no provenance, and anonymous-only fields are left alone.
    assert "gender" not in sides and "age_range" not in columns


def test_anonymous_survivors_decide_anonymous_fields_only() -> None:
    assert set(rules.mergeable_fields("anonymous")) == rules.ANONYMOUS_FIELDS
    assert rules.unknown_choices({"given_name": "absorbed"}, "anonymous") == ["given_name"]
    assert rules.unknown_choices({"answers.x": "absorbed", "email": "survivor"}, "named") == []
    assert rules.unknown_choices({"shoe_size": "absorbed"}, "named") == ["shoe_size"]


def test_answers_merge_by_key_with_the_same_rule() -> None:
    merged, sides = rules.merge_answers(
        {"source": "web", "size": None, "pets": True},
        {"source": "friend", "size": 4, "pets": False, "extra": ["a"]},
        {"answers.pets": "absorbed"},
    )
    assert merged == {"source": "web", "size": 4, "pets": False, "extra": ["a"]}
    assert sides == {
        "answers.source": "survivor",
        "answers.size": "absorbed",
        "answers.pets": "absorbed",
        "answers.extra": "absorbed",
    }


def test_programs_are_the_union_of_both_profiles_unless_a_side_is_picked() -> None:
    settle, employ, lang = "settle", "employ", "lang"
    survivor = _profile(program_ids=[settle, employ])
    absorbed = _profile(program_ids=[lang, settle])

    columns, sides = rules.merge_columns(survivor, absorbed, {}, "named")
    assert columns["program_ids"] == [settle, employ, lang]  # survivor's first, no repeats
    assert sides["program_ids"] == "survivor"

    picked, picked_sides = rules.merge_columns(
        survivor, absorbed, {"program_ids": "absorbed"}, "named"
    )
    assert picked["program_ids"] == [lang, settle]
    assert picked_sides["program_ids"] == "absorbed"

    # Only the absorbed profile has programs: they come from it; neither: nothing.
    only, only_sides = rules.merge_columns(_profile(program_ids=[]), absorbed, {}, "anonymous")
    assert only["program_ids"] == [lang, settle]
    assert only_sides["program_ids"] == "absorbed"
    none, none_sides = rules.merge_columns(_profile(), _profile(), {}, "named")
    assert none["program_ids"] == []
    assert "program_ids" not in none_sides

from kit.paging import page_of


def test_a_row_beyond_the_limit_means_a_next_page() -> None:
    assert page_of([1, 2, 3], 2, 10) == ([1, 2], 12)


def test_the_last_page_has_no_next_offset() -> None:
    assert page_of([1, 2], 2, 10) == ([1, 2], None)
    assert page_of([], 2, 0) == ([], None)

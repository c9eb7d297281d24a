import random

import pytest

from loa.core.text import fold, search_terms, sort_key

# Read off PostgreSQL's ICU collation "vi-VN-x-icu": the order Loa must reproduce on every database.
ICU_ORDER = [
    "(x)", "1", "10", "9", "a", "à", "ả", "ã", "á", "ạ", "an", "An", "AN", "An Bình", "Anh", "Ánh", "Ánh A",
    "Anh B", "ă", "ắ", "Ăn", "â", "ấ", "Ân", "b", "Bình", "Ca", "Cà", "Cả", "Cã", "Cá", "Cạ", "Ca b", "Ca-b",
    "Cab", "Cb", "d", "Dương", "đ", "Đinh", "e", "ê", "f", "j", "o", "ô", "ơ", "Truong", "Trường", "TRƯỜNG",
    "u", "ư", "w", "x y", "x.y", "y", "z",
]


def test_it_sorts_as_icu_vietnamese():
    shuffled = ICU_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == ICU_ORDER


def test_it_sorts_the_issue_example():
    names = ["Đinh", "Ân", "Dương", "Ăn", "Bình", "Ánh", "An"]
    assert sorted(names, key=sort_key) == ["An", "Ánh", "Ăn", "Ân", "Bình", "Dương", "Đinh"]


def test_python_sorted_gets_it_wrong_so_the_key_matters():
    assert sorted(["Đinh", "Dương", "Ăn", "Bình"]) != ["Ăn", "Bình", "Dương", "Đinh"]


@pytest.mark.parametrize(
    "text, folded",
    [("Công đoàn Trường", "cong doan truong"), ("ĐẠI HỌC  Đà Lạt", "dai hoc da lat"), ("Ưng Hoà", "ung hoa")],
)
def test_it_folds_accents_and_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_search_terms_are_folded_words():
    assert search_terms("  Cong  ĐOÀN ") == ["cong", "doan"]

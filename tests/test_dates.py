import pytest

from ingest.extract.dates import find_dates
from ingest.models import Sentence


def dates(text, published="2023-09-14"):
    found = find_dates([Sentence(0, 0, len(text), text)], published)
    for item in found:
        assert text[item.char_start : item.char_end] == item.surface
    return {d.surface: (d.date_start, d.date_end, d.granularity) for d in found}


@pytest.mark.parametrize(
    "text, surface, expected",
    [
        ("Kim tiba pada 12 September di Rusia.", "12 September", ("2023-09-12", "2023-09-12", "day")),
        ("Forum berlangsung 10-13 September.", "10-13 September", ("2023-09-10", "2023-09-13", "day")),
        ("Shoigu berkunjung Juli lalu.", "Juli lalu", ("2023-07-01", "2023-07-31", "month")),
        ("Surat dikirim Oktober lalu.", "Oktober lalu", ("2022-10-01", "2022-10-31", "month")),
        ("Gedung Putih mengatakan pekan lalu bahwa ...", "pekan lalu", ("2023-09-04", "2023-09-10", "week")),
        ("Pejabat itu berbicara pada hari Senin.", "pada hari Senin", ("2023-09-11", "2023-09-11", "day")),
        ("Senapan itu diperiksa pada Desember 2021.", "Desember 2021", ("2021-12-01", "2021-12-31", "month")),
        ("Kunjungan pertama sejak 2019.", "sejak 2019", ("2019-01-01", "2019-12-31", "year")),
        ("Dilansir Selasa (5/9/2023).", "5/9/2023", ("2023-09-05", "2023-09-05", "day")),
        ("Lavrov akan datang pada bulan Oktober.", "bulan Oktober", ("2023-10-01", "2023-10-31", "month")),
        ("Pemilu digelar tahun depan.", "tahun depan", ("2024-01-01", "2024-12-31", "year")),
    ],
)
def test_expressions_resolve_against_the_published_date(text, surface, expected):
    assert dates(text)[surface] == expected


def test_without_a_published_date_relative_dates_are_kept_unresolved():
    found = dates("Shoigu berkunjung Juli lalu dan pada 13 September 2023.", published=None)
    assert found["Juli lalu"] == (None, None, "month")
    assert found["13 September 2023"] == ("2023-09-13", "2023-09-13", "day")


def test_numbers_that_are_not_dates_are_left_alone():
    assert dates("Polri mengerahkan 1.679 personel dan 2019 kendaraan, 45/13/2023.") == {}

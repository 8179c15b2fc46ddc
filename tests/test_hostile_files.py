"""Hostile files and folders: a quoted CSV cell over the field limit that spans lines, and a
folder that cannot be listed. Made here, read by the real readers."""

import os
from contextlib import contextmanager

import pytest

from ingest.models import Document
from ingest.read.decoding import SourceError
from ingest.read.sources import find_files
from ingest.read.tabular import MAX_FIELD_BYTES, tabular_items

SENTENCES = (
    "Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Kosmodrom Vostochny. "
    "Pertemuan itu berlangsung selama empat jam, kata juru bicara Kremlin."
)


def test_a_quoted_cell_over_the_limit_costs_its_row_only(tmp_path):
    """Before: the reader started again inside the cell, so each of its lines was a row (an
    error line each, or a junk article), and the row after it was lost."""
    path = tmp_path / "export.csv"
    junk_line = f"Judul palsu,{SENTENCES}\n"
    junk = junk_line * (MAX_FIELD_BYTES // len(junk_line) + 100)
    with path.open("w", newline="") as out:
        out.write("title,body\n")
        out.write(f'Baik satu,"{SENTENCES}"\n')
        out.write(f'Terlalu panjang,"{junk}"\n')
        out.write(f'Baik dua,"{SENTENCES}\n\n{SENTENCES}"\n')
        out.write(f'Baik tiga,"{SENTENCES}"\r\n')
        out.write("Salah,satu,dua\n")
    found = list(tabular_items(path, "export.csv"))
    errors = [item for item in found if isinstance(item, SourceError)]
    last = 3 + junk.count("\n") + 5  # the cell's lines, its closing line, Baik dua's three, Baik tiga's
    assert [(e.line, e.reason) for e in errors] == [
        (3, f"field larger than field limit ({MAX_FIELD_BYTES})"),
        (last, "3 fields, the header has 2 (a stray delimiter or quote?)"),
    ]
    documents = [item for item in found if isinstance(item, Document)]
    assert [d.title for d in documents] == ["Baik satu", "Baik dua", "Baik tiga"]


@contextmanager
def as_nobody():
    """Without the right to read what others may not: root reads every folder, so a test run as
    root drops to `nobody` (effective uid only, given back after)."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def folder_with_a_locked_subfolder(tmp_path_factory):
    import tempfile

    top = tempfile.mkdtemp(prefix="newsarchive-hostile-")  # under /tmp: nobody must reach it
    os.chmod(top, 0o755)
    os.mkdir(f"{top}/terkunci")
    with open(f"{top}/terkunci/rahasia.txt", "w") as file:
        file.write(SENTENCES)
    os.chmod(f"{top}/terkunci", 0)
    with open(f"{top}/baik.txt", "w") as file:
        file.write(SENTENCES)
    os.chmod(f"{top}/baik.txt", 0o644)
    yield top
    os.chmod(f"{top}/terkunci", 0o755)
    import shutil

    shutil.rmtree(top)


def test_a_folder_that_cannot_be_listed_is_reported_and_the_rest_found(folder_with_a_locked_subfolder):
    """Before: `find_files` raised for the one folder, and the whole run was refused."""
    top = folder_with_a_locked_subfolder
    errors: list[str] = []
    with as_nobody():
        found = find_files([top], on_error=errors.append)
    assert [p.name for p in found] == ["baik.txt"]
    assert errors == [f"{top}/terkunci: cannot list folder (Permission denied)"]


def test_the_run_goes_on_without_the_folder(folder_with_a_locked_subfolder, tmp_path):
    """The whole pipeline: the folder reported as a failure (exit status 1), the other file in."""
    from ingest.pipeline import ingest_paths

    top = folder_with_a_locked_subfolder
    db = f"{top}/archive.db"
    ingest_paths([f"{top}/baik.txt"], f"{tmp_path}/warm.db")  # imports and data loaded as ourselves
    os.chmod(top, 0o777)  # nobody writes the archive here
    with as_nobody():
        summary = ingest_paths([top], db)
    assert summary.new == 1 and summary.failed == 1
    assert summary.errors == [f"{top}/terkunci: cannot list folder (Permission denied)"]

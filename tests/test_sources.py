import json
import pickle
from pathlib import Path

import pytest

from ingest.read.sources import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    SourceError,
    decode,
    find_files,
    read_documents,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read_one(path: Path):
    docs = read_documents(path)
    assert len(docs) == 1
    return docs[0]


# --- find_files ------------------------------------------------------------------------


def test_find_files_recurses_filters_sorts_and_deduplicates(tmp_path):
    for name in [
        "b.txt",
        "a.HTML",
        "sub/c.json",
        "sub/deeper/d.jsonl",
        "sub/e.htm",
        "notes.md",
        "image.png",
        ".hidden.txt",
        ".git/f.txt",
        "sub/.cache/g.txt",
    ]:
        write(tmp_path / name, "x")
    found = find_files([tmp_path, tmp_path / "b.txt", tmp_path / "sub"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.HTML",
        "b.txt",
        "sub/c.json",
        "sub/deeper/d.jsonl",
        "sub/e.htm",
    ]


def test_find_files_takes_a_single_path_and_explicit_hidden_file(tmp_path):
    hidden = write(tmp_path / ".draft.txt", "x")
    assert find_files(hidden) == [hidden]
    assert find_files(str(tmp_path)) == []


def test_find_files_missing_path_is_named(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(SourceError) as error:
        find_files([SEEDS, missing])
    assert str(error.value) == f"{missing}: no such file or directory"


def test_find_files_refuses_an_explicit_unsupported_file(tmp_path):
    with pytest.raises(SourceError, match="unsupported file type"):
        find_files([write(tmp_path / "report.pdf", "x")])


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".html", ".htm", ".json", ".jsonl", ".csv", ".tsv", ".warc", ".warc.gz"}


# --- plain text and decoding -----------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_each_seed_reads_as_one_document(seed, monkeypatch):
    monkeypatch.chdir(SEEDS.parent)
    doc = read_one(seed)
    expected = seed.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    assert doc.text == expected
    assert doc.source == f"seeds/{seed.name}"
    assert doc.format == "txt"
    assert (doc.title, doc.outlet, doc.published, doc.url, doc.language) == (None,) * 5


def test_seed_folder_finds_every_seed():
    assert [p.name for p in find_files([SEEDS])] == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_source_is_relative_to_cwd_else_absolute(tmp_path, monkeypatch):
    path = write(tmp_path / "in" / "a.txt", "Halo")
    monkeypatch.chdir(tmp_path)
    assert read_one(Path("in/a.txt")).source == "in/a.txt"
    assert read_one(Path("./in/../in/a.txt")).source == "in/a.txt"
    assert read_one(path).source == "in/a.txt"
    monkeypatch.chdir(tmp_path / "in")
    other = write(tmp_path / "out" / "b.txt", "Halo")
    assert read_one(other).source == other.as_posix()


@pytest.mark.parametrize(
    "data, text",
    [
        (b"\xef\xbb\xbfHalo dunia", "Halo dunia"),  # UTF-8 BOM
        ("\ufeffJakarta – “Halo”".encode("utf-16-le"), "Jakarta – “Halo”"),  # UTF-16 LE, BOM
        ("\ufeffJakarta – “Halo”".encode("utf-16-be"), "Jakarta – “Halo”"),  # UTF-16 BE, BOM
        ("Kim Jong Un tiba di Rusia.\r\n".encode("utf-16-le"), "Kim Jong Un tiba di Rusia.\n"),  # no BOM
        ("Kim Jong Un tiba di Rusia.".encode("utf-16-be"), "Kim Jong Un tiba di Rusia."),
        (b"\x93Halo\x94 kata Budi", "“Halo” kata Budi"),  # cp1252 quotes
        (b"Caf\xe9 di Jakarta", "Café di Jakarta"),  # Latin-1 é
        ("Café “UTF-8” dan ".encode() + b"\x93cp1252\x94", "Café “UTF-8” dan “cp1252”"),  # mixed
        (b"satu\r\ndua\rtiga\n", "satu\ndua\ntiga\n"),  # CRLF and CR
        ("Cafe\u0301".encode("utf-8"), "Café"),  # NFC
        ("a\u200bb \u200fc".encode("utf-8"), "a\u200bb \u200fc"),  # zero-width, RTL kept
    ],
)
def test_decode(data, text):
    assert decode(data, "x.txt") == text


def test_cp1252_undefined_byte_falls_back_to_latin1():
    assert decode(b"Harga naik " * 5 + b"\x81", "x.txt").endswith("naik \x81")


def test_text_file_with_bom_and_crlf(tmp_path):
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbfJudul\r\n\r\nIsi berita.\r\n")
    assert read_one(path).text == "Judul\n\nIsi berita.\n"


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "file is empty"),
        (b" \n\t\r\n  ", "file has no text (only whitespace)"),
        (b"\xef\xbb\xbf", "file has no text (only whitespace)"),
    ],
)
def test_empty_files_are_refused(tmp_path, content, reason):
    path = write(tmp_path / "a.txt", content)
    with pytest.raises(SourceError) as error:
        read_documents(path)
    assert str(error.value) == f"{path}: {reason}"


def test_binary_file_is_refused(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    path = write(tmp_path / "photo.txt", png + bytes(range(256)) * 4)
    with pytest.raises(SourceError, match=r"photo\.txt: looks like a binary file \(contains NUL bytes\)"):
        read_documents(path)


def test_control_characters_without_nul_mean_binary(tmp_path):
    path = write(tmp_path / "a.txt", bytes(range(1, 32)) * 10 + b"teks")
    with pytest.raises(SourceError, match="looks like a binary file"):
        read_documents(path)


def test_utf16_that_does_not_decode_is_refused(tmp_path):
    path = write(tmp_path / "a.txt", b"\xff\xfeH\x00i\x00\x00")  # odd length after the BOM
    with pytest.raises(SourceError, match="cannot decode as UTF-16"):
        read_documents(path)


def test_huge_file_is_refused_from_its_size_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: costs no disk, and is all NULs if read
    with pytest.raises(SourceError) as error:
        read_documents(path)
    # Read, it would be refused as binary (NULs); the size message proves it was not.
    assert str(error.value) == f"{path}: file is 50.0 MB, over the 20 MB limit"
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(SourceError, match=r"gone\.txt: cannot read file \(No such file"):
        read_documents(tmp_path / "gone.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(SourceError, match="not a regular file"):
        read_documents(folder)


def test_unsupported_suffix_is_refused(tmp_path):
    with pytest.raises(SourceError, match="unsupported file type"):
        read_documents(write(tmp_path / "a.xlsx", "x"))
    with pytest.raises(SourceError, match="unsupported file type"):
        read_documents(write(tmp_path / "a.txt.gz", "x"))  # .gz only as .warc.gz


def test_source_error_is_an_exception_that_pickles():
    error = pickle.loads(pickle.dumps(SourceError("a/b.txt", "file is empty")))
    assert isinstance(error, Exception)
    assert (error.path, error.reason, str(error)) == ("a/b.txt", "file is empty", "a/b.txt: file is empty")


# --- JSON and JSON Lines -------------------------------------------------------------


def test_json_list_of_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = [
        {
            "title": "Satu",
            "body": "Isi satu.",
            "url": "https://contoh.id/1",
            "published": "2023-09-05",
            "outlet": "Contoh",
            "language": "id",
            "byline": "Ani Rahmawati",
        },
        {
            "headline": "ignored",
            "text": "Isi dua.",
            "link": "https://contoh.id/2",
            "pubDate": 1694000000,
            "source": {"id": "kompas", "name": "Kompas.com"},
            "lang": "id",
        },
        {"content": ["Paragraf satu.", "Paragraf dua."], "date": "5/9/2023", "site": "Situs"},
    ]
    docs = read_documents(write(tmp_path / "batch.json", json.dumps(records)))
    assert [d.source for d in docs] == ["batch.json#1", "batch.json#2", "batch.json#3"]
    assert [d.url for d in docs] == ["https://contoh.id/1", "https://contoh.id/2", None]
    assert [d.text for d in docs] == ["Isi satu.", "Isi dua.", "Paragraf satu.\n\nParagraf dua."]
    assert [d.title for d in docs] == ["Satu", None, None]
    assert [d.published for d in docs] == ["2023-09-05", "1694000000", "5/9/2023"]
    assert [d.outlet for d in docs] == ["Contoh", "Kompas.com", "Situs"]
    assert [d.language for d in docs] == ["id", "id", None]
    assert [d.author for d in docs] == ["Ani Rahmawati", None, None]
    assert {d.format for d in docs} == {"json"}


def test_json_single_object_with_html_body(tmp_path):
    record = {"title": "Judul", "body": "<p>Paragraf <b>satu</b>.</p>\r\n<p>Paragraf dua.</p><script>x</script>"}
    [doc] = read_documents(write(tmp_path / "one.json", json.dumps(record)))
    assert doc.text == "Paragraf satu.\n\nParagraf dua."
    assert doc.source.endswith("one.json#1")


def test_json_falls_through_empty_keys(tmp_path):
    [doc] = read_documents(write(tmp_path / "a.json", json.dumps({"body": "  ", "text": "Isi.", "title": None})))
    assert (doc.text, doc.title) == ("Isi.", None)


def test_jsonl_records_skip_blank_lines(tmp_path):
    lines = [json.dumps({"text": "Satu.", "url": "https://contoh.id/1"}), "", json.dumps({"text": "Dua\u2028baris."})]
    docs = read_documents(write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n"))
    assert [d.source.rsplit("/", 1)[-1] for d in docs] == ["feed.jsonl#1", "feed.jsonl#2"]
    assert docs[1].text == "Dua\u2028baris."


def test_malformed_json_names_file_and_position(tmp_path):
    path = write(tmp_path / "bad.json", '[\n  {"body": "Isi."},\n  {"body": "Isi" "lagi"}\n]')
    with pytest.raises(SourceError) as error:
        read_documents(path)
    assert str(error.value).startswith(f"{path}: invalid JSON at line 3, column 18: Expecting ',' delimiter")


def test_malformed_jsonl_names_file_and_line(tmp_path):
    path = write(tmp_path / "bad.jsonl", '{"body": "Satu."}\n\n{"body": "Dua.",}\n')
    with pytest.raises(SourceError) as error:
        read_documents(path)
    assert str(error.value).startswith(f"{path}: line 3: invalid JSON at column ")


@pytest.mark.parametrize(
    "name, content, reason",
    [
        (
            "a.json",
            [{"body": "Isi."}, {"title": "Tanpa isi"}],
            "record 2: no article text (expected one of: body, text, content)",
        ),
        (
            "a.jsonl",
            [{"body": "Isi."}, {"title": "Tanpa isi"}],
            "line 2: no article text (expected one of: body, text, content)",
        ),
        ("a.json", [{"body": "Isi.", "title": {"id": 1}}], "record 1: 'title' should be text, not dict"),
        ("a.json", [{"body": True}], "record 1: 'body' should be text, not bool"),
        ("a.json", ["just a string"], "record 1: expected a JSON object, got str"),
        ("a.json", [], "the JSON list holds no records"),
        ("a.json", [{"body": "<p> </p><script>x</script>"}], "record 1: the HTML body holds no text"),
    ],
)
def test_bad_json_records_are_refused(tmp_path, name, content, reason):
    if name.endswith(".jsonl"):
        text = "\n".join(json.dumps(record) for record in content)
    else:
        text = json.dumps(content)
    path = write(tmp_path / name, text)
    with pytest.raises(SourceError) as error:
        read_documents(path)
    assert str(error.value) == f"{path}: {reason}"

"""ingest/store/passages.py: near-duplicate sentences across articles, near-copied articles, and how
they are served (canned query shared_passages, "also in N articles" on the article page)."""

import csv
import html
import io
import re
import shutil
import sqlite3

import pytest
from support import SEEDS, article_from_sentences, save

from ingest.pipeline import ingest_paths
from ingest.store import passages
from ingest.store.schema import open_database

WATSON_A = (
    "“Seperti yang telah kami peringatkan secara terbuka, perundingan senjata antara Rusia dan Korea "
    "Selatan terus mengalami kemajuan,” kata Watson."
)
WATSON_B = (
    "“Seperti yang telah kami peringatkan secara terbuka, perundingan senjata antara Rusia dan DPRK "
    "secara aktif mengalami kemajuan,” kata Juru Bicara Dewan Keamanan Nasional (NSC) Adrienne Watson, "
    "menggunakan akronim untuk Korea Utara."
)
UNRELATED = [
    "Presiden Rusia Vladimir Putin menyambut Kim Jong Un di Kosmodrom Vostochny pada hari Rabu.",
    "Harga beras di pasar tradisional Jakarta naik dua persen dibandingkan pekan lalu.",
    "Tim nasional Indonesia menang tipis atas Vietnam dalam laga persahabatan di Surabaya.",
    "Watson mengatakan bahwa Amerika mendesak Korea Utara untuk menghentikan negosiasi senjatanya dengan Rusia.",
]


# Units, shingles and signatures ----------------------------------------------------------------


def test_the_watson_quote_pair_is_found_and_unrelated_sentences_are_not(tmp_path):
    """Through the archive's own index: each text an article of its own, then one update."""
    db = open_database(str(tmp_path / "pairs.db"))
    texts = [WATSON_A, *UNRELATED, WATSON_B]
    for number, text in enumerate(texts):
        save(db, article_from_sentences(f"a{number}", f"Artikel {number}", [text], [], outlet=f"o{number}.id"))
    passages.update_passages(db)
    found = db.execute("""select a.text, b.text, p.similarity from passage_pairs p
                          join sentences a on a.id = p.sentence_a join sentences b on b.id = p.sentence_b""").fetchall()
    assert [set(pair[:2]) for pair in found] == [{WATSON_A, WATSON_B}]
    assert found[0][2] >= passages.THRESHOLD
    db.close()


def test_the_quotation_is_a_unit_of_its_own():
    units = passages.units(WATSON_B)
    assert len(units) == 2 and units[1].startswith("seperti yang telah") and units[1].endswith("kemajuan")
    assert passages.units("kata Watson.") == []  # too short to cluster


def test_signatures_estimate_jaccard():
    a, b = passages.shingles(passages.wording(WATSON_A)), passages.shingles(passages.wording(WATSON_B))
    sig_a, sig_b = passages.signature(a), passages.signature(b)
    estimate = sum(x == y for x, y in zip(sig_a, sig_b)) / passages.BINS
    assert abs(estimate - passages.jaccard(a, b)) < 0.2
    assert passages.signature(a) == sig_a and passages.bands(sig_a) == passages.bands(passages.signature(set(a)))
    assert all(0 <= band < 2**63 for band in passages.bands(sig_a))


def test_identical_sentences_share_every_band_and_a_small_edit_keeps_most():
    text = UNRELATED[0]
    assert passages.sentence_bands(text) == passages.sentence_bands(text)
    edited = text.replace("hari Rabu", "Rabu (13/9)")
    assert passages.sentence_bands(text) & passages.sentence_bands(edited)


# The seeds, as ingested ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(seeds_db):
    conn = sqlite3.connect(f"file:{seeds_db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def cluster_of(conn, like: str) -> int | None:
    row = conn.execute(
        """select pm.cluster_id from passage_members pm join sentences s on s.id = pm.sentence_id
                          where s.text like ?""",
        [like],
    ).fetchone()
    return row and row[0]


def test_seeds_watson_quotes_share_a_cluster(seeds):
    korea_selatan = cluster_of(seeds, "%Rusia dan Korea Selatan terus mengalami kemajuan%")
    dprk = cluster_of(seeds, "%Rusia dan DPRK secara aktif mengalami kemajuan%")
    assert korea_selatan is not None and korea_selatan == dprk
    sources = {
        r[0]
        for r in seeds.execute(
            "select a.source from passage_members pm join articles a on a.id = pm.article_id where pm.cluster_id = ?",
            [dprk],
        )
    }
    assert {re.search(r"(\d{3})_", s).group(1) for s in sources} == {"000", "002"}


def test_clusters_span_two_articles_and_their_counts_add_up(seeds):
    clusters = seeds.execute("select * from passage_clusters").fetchall()
    assert clusters
    for cluster in clusters:
        members = seeds.execute(
            """select pm.*, s.text from passage_members pm join sentences s on s.id = pm.sentence_id
               where cluster_id = ?""",
            [cluster["id"]],
        ).fetchall()
        assert cluster["articles"] >= 2 and cluster["sentences"] == len(members) >= 2
        assert cluster["articles"] == len({m["article_id"] for m in members})
        outlets = sorted({m["outlet"] for m in members if m["outlet"]})
        assert cluster["outlets"] == len(outlets) and cluster["outlet_names"] == "; ".join(outlets)
        assert cluster["earliest"] == min((m["published"] for m in members if m["published"]), default=None)
        assert cluster["id"] == min(m["sentence_id"] for m in members)
        assert cluster["sample"] in {m["text"] for m in members}


def test_unrelated_sentences_are_not_clustered(seeds):
    # Every verified pair is similar, from two articles; short sentences are never indexed.
    for pair in seeds.execute(
        """select p.similarity, a.text as a, b.text as b, a.article_id as article_a, b.article_id as article_b
               from passage_pairs p join sentences a on a.id = p.sentence_a join sentences b on b.id = p.sentence_b"""
    ):
        assert pair["similarity"] >= passages.THRESHOLD and pair["article_a"] != pair["article_b"]
        assert passages.similarity(
            passages.sentence_shingles(pair["a"]), passages.sentence_shingles(pair["b"])
        ) == pytest.approx(pair["similarity"], abs=1e-3)
    short = seeds.execute(
        "select count(*) from passage_bands b join sentences s on s.id = b.sentence_id where length(s.text) < ?",
        [passages.MIN_CHARS],
    ).fetchone()[0]
    assert short == 0
    assert seeds.execute("select count(*) from article_copies").fetchone()[0] == 0  # no seed copies another


# Copies, re-runs and edits ---------------------------------------------------------------------


def edited_copy(text: str) -> str:
    """A syndicated copy: a few words changed, one sentence added at the end."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if len(line) > 80:
            lines[i] = line.replace(" dan ", " serta ", 1)
    return "\n".join(lines) + "\nArtikel ini disadur dari kantor berita mitra.\n"


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copies")
    corpus = folder / "corpus"
    shutil.copytree(SEEDS, corpus)
    original = sorted(corpus.glob("001_*.txt"))[0]
    (corpus / "zz_copy_of_001.txt").write_text(edited_copy(original.read_text(encoding="utf-8")), encoding="utf-8")
    db_path = str(folder / "archive.db")
    summary = ingest_paths([str(corpus)], db_path)
    assert summary.failed == 0, summary.errors
    return corpus, db_path, original


def test_a_copied_article_is_flagged(copied):
    corpus, db_path, original = copied
    db = open_database(db_path)
    rows = db.execute("""select c.similarity, c.containment, a.source, b.source from article_copies c
                         join articles a on a.id = c.article_id join articles b on b.id = c.copy_of""").fetchall()
    db.close()
    assert len(rows) == 1
    similarity, containment, later, earlier = rows[0]
    assert {later.rsplit("/", 1)[-1], earlier.rsplit("/", 1)[-1]} == {original.name, "zz_copy_of_001.txt"}
    assert similarity >= passages.COPY_THRESHOLD and containment >= similarity


def test_rerun_indexes_nothing_and_an_edit_replaces_its_passages(copied):
    corpus, db_path, original = copied
    db = open_database(db_path)
    before = db.execute("select * from passage_clusters order by id").fetchall()
    assert passages.update_passages(db).indexed == 0
    assert db.execute("select * from passage_clusters order by id").fetchall() == before
    db.close()
    # The copy is rewritten into something else: its passages and the copy flag go.
    copy = corpus / "zz_copy_of_001.txt"
    copy.write_text(
        "Judul lain\n\nHarga beras di pasar tradisional Jakarta naik dua persen dibandingkan pekan "
        "lalu, kata pedagang di sana kepada wartawan.\n",
        encoding="utf-8",
    )
    summary = ingest_paths([str(corpus)], db_path)
    assert summary.updated == 1 and summary.failed == 0, summary.errors
    db = open_database(db_path)
    assert db.execute("select count(*) from article_copies").fetchone()[0] == 0
    orphans = db.execute("""select count(*) from passage_members pm left join sentences s on s.id = pm.sentence_id
                            where s.id is null""").fetchone()[0]
    stale = db.execute("select count(*) from passage_bands where sentence_id not in (select id from sentences)")
    assert orphans == 0 and stale.fetchone()[0] == 0
    db.close()


# Served ----------------------------------------------------------------------------------------


def test_shared_passages_json_and_csv_match_the_database(site, db_name, archive, metadata):
    statement = metadata["databases"]["archive"]["queries"]["shared_passages"]["sql"]
    expected = list(archive.query(statement, {"cluster": ""}))
    assert expected and {row["cluster_id"] for row in expected} == {
        r[0] for r in archive.execute("select id from passage_clusters")
    }
    rows = site.get(f"/{db_name}/shared_passages.json", params={"_shape": "array"}).json()
    assert rows == expected
    assert {"cluster_id", "sentences", "articles", "outlets", "earliest", "sample"} <= set(rows[0])
    one = site.get(
        f"/{db_name}/shared_passages.json", params={"cluster": expected[0]["cluster_id"], "_shape": "array"}
    ).json()
    assert one == [expected[0]]
    response = site.get(f"/{db_name}/shared_passages.csv")
    assert response.status_code == 200
    got = list(csv.DictReader(io.StringIO(response.text)))
    assert len(got) == len(expected) and list(got[0]) == list(expected[0])


def test_article_page_says_which_sentences_appear_elsewhere(site, db_name, archive):
    (article_id,) = archive.execute(
        "select article_id from passage_members group by article_id order by count(*) desc limit 1"
    ).fetchone()
    expected = {
        cluster_id: articles - 1
        for cluster_id, articles in archive.execute(
            """select c.id, c.articles from passage_members pm join passage_clusters c on c.id = pm.cluster_id
           where pm.article_id = ?""",
            [article_id],
        )
    }
    page = site.get(f"/article/{article_id}").text
    links = re.findall(
        r'<a class="shared-passage" data-cluster-id="(\d+)"[^>]*href="([^"]+)">also in (\d+) articles?</a>', page
    )
    assert {int(c): int(n) for c, _, n in links} == expected
    cluster_id, href, _ = links[0]
    assert href == f"/{db_name}/passage_members?cluster_id={cluster_id}"
    listing = site.get(href).text
    for (text,) in archive.execute(
        """select s.text from passage_members pm join sentences s on s.id = pm.sentence_id
                                      where pm.cluster_id = ?""",
        [int(cluster_id)],
    ):
        assert html.escape(text, quote=False) in listing


def test_article_without_shared_passages_has_no_marker(site, hostile):
    assert 'class="shared-passage"' not in site.get(f"/article/{hostile.id}").text


@pytest.mark.parametrize("step, bands_kept", [("_index_article", 0), ("_rebuild_clusters", 4)])
def test_an_interrupted_update_is_finished_by_the_next_one(tmp_path, monkeypatch, step, bands_kept):
    """Killed while indexing a chunk: the chunk is rolled back. Killed while summarising:
    the indexed chunk stays, and the summary is still owed."""

    db = open_database(str(tmp_path / "archive.db"))
    save(db, article_from_sentences("one", "Satu", [WATSON_A, UNRELATED[0]], [], outlet="a.id", published="2023-09-05"))
    save(db, article_from_sentences("two", "Dua", [UNRELATED[1], WATSON_B], [], outlet="b.id", published="2023-09-04"))
    assert passages.pending(db)

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(passages, step, crash)
    with pytest.raises(KeyboardInterrupt):
        passages.update_passages(db)
    assert db.execute("select count(distinct sentence_id) from passage_bands").fetchone()[0] == bands_kept
    assert passages.pending(db)
    monkeypatch.undo()
    summary = passages.update_passages(db)
    assert summary.clusters == 1 and not passages.pending(db)
    cluster = dict(
        zip(
            ["articles", "outlet_names", "earliest", "sample"],
            db.execute("select articles, outlet_names, earliest, sample from passage_clusters").fetchone(),
        )
    )
    assert cluster == {"articles": 2, "outlet_names": "a.id; b.id", "earliest": "2023-09-04", "sample": WATSON_B}
    db.close()


def test_passages_shortcut_redirects_to_the_canned_query(site, db_name):
    assert site.get("/passages").headers["location"] == f"/{db_name}/shared_passages"
    assert site.get("/passages?cluster=4").headers["location"] == f"/{db_name}/shared_passages?cluster=4"
    assert 'href="/passages"' in site.get("/").text and 'href="/network"' in site.get("/").text


PASSAGE_TABLES = ["passage_clusters", "passage_members", "passage_pairs", "passage_bands", "article_copies"]


@pytest.mark.parametrize("table", PASSAGE_TABLES)
def test_passage_tables_are_described_sortable_and_exported(site, db_name, archive, metadata, table):
    page = site.get(f"/{db_name}/{table}").text
    assert html.escape(metadata["databases"]["archive"]["tables"][table]["description"]) in page
    for column in archive[table].columns_dict:
        for sort in ["_sort", "_sort_desc"]:
            assert site.get(f"/{db_name}/{table}.json", params={sort: column}).status_code == 200, column
    response = site.get(f"/{db_name}/{table}.csv", params={"_stream": "on", "_size": "max"})
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == archive[table].count


# Growing clusters ------------------------------------------------------------------------------


def test_copies_join_the_cluster_without_adding_bands(tmp_path):
    """A word-for-word copy is paired with its twin by wording alone; a near-identical one
    (at REPRESENTED or more) is verified but adds no bands; an edited one adds its own."""

    db = open_database(str(tmp_path / "archive.db"))
    near = WATSON_A.replace("terus", "masih terus")
    save(db, article_from_sentences("one", "Satu", [WATSON_A, UNRELATED[0]], [], outlet="a.id"))
    save(db, article_from_sentences("two", "Dua", [WATSON_A.upper(), UNRELATED[1]], [], outlet="b.id"))
    save(db, article_from_sentences("three", "Tiga", [near], [], outlet="c.id"))
    save(db, article_from_sentences("four", "Empat", [WATSON_B], [], outlet="d.id"))
    assert (
        passages.similarity(passages.sentence_shingles(near), passages.sentence_shingles(WATSON_A))
        >= passages.REPRESENTED
    )
    passages.update_passages(db)
    banded = {
        text
        for (text,) in db.execute(
            "select distinct s.text from passage_bands b join sentences s on s.id = b.sentence_id"
        )
    }
    assert banded == {WATSON_A, UNRELATED[0], UNRELATED[1], WATSON_B}
    pairs = db.execute("""select sa.article_id, sb.article_id, p.similarity from passage_pairs p
                          join sentences sa on sa.id = p.sentence_a join sentences sb on sb.id = p.sentence_b
                          where sb.article_id = 'two'""").fetchall()
    assert pairs == [("one", "two", 1.0)]
    (cluster,) = db.execute("select articles, sentences from passage_clusters").fetchall()
    assert cluster == (4, 4)
    db.close()


def test_a_sentence_that_matches_two_clusters_merges_them(tmp_path):
    """X = P Q R and Y = Q R T are too different to cluster (Jaccard about 0.5); Z = P Q R T
    is close to both (about 0.75), so it ties their clusters into one."""

    p, q = "Menteri luar negeri kedua negara bertemu di Moskow", "untuk membahas kerja sama energi dan pangan"
    r, t = "serta latihan militer bersama di perairan Vladivostok", "yang dijadwalkan berlangsung pada bulan depan"
    x, y, z = f"{p} {q} {r}.", f"{q} {r} {t}.", f"{p} {q} {r} {t}."
    shingled = {name: passages.sentence_shingles(text) for name, text in {"x": x, "y": y, "z": z}.items()}
    assert passages.similarity(shingled["x"], shingled["y"]) < passages.THRESHOLD
    assert min(passages.similarity(shingled["z"], shingled[o]) for o in "xy") >= passages.THRESHOLD
    db = open_database(str(tmp_path / "archive.db"))
    save(db, article_from_sentences("one", "Satu", [x], [], outlet="a.id"))
    save(db, article_from_sentences("two", "Dua", [x.replace("pangan", "air")], [], outlet="b.id"))
    save(db, article_from_sentences("three", "Tiga", [y], [], outlet="c.id"))
    save(db, article_from_sentences("four", "Empat", [y.replace("pangan", "air")], [], outlet="d.id"))
    passages.update_passages(db)
    assert [row[0] for row in db.execute("select articles from passage_clusters")] == [2, 2]
    save(db, article_from_sentences("five", "Lima", [z], [], outlet="e.id"))
    passages.update_passages(db)
    smallest = db.execute("select min(id) from sentences").fetchone()[0]
    assert db.execute("select id, articles, sentences from passage_clusters").fetchall() == [(smallest, 5, 5)]
    assert {row[0] for row in db.execute("select cluster_id from passage_members")} == {smallest}
    db.close()


# Work bounded per sentence (issue 12) ------------------------------------------------------------


def _statements_of_update(db) -> int:
    statements = []
    db.conn.set_trace_callback(statements.append)
    passages.update_passages(db)
    db.conn.set_trace_callback(None)
    return len(statements)


@pytest.mark.parametrize("repeats", [10, 400])
def test_an_article_repeating_itself_costs_no_lookup_per_repeat(tmp_path, repeats):
    """A page that pastes the same paragraph again and again (a single 5 MB line of real
    sentences did not finish in 300 s when each repeat was looked up): the update runs the
    same statements whether the paragraph is there twice or 400 times."""

    paragraph = [WATSON_A, *UNRELATED]
    statements = {}
    for times in (2, repeats):
        db = open_database(str(tmp_path / f"archive-{times}.db"))
        save(db, article_from_sentences("one", "Satu", [WATSON_B, *UNRELATED[:2]], [], outlet="a.id"))
        passages.update_passages(db)
        save(db, article_from_sentences("two", "Dua", paragraph * times, [], outlet="b.id"))
        statements[times] = _statements_of_update(db)
        pairs = db.execute("select count(*) from passage_pairs").fetchone()[0]
        assert pairs == 3  # Watson's quote and the two shared unrelated sentences, once each
        db.close()
    assert statements[repeats] == statements[2]


@pytest.mark.slow  # thousands of sentences indexed
def test_each_sentence_is_verified_against_a_bounded_number_of_candidates(tmp_path, monkeypatch):
    """However many near twins the archive holds, a new sentence is compared with at most
    MAX_CANDIDATES of them, and its look-ups cost the same number of statements."""

    db = open_database(str(tmp_path / "archive.db"))
    for n in range(300):  # 300 outlets carry the quote, each with its own small edit
        save(db, article_from_sentences(f"a{n}", "Kutipan", [WATSON_A.replace("terus", f"terus {n}")], []))
    passages.update_passages(db)
    comparisons = []
    similarity = passages.similarity
    monkeypatch.setattr(passages, "similarity", lambda a, b: comparisons.append(1) or similarity(a, b))
    save(db, article_from_sentences("new", "Baru", [WATSON_B], []))
    first = _statements_of_update(db)
    assert 0 < len(comparisons) <= passages.MAX_CANDIDATES
    comparisons.clear()
    save(db, article_from_sentences("newer", "Lebih baru", [WATSON_A.replace("terus", "masih")], []))
    assert _statements_of_update(db) <= first + passages.LINKS * 4  # pairs and members it writes, nothing more
    assert 0 < len(comparisons) <= passages.MAX_CANDIDATES
    db.close()

"""Passages shared across outlets: near-duplicate sentences and near-copied articles.

How it works
------------
1. **Units.** Each sentence of at least `MIN_CHARS` characters is normalised (lower case,
   words only, single spaces). Its *units* are the whole sentence and, when it quotes
   something long enough, the longest quotation on its own: two outlets often carry the
   same quote with a different attribution around it ("...," kata Watson. / "...," kata Juru
   Bicara Dewan Keamanan Nasional (NSC) Adrienne Watson, ...).
2. **Shingles.** A unit is the set of its character 5-grams, each kept as its crc32 (stable
   across processes), so a small edit ("Korea Selatan" for "DPRK") only disturbs the few
   shingles around it.
3. **MinHash, one permutation.** Each shingle hash is mixed once; it picks one of `BINS`
   bins and the bin keeps its smallest value (one-permutation hashing, empty bins filled
   from the next non-empty one). Two units' signatures agree in a bin with probability
   about their Jaccard similarity.
4. **LSH.** The signature is cut into `BANDS` bands of `ROWS` values; each band is hashed
   to one 63-bit integer and stored in `passage_bands`. Sentences sharing a band are
   candidates: with 16 bands of 4 rows a pair at Jaccard 0.6 is found with probability
   0.89, at 0.7 with 0.99, at 0.3 only 0.12.
5. **Verification.** Candidates from other articles are checked exactly: the best Jaccard
   over the two sentences' units' shingle sets must reach `THRESHOLD` (0.6). Verified pairs
   go to `passage_pairs`; a new sentence keeps at most `LINKS` (3) pairs into each cluster,
   so a quote carried by 500 outlets costs about 1,500 pairs rather than 125,000.
6. **Only new wording is indexed.** A sentence whose normalised wording hashes the same as
   an earlier one in another article (`passage_wordings`) is paired with it at once, with no
   shingles or look-ups. A sentence that verifies at `REPRESENTED` (0.9) or more against an
   indexed sentence adds no bands: whatever would find it finds its twin, and through the
   twin its cluster. Wire copy carried by hundreds of outlets is indexed once, and a
   sentence its own article already holds word for word is not indexed again: an article
   that repeats a paragraph a thousand times costs a hash per repeat (docs/reliability.md).
7. **Clusters** grow as sentences arrive: a new sentence joins the cluster of what it
   matched, and clusters it ties together merge (`passage_members`, one row per clustered
   sentence). A cluster's id is its smallest sentence id; sentence ids are never reused
   (AUTOINCREMENT). `passage_clusters` summarises the clusters that span at least two
   articles. Clusters never split: when a re-written article removes the sentence that tied
   two groups together, they stay one cluster.
8. **Copies.** Each article's body gets its own MinHash signature over word 3-grams,
   banded the same way, in `article_bands`. Articles sharing at least two bands (at
   Jaccard 0.7 about 90% of pairs; the `MAX_ARTICLE_CANDIDATES` sharing most, among the
   first `BAND_ROWS_READ` band rows) are compared whole: Jaccard (and containment) of their word 3-gram sets; at `COPY_THRESHOLD` or more (or containment at `COPY_CONTAINMENT`) the later article is
   recorded in `article_copies` as a copy of the earlier one.

The tables (`passage_*`, `article_bands`, `article_copies`) are defined in `schema.py`; only
this module writes them.

Cost
----
Incremental and streamed: sentences whose id is above `passage_progress.last_sentence_id`
are read in chunks of `CHUNK` and each chunk is committed with the new mark, so memory stays
flat and an interrupted update is taken up by the next ingest. Per sentence: one indexed
look-up of its wording and, unless that finds a twin, one of its bands (at most
`BAND_ROWS_READ` rows) and at most `MAX_CANDIDATES` verifications. Per article: one look-up
of its article bands. On the benchmark corpus, where every sentence has hundreds of near
twins, this is about 12 ms an article (docs/benchmarks.md). The summary table is rebuilt in
SQL at the end of every update that indexed something (linear in clustered sentences: the
part that grows with the archive). Band rows of deleted sentences are swept (one scan of
`passage_bands`) after re-written articles. When nothing is new, `update_passages` reads
one row and returns.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass

from ingest.extract.lexicon import QUOTE_MARKS

SHINGLE = 5
BIN_BITS = 6
BINS = 1 << BIN_BITS  # 64
BANDS = 16
ROWS = BINS // BANDS
THRESHOLD = 0.6
REPRESENTED = 0.9
MIN_CHARS = 40  # shorter sentences ("kata Watson.") are never clustered
MIN_QUOTE_CHARS = 30
MAX_CANDIDATES = 200
BAND_ROWS_READ = 400  # band rows read per look-up, before grouping by sentence
MAX_ARTICLE_CANDIDATES = 10
CHUNK = 2000  # sentences read and committed at a time
SHINGLE_CACHE = 5000  # sentences whose shingle sets are kept between comparisons
LINKS = 3  # verified pairs kept between a new sentence and each cluster it joins
COPY_THRESHOLD = 0.7
COPY_CONTAINMENT = 0.9

WORD = re.compile(r"\w+")
QUOTE = re.compile(f"[{QUOTE_MARKS}]([^{QUOTE_MARKS}]+)[{QUOTE_MARKS}]")
EMPTY = (1 << 32) - 1


def wording(text: str) -> str:
    """A sentence as compared: lower case, words only, single spaces."""
    return " ".join(WORD.findall(text.lower()))


def units(text: str) -> list[str]:
    """The normalised sentence, and its longest quotation when it is long enough and not
    (nearly) the whole sentence."""
    if len(text) < MIN_CHARS:
        return []
    whole = wording(text)
    result = [whole] if len(whole) >= SHINGLE else []
    quotes = [wording(q) for q in QUOTE.findall(text)]
    quote = max(quotes, key=len, default="")
    if len(quote) >= MIN_QUOTE_CHARS and len(quote) < 0.9 * len(whole):
        result.append(quote)
    return result


def shingles(unit: str) -> frozenset[int]:
    """The crc32 of each character 5-gram. UTF-32 gives every character four bytes, so a
    5-gram is a 20-byte slice of one encoding."""
    data, crc32, width = unit.encode("utf-32-le"), zlib.crc32, 4 * SHINGLE
    return frozenset(crc32(data[i : i + width]) for i in range(0, len(data) - width + 4, 4))


def signature(shingle_set) -> list[int]:
    """One-permutation MinHash with `BINS` bins, empty bins filled from the next one.
    A shingle's hash is multiplied and xor-shifted to spread its bits."""
    bins = [EMPTY] * BINS
    for value in shingle_set:
        value = (value * 0x9E3779B1) & 0xFFFFFFFF
        value ^= value >> 16
        index, rest = value & (BINS - 1), value >> BIN_BITS
        if rest < bins[index]:
            bins[index] = rest
    filled = [i for i, value in enumerate(bins) if value != EMPTY]
    if filled and len(filled) < BINS:
        for i in range(BINS):
            if bins[i] == EMPTY:
                bins[i] = bins[next((k for k in filled if k > i), filled[0])]  # borrowed from the next bin
    return bins


def bands(sig: list[int], count: int = BANDS) -> list[int]:
    """One signed 63-bit integer per band, stable across processes and Python versions."""
    rows, result = BINS // count, []
    for band in range(count):
        values = sig[band * rows : (band + 1) * rows]
        digest = hashlib.blake2b(struct.pack(f"<I{rows}I", band, *values), digest_size=8).digest()
        result.append(int.from_bytes(digest, "little") >> 1)
    return result


def jaccard(a, b) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(units_a: list, units_b: list) -> float:
    """Best Jaccard over the two sentences' units."""
    return max((jaccard(a, b) for a in units_a for b in units_b), default=0.0)


def sentence_shingles(text: str) -> list[frozenset[int]]:
    return [shingles(unit) for unit in units(text)]


def sentence_bands(text: str) -> set[int]:
    return {band for unit in sentence_shingles(text) for band in bands(signature(unit))}


def word_shingles(text: str) -> frozenset[int]:
    """Each run of three words of the normalised text, as one 32-bit value mixed from the
    words' crc32s (stable across processes; one crc32 per word, not per run)."""
    crc32 = zlib.crc32
    h = [crc32(word.encode("utf-8")) for word in WORD.findall(text.lower())]
    if len(h) < 3:
        return frozenset([sum(h) & 0xFFFFFFFF]) if h else frozenset()
    return frozenset(((a * 0x9E3779B1) ^ (b * 0x85EBCA77) ^ c) & 0xFFFFFFFF for a, b, c in zip(h, h[1:], h[2:]))


def article_bands(body_shingles: frozenset[int]) -> list[int]:
    return bands(signature(body_shingles)) if body_shingles else []


# The archive ---------------------------------------------------------------------------------


@dataclass
class PassageSummary:
    indexed: int = 0  # sentences read in this run that are long enough to cluster
    pairs: int = 0  # new verified pairs
    clusters: int = 0
    copies: int = 0  # new copy pairs


def forget_article(conn, article_id: str) -> None:
    """Delete the article's own rows in this module's tables, inside the caller's transaction
    (`store.save_article` replacing it). Its sentences' passage rows go with the sentences
    (ON DELETE CASCADE) or are swept by `update_passages(force=True)`."""
    conn.execute("delete from article_bands where article_id = ?", [article_id])
    conn.execute("delete from article_copies where article_id = ? or copy_of = ?", [article_id, article_id])


def _progress(conn) -> tuple[int, bool]:
    row = conn.execute("select last_sentence_id, clusters_built from passage_progress where id = 1").fetchone()
    return (row[0], bool(row[1])) if row else (0, True)


def _set_progress(conn, last_sentence_id: int, clusters_built: bool) -> None:
    conn.execute(
        "insert or replace into passage_progress (id, last_sentence_id, clusters_built) values (1, ?, ?)",
        [last_sentence_id, int(clusters_built)],
    )


def pending(db) -> bool:
    """Whether any sentence is not indexed yet (new or re-written articles, or an earlier
    update that was interrupted), or the cluster summary is not rebuilt since."""
    mark, built = _progress(db.conn)
    return (
        not built or db.conn.execute("select exists (select 1 from sentences where id > ?)", [mark]).fetchone()[0] == 1
    )


def update_passages(db, force: bool = False) -> PassageSummary:
    """Index the sentences not yet indexed, chunk by chunk (each chunk one transaction with
    the new mark), then rebuild the cluster summary. Nothing happens when every sentence is
    indexed and the summary is built, unless `force` (after articles were re-written: their
    old sentences' bands are dropped and the summary recounted)."""
    conn, summary = db.conn, PassageSummary()
    if not force and not pending(db):
        return summary
    if force:
        with conn:
            conn.execute("delete from passage_bands where sentence_id not in (select id from sentences)")
    cache: dict[int, list[frozenset[int]]] = {}
    while True:
        mark, _ = _progress(conn)
        chunk = conn.execute(
            """select s.id, s.article_id, s.text from sentences s where s.id > ?
                                order by s.id limit ?""",
            [mark, CHUNK],
        ).fetchall()
        if not chunk:
            break
        # Whole articles only: the rest of the last article's sentences join this chunk.
        chunk += conn.execute(
            "select id, article_id, text from sentences where article_id = ? and id > ? order by id",
            [chunk[-1][1], chunk[-1][0]],
        ).fetchall()
        with conn:
            repeats: dict[str, set[int]] = {}  # article -> wordings of its sentences indexed so far
            for sentence_id, article_id, text in chunk:
                _index_sentence(
                    conn, sentence_id, article_id, text, cache, summary, repeats.setdefault(article_id, set())
                )
            for article_id in dict.fromkeys(row[1] for row in chunk):
                summary.copies += _index_article(conn, article_id)
            _set_progress(conn, chunk[-1][0], clusters_built=False)
    with conn:
        summary.clusters = _rebuild_clusters(conn)
        _set_progress(conn, _progress(conn)[0], clusters_built=True)
    return summary


def _index_sentence(
    conn, sentence_id: int, article_id: str, text: str, cache: dict, summary: PassageSummary, seen: set[int]
) -> None:
    """Index one sentence. `seen` holds the wordings of the sentences of its article indexed
    before it: a sentence its own article already holds word for word is left out, so an
    article that repeats itself (a page of one paragraph pasted a thousand times) costs one
    look-up per repeat instead of a full look-up that finds only its own copies."""
    if len(text) < MIN_CHARS:
        return
    summary.indexed += 1
    wording = _wording_hash(text)
    if wording in seen:
        return
    seen.add(wording)
    if _join_exact_twin(conn, sentence_id, article_id, wording, summary):
        return
    own = sentence_shingles(text)
    if not own:
        return
    if len(cache) > SHINGLE_CACHE:  # keep memory flat as the archive grows
        cache.clear()
    cache[sentence_id] = own
    keys = list({band for unit in own for band in bands(signature(unit))})
    candidates = _candidates(conn, keys, article_id)
    links: dict[int, int] = {}  # cluster (a lone sentence is its own) -> pairs kept
    members: dict[int, bool] = {}  # cluster -> whether it has member rows already
    best = 0.0
    for other_id, other_text, cluster_id in candidates:
        cluster = cluster_id if cluster_id is not None else other_id
        if links.get(cluster, 0) >= LINKS:
            continue  # already tied to this cluster LINKS times: no need to compare more
        if other_id not in cache:
            cache[other_id] = sentence_shingles(other_text)
        score = similarity(own, cache[other_id])
        if score < THRESHOLD:
            continue
        best = max(best, score)
        links[cluster] = links.get(cluster, 0) + 1
        members[cluster] = cluster_id is not None
        _add_pair(conn, sentence_id, other_id, score, summary)
    if links:
        _join(conn, sentence_id, members)
    if best < REPRESENTED:
        conn.executemany(
            "insert or ignore into passage_bands (band, sentence_id) values (?, ?)",
            [(band, sentence_id) for band in keys],
        )
    conn.execute("insert or replace into passage_wordings (hash, sentence_id) values (?, ?)", [wording, sentence_id])


def _wording_hash(text: str) -> int:
    digest = hashlib.blake2b(wording(text).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def _join_exact_twin(conn, sentence_id: int, article_id: str, wording: int, summary: PassageSummary) -> bool:
    """The fast path for word-for-word copies: an earlier sentence of another article with
    the same normalised wording is the one pair needed (similarity 1), with no shingles,
    bands or verification. False when there is no such sentence (or it was deleted)."""
    twin = conn.execute(
        """select w.sentence_id, m.cluster_id from passage_wordings w
                           join sentences s on s.id = w.sentence_id
                           left join passage_members m on m.sentence_id = w.sentence_id
                           where w.hash = ? and s.article_id != ?""",
        [wording, article_id],
    ).fetchone()
    if twin is None:
        return False
    other_id, cluster_id = twin
    _add_pair(conn, sentence_id, other_id, 1.0, summary)
    _join(conn, sentence_id, {other_id if cluster_id is None else cluster_id: cluster_id is not None})
    return True


def _candidates(conn, keys: list[int], article_id: str) -> list[tuple[int, str, int | None]]:
    """(sentence id, text, cluster id or None) of the sentences sharing a band with `keys`,
    from other articles, those sharing most bands first: at most `LINKS` + 2 per cluster
    (the rest could only add pairs the cluster does not need) and `MAX_CANDIDATES` in all.

    Band rows are read before texts, and bounded: wire copy indexed hundreds of times must
    not make every look-up read all its copies. Rows of deleted sentences drop out here."""
    hits = conn.execute(
        f"""select h.sentence_id, m.cluster_id from (
                select sentence_id, count(*) as shared from (
                    select sentence_id from passage_bands where band in ({",".join("?" * len(keys))}) limit ?)
                group by sentence_id) h
            left join passage_members m on m.sentence_id = h.sentence_id
            order by h.shared desc, h.sentence_id""",
        [*keys, BAND_ROWS_READ],
    ).fetchall()
    per_cluster: dict[int, int] = {}
    chosen: dict[int, int | None] = {}
    for sentence_id, cluster_id in hits:
        cluster = sentence_id if cluster_id is None else cluster_id
        if per_cluster.get(cluster, 0) < LINKS + 2 and len(chosen) < MAX_CANDIDATES:
            per_cluster[cluster] = per_cluster.get(cluster, 0) + 1
            chosen[sentence_id] = cluster_id
    if not chosen:
        return []
    texts = dict(
        (row[0], row[1:])
        for row in conn.execute(
            f"select id, article_id, text from sentences where id in ({','.join('?' * len(chosen))})", list(chosen)
        )
    )
    return [
        (sentence_id, texts[sentence_id][1], cluster_id)
        for sentence_id, cluster_id in chosen.items()
        if sentence_id in texts and texts[sentence_id][0] != article_id
    ]


def _add_pair(conn, a: int, b: int, score: float, summary: PassageSummary) -> None:
    conn.execute(
        "insert or ignore into passage_pairs (sentence_a, sentence_b, similarity) values (?, ?, ?)",
        [min(a, b), max(a, b), round(score, 4)],
    )
    summary.pairs += 1


def _join(conn, sentence_id: int, clusters: dict[int, bool]) -> None:
    """Put the sentence, and the lone sentences it matched, into one cluster with the
    clusters it matched; its id is the smallest of theirs."""
    target = min(clusters)
    for cluster, has_members in clusters.items():
        if has_members:
            if cluster != target:
                conn.execute("update passage_members set cluster_id = ? where cluster_id = ?", [target, cluster])
        else:
            _add_member(conn, cluster, target)
    _add_member(conn, sentence_id, target)


def _add_member(conn, sentence_id: int, cluster_id: int) -> None:
    conn.execute(
        """insert or replace into passage_members (sentence_id, cluster_id, article_id, outlet, published)
                    select s.id, ?, s.article_id, a.outlet, a.published from sentences s
                    join articles a on a.id = s.article_id where s.id = ?""",
        [cluster_id, sentence_id],
    )


def _index_article(conn, article_id: str) -> int:
    """Band the article's body, compare it with the articles sharing a band, record copies.
    The number of copy pairs recorded."""
    body, published = conn.execute("select body, published from articles where id = ?", [article_id]).fetchone()
    own = word_shingles(body)
    keys = article_bands(own)
    if not keys:
        return 0
    candidates = conn.execute(
        f"""select h.article_id, a.body, a.published from (
                select article_id, count(*) as shared from (
                    select article_id from article_bands where band in ({",".join("?" * len(keys))}) limit ?)
                where article_id != ? group by article_id having shared >= 2) h
            join articles a on a.id = h.article_id
            order by h.shared desc, h.article_id limit ?""",
        [*keys, BAND_ROWS_READ, article_id, MAX_ARTICLE_CANDIDATES],
    ).fetchall()
    conn.executemany(
        "insert or ignore into article_bands (band, article_id) values (?, ?)", [(band, article_id) for band in keys]
    )
    found = 0
    for other_id, other_body, other_published in candidates:
        theirs = word_shingles(other_body)
        score = jaccard(own, theirs)
        containment = len(own & theirs) / min(len(own), len(theirs)) if theirs else 0.0
        if score >= COPY_THRESHOLD or containment >= COPY_CONTAINMENT:
            earlier, later = sorted([(published or "9999", article_id), (other_published or "9999", other_id)])
            conn.execute(
                """insert or replace into article_copies (article_id, copy_of, similarity, containment,
                            shared_sentences) values (?, ?, ?, ?, ?)""",
                [
                    later[1],
                    earlier[1],
                    round(score, 4),
                    round(containment, 4),
                    _shared_sentences(conn, article_id, other_id),
                ],
            )
            found += 1
    return found


def _shared_sentences(conn, a: str, b: str) -> int:
    """How many sentences of the shorter article have a near-duplicate in the other."""
    texts = {
        article: [
            sentence_shingles(t) for (t,) in conn.execute("select text from sentences where article_id = ?", [article])
        ]
        for article in (a, b)
    }
    shorter, longer = sorted(texts.values(), key=len)
    return sum(1 for mine in shorter if mine and any(similarity(mine, theirs) >= THRESHOLD for theirs in longer))


def _rebuild_clusters(conn) -> int:
    """Drop members of clusters that no longer span two articles, then rewrite
    `passage_clusters` from `passage_members`. The number of clusters."""
    conn.execute("""delete from passage_members where cluster_id in (
                        select cluster_id from passage_members group by cluster_id
                        having count(distinct article_id) < 2)""")
    conn.execute("delete from passage_clusters")
    conn.execute("""
        insert into passage_clusters (id, sentences, articles, outlets, outlet_names, earliest,
                                      sample_sentence_id, sample)
        select c.cluster_id, c.sentences, c.articles, c.outlets,
               coalesce((select group_concat(outlet, '; ') from (
                   select distinct outlet from passage_members
                   where cluster_id = c.cluster_id and outlet is not null order by outlet)), ''),
               c.earliest, c.sample_id, (select text from sentences where id = c.sample_id)
        from (
            select cluster_id, count(*) as sentences, count(distinct article_id) as articles,
                   count(distinct outlet) as outlets, min(published) as earliest,
                   (select sentence_id from passage_members m2 where m2.cluster_id = m.cluster_id
                    order by coalesce(m2.published, '9999'), m2.sentence_id limit 1) as sample_id
            from passage_members m group by cluster_id
        ) c""")
    return conn.execute("select count(*) from passage_clusters").fetchone()[0]

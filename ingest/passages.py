"""Passages shared across outlets: near-duplicate sentences and near-copied articles.

How it works
------------
1. **Units.** Each sentence of at least `MIN_CHARS` characters is normalised (lower case,
   words only, single spaces). Its *units* are the whole sentence and, when it quotes
   something long enough, the longest quotation on its own: two outlets often carry the
   same quote with a different attribution around it ("...," kata Watson. / "...," kata Juru
   Bicara Dewan Keamanan Nasional (NSC) Adrienne Watson, ...).
2. **Shingles.** A unit is the set of its character 5-grams, so a small edit ("Korea
   Selatan" for "DPRK") only disturbs the few shingles around it.
3. **MinHash, one permutation.** Each shingle is hashed once (crc32, then mixed); the hash
   picks one of `BINS` bins and the bin keeps its smallest value (one-permutation hashing,
   empty bins filled from the next non-empty one). Two units' signatures agree in a bin
   with probability about their Jaccard similarity.
4. **LSH.** The signature is cut into `BANDS` bands of `ROWS` values; each band is hashed
   to one 63-bit integer and stored in `passage_bands` (indexed). Sentences sharing a band
   are candidates: with 16 bands of 4 rows a pair at Jaccard 0.6 is found with probability
   0.89, at 0.7 with 0.99, at 0.3 only 0.12.
5. **Verification.** Candidates from other articles are checked exactly: the best Jaccard
   over the two sentences' units' shingle sets must reach `THRESHOLD` (0.6). Verified pairs
   go to `passage_pairs`; a new sentence keeps at most `LINKS` (3) pairs into each existing
   cluster and skips the cluster's other members, so a quote carried by 500 outlets costs
   about 1,500 pairs rather than 125,000, and a cluster does not fall apart when one of its
   articles is re-written.
6. **Clusters** are the connected components of `passage_pairs` (union-find): every
   cluster spans at least two articles. A cluster's id is its smallest sentence id.
7. **Copies.** Article pairs sharing near-duplicate sentences for at least half of the
   shorter article are compared whole: Jaccard (and containment) of their bodies' word
   3-gram sets; at `COPY_THRESHOLD` or more (or containment at `COPY_CONTAINMENT`) the
   later article is recorded in `article_copies` as a copy of the earlier one.

Cost
----
Incremental. Only sentences without bands (new or re-written articles; rows of deleted
sentences go by ON DELETE CASCADE; a sentence too short to cluster gets one `SKIPPED` row) are
shingled and hashed, in pure Python: measured about 0.5 ms per sentence all told (hashing,
the indexed band look-ups, verification, writes), i.e. ~10 s per 1,000 articles of 20
sentences, ~20 min to index 100k articles from scratch. Each indexed sentence stores up to
16 band rows per unit (about 1.2 kB per sentence with the index: ~3 GB for 2.5 M sentences;
fewer bands or a `MIN_CHARS` rise would shrink it). Candidate look-up is one indexed query
per sentence; verification is proportional to the candidates found (at most `MAX_CANDIDATES`).
Rebuilding clusters and copies reads `passage_pairs` once (linear in pairs, which are at most
`LINKS` per sentence and cluster) and rewrites `passage_clusters`, `passage_members` and
`article_copies`; bodies are read only for the few article pairs that share at least half
of the shorter one's sentences. When every sentence is indexed, `update_passages` costs one
anti-join over the sentence ids (~25 ms for 40k sentences) and does nothing else.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from itertools import combinations

from .store import replace_passages

SHINGLE = 5
BIN_BITS = 6
BINS = 1 << BIN_BITS  # 64
BANDS = 16
ROWS = BINS // BANDS
THRESHOLD = 0.6
MIN_CHARS = 40  # shorter sentences ("kata Watson.") are never clustered
MIN_QUOTE_CHARS = 30
MAX_CANDIDATES = 200
SHINGLE_CACHE = 20_000  # sentences whose shingle sets are kept between comparisons
LINKS = 3  # verified pairs kept between a new sentence and each cluster it joins
COPY_THRESHOLD = 0.7
COPY_CONTAINMENT = 0.9
COPY_SHARED = 0.5  # share of the shorter article's sentences that must have a twin

WORD = re.compile(r"\w+")
QUOTE = re.compile(r"[\"“”„«»]([^\"“”„«»]+)[\"“”„«»]")
EMPTY = (1 << 32) - 1


def normalise(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def units(text: str) -> list[str]:
    """The normalised sentence, and its longest quotation when it is long enough and not
    (nearly) the whole sentence."""
    if len(text) < MIN_CHARS:
        return []
    whole = normalise(text)
    result = [whole] if len(whole) >= SHINGLE else []
    quotes = [normalise(q) for q in QUOTE.findall(text)]
    quote = max(quotes, key=len, default="")
    if len(quote) >= MIN_QUOTE_CHARS and len(quote) < 0.9 * len(whole):
        result.append(quote)
    return result


def shingles(unit: str) -> set[str]:
    return {unit[i:i + SHINGLE] for i in range(len(unit) - SHINGLE + 1)}


def signature(shingle_set: set[str]) -> list[int]:
    """One-permutation MinHash with `BINS` bins, empty bins filled from the next one.
    A shingle's hash is crc32, multiplied and xor-shifted to spread its bits."""
    bins = [EMPTY] * BINS
    crc32 = zlib.crc32
    for shingle in shingle_set:
        value = (crc32(shingle.encode("utf-8")) * 0x9E3779B1) & 0xFFFFFFFF
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


def bands(sig: list[int]) -> list[int]:
    """One signed 63-bit integer per band, stable across processes and Python versions."""
    result = []
    for band in range(BANDS):
        values = sig[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<I{ROWS}I", band, *values), digest_size=8).digest()
        result.append(int.from_bytes(digest, "little") >> 1)
    return result


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def similarity(units_a: list[set[str]], units_b: list[set[str]]) -> float:
    """Best Jaccard over the two sentences' units."""
    return max((jaccard(a, b) for a in units_a for b in units_b), default=0.0)


def sentence_shingles(text: str) -> list[set[str]]:
    return [shingles(unit) for unit in units(text)]


def sentence_bands(text: str) -> set[int]:
    return {band for unit in sentence_shingles(text) for band in bands(signature(unit))}


def word_shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + size]) for i in range(max(len(words) - size + 1, 1))} if words else set()


# The archive ---------------------------------------------------------------------------------


@dataclass
class PassageSummary:
    indexed: int = 0  # sentences shingled in this run
    pairs: int = 0  # new verified pairs
    clusters: int = 0
    copies: int = 0


SKIPPED = -1  # the band recorded for a sentence too short to cluster: indexed, never looked up


class _Forest:
    """Union-find over sentence ids."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def pending(db) -> bool:
    """Whether any sentence is not indexed yet (new or re-written articles, or an earlier
    update that was interrupted). One indexed anti-join that stops at the first hit."""
    return db.execute("""select exists (select 1 from sentences s
                         where not exists (select 1 from passage_bands b where b.sentence_id = s.id))""").fetchone()[0] == 1


def update_passages(db, force: bool = False) -> PassageSummary:
    """Index the sentences not yet indexed, verify their candidates, rebuild the clusters
    and the copies, all in one transaction (an interrupted update leaves the sentences
    unindexed, so the next ingest does it). Nothing happens when every sentence is indexed,
    unless `force`."""
    conn, summary = db.conn, PassageSummary()
    if not force and not pending(db):
        return summary
    try:
        new = conn.execute("""select s.id, s.article_id, s.text from sentences s
                              where not exists (select 1 from passage_bands b where b.sentence_id = s.id)""").fetchall()
        cache: dict[int, list[set[str]]] = {}
        forest = _Forest()
        for a, b in conn.execute("select sentence_a, sentence_b from passage_pairs"):
            forest.union(a, b)
        own_sentences: dict[str, set[int]] = {}
        for sentence_id, article_id, text in new:
            if len(cache) > SHINGLE_CACHE:  # shingle sets are large: keep memory flat as the archive grows
                cache.clear()
            cache[sentence_id] = sentence_shingles(text)
            keys = {band for unit in cache[sentence_id] for band in bands(signature(unit))}
            if not keys:
                conn.execute("insert or ignore into passage_bands (band, sentence_id) values (?, ?)",
                             [SKIPPED, sentence_id])
                continue
            summary.indexed += 1
            marks = ",".join("?" * len(keys))
            # Bounded before filtering: a sentence repeated many times in one article must not
            # make every look-up scan all its copies.
            found = conn.execute(f"select distinct sentence_id from passage_bands where band in ({marks}) limit ?",
                                 [*keys, MAX_CANDIDATES * 5]).fetchall()
            own = _article_sentences(conn, article_id, own_sentences)
            candidates = [row for row in found if row[0] not in own][:MAX_CANDIDATES]
            links: dict[int, int] = {}  # cluster (root before this sentence) -> pairs kept
            for (other_id,) in candidates:
                root = forest.find(other_id)
                if links.get(root, 0) >= LINKS:
                    continue  # already tied to this cluster LINKS times: no need to compare more
                if other_id not in cache:  # texts are read only for the candidates actually compared
                    (other_text,) = conn.execute("select text from sentences where id = ?", [other_id]).fetchone()
                    cache[other_id] = sentence_shingles(other_text)
                score = similarity(cache[sentence_id], cache[other_id])
                if score >= THRESHOLD:
                    links[root] = links.get(root, 0) + 1
                    conn.execute("insert or ignore into passage_pairs (sentence_a, sentence_b, similarity) "
                                 "values (?, ?, ?)", [min(sentence_id, other_id), max(sentence_id, other_id),
                                                      round(score, 4)])
                    summary.pairs += 1
            for root in links:
                forest.union(sentence_id, root)
            conn.executemany("insert or ignore into passage_bands (band, sentence_id) values (?, ?)",
                             [(band, sentence_id) for band in keys])
        clusters, members = _clusters(conn)
        copies = _copies(conn)
        replace_passages(db, clusters, members, copies)  # commits everything above
    except BaseException:
        conn.rollback()
        raise
    summary.clusters, summary.copies = len(clusters), len(copies)
    return summary


def _article_sentences(conn, article_id: str, cache: dict[str, set[int]]) -> set[int]:
    """The ids of an article's sentences (kept for the article being indexed only)."""
    if article_id not in cache:
        cache.clear()
        cache[article_id] = {row[0] for row in conn.execute("select id from sentences where article_id = ?",
                                                            [article_id])}
    return cache[article_id]


def _clusters(conn):
    forest = _Forest()
    for a, b in conn.execute("select sentence_a, sentence_b from passage_pairs"):
        forest.union(a, b)
    groups: dict[int, list[int]] = {}
    for sentence_id in list(forest.parent):
        groups.setdefault(forest.find(sentence_id), []).append(sentence_id)
    parent = forest.parent
    info = {}
    ids = list(parent)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in conn.execute(
                f"""select s.id, s.article_id, a.outlet, a.published, s.text from sentences s
                    join articles a on a.id = s.article_id where s.id in ({",".join("?" * len(chunk))})""", chunk):
            info[row[0]] = row[1:]
    clusters, members = [], []
    for sentence_ids in groups.values():
        sentence_ids = sorted(i for i in sentence_ids if i in info)
        articles = {info[i][0] for i in sentence_ids}
        if len(articles) < 2:
            continue
        cluster_id = sentence_ids[0]
        outlets = sorted({info[i][1] for i in sentence_ids if info[i][1]})
        dates = sorted(info[i][2] for i in sentence_ids if info[i][2])
        earliest = dates[0] if dates else None
        # The sample: the earliest published sentence, the first ingested among equals.
        sample = min(sentence_ids, key=lambda i: (info[i][2] or "9999", i))
        clusters.append((cluster_id, len(sentence_ids), len(articles), len(outlets), "; ".join(outlets),
                         earliest, sample, info[sample][3]))
        members += [(cluster_id, i, info[i][0], info[i][1], info[i][2]) for i in sentence_ids]
    return clusters, members


def _copies(conn):
    """(article_id, copy_of, similarity, containment, shared_sentences): copy_of is the
    earlier article (published, then id)."""
    shared = conn.execute(
        """select sa.article_id, sb.article_id, count(distinct p.sentence_a), count(distinct p.sentence_b),
                  aa.sentence_count, ab.sentence_count
           from passage_pairs p
           join sentences sa on sa.id = p.sentence_a join sentences sb on sb.id = p.sentence_b
           join articles aa on aa.id = sa.article_id join articles ab on ab.id = sb.article_id
           group by sa.article_id, sb.article_id""").fetchall()
    pairs: dict[tuple[str, str], int] = {}
    sizes: dict[str, int] = {}
    for a, b, count_a, count_b, size_a, size_b in shared:
        key = (min(a, b), max(a, b))
        pairs[key] = max(pairs.get(key, 0), count_a, count_b)
        sizes[a], sizes[b] = size_a, size_b
    copies = []
    bodies: dict[str, tuple] = {}

    def article(article_id):
        if article_id not in bodies:
            body, published = conn.execute("select body, published from articles where id = ?",
                                           [article_id]).fetchone()
            bodies[article_id] = (word_shingles(body), published or "9999")
        return bodies[article_id]

    for (a, b), count in sorted(pairs.items()):
        if count < COPY_SHARED * min(sizes[a], sizes[b]):
            continue
        (shingles_a, published_a), (shingles_b, published_b) = article(a), article(b)
        score = jaccard(shingles_a, shingles_b)
        common = len(shingles_a & shingles_b)
        containment = common / min(len(shingles_a), len(shingles_b)) if shingles_a and shingles_b else 0.0
        if score >= COPY_THRESHOLD or containment >= COPY_CONTAINMENT:
            earlier, later = sorted([(published_a, a), (published_b, b)])
            copies.append((later[1], earlier[1], round(score, 4), round(containment, 4), count))
    return copies


def cluster_pairs(texts: list[str]) -> list[tuple[int, int, float]]:
    """Near-duplicate pairs among `texts` (indexes into the list) by the same LSH and
    verification as the archive, for tests and one-off use."""
    buckets: dict[int, list[int]] = {}
    for index, text in enumerate(texts):
        for band in sentence_bands(text):
            buckets.setdefault(band, []).append(index)
    candidates = {pair for bucket in buckets.values() for pair in combinations(sorted(set(bucket)), 2)}
    found = []
    for a, b in sorted(candidates):
        score = similarity(sentence_shingles(texts[a]), sentence_shingles(texts[b]))
        if score >= THRESHOLD:
            found.append((a, b, score))
    return found

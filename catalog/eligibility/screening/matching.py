"""Fuzzy name matching for restricted-party screening. Pure Python: no Django, no I/O.

Names are first *normalized* (case, accents, punctuation, legal-form suffixes and a leading "the" removed),
then compared by **trigram similarity computed exactly as PostgreSQL's pg_trgm does it** (each word padded
with two spaces in front and one behind; similarity = shared trigrams / all distinct trigrams). Because the
normalized names contain only letters, digits and single spaces, the Python fallback used on SQLite and
``similarity()`` on PostgreSQL give the same score for the same pair, so a threshold means the same thing on
both backends.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# Legal-form words stripped from the END of a name, repeatedly ("Co., Ltd." loses both). Multi-word forms are
# token tuples as they look after punctuation removal ("S. A." -> ("s", "a"); "S.A." -> "sa").
_SINGLE = {
    "inc", "incorporated", "corp", "corporation", "co", "cos", "company", "ltd", "limited", "llc", "llp", "lp",
    "plc", "pllc", "gmbh", "mbh", "ag", "kg", "kgaa", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ab", "as",
    "oy", "oyj", "kk", "pte", "pty", "pvt", "private", "ltda", "sl", "sau", "se", "jsc", "pjsc", "ojsc", "cjsc",
    "ooo", "zao", "oao", "aps", "sro", "bhd", "tbk",
}  # fmt: skip
_MULTI = {("s", "a"), ("s", "a", "s"), ("s", "r", "l"), ("s", "p", "a"), ("b", "v"), ("n", "v"), ("a", "s"),
          ("s", "l"), ("sp", "z", "o", "o"), ("s", "r", "o"), ("sdn", "bhd")}  # fmt: skip
LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset({(word,) for word in _SINGLE} | _MULTI)
_MAX_SUFFIX_LEN = max(len(s) for s in LEGAL_SUFFIXES)

# A dot or apostrophe between two letters joins them ("S.A." -> "sa", "O'Neil" -> "oneil").
_JOINERS = re.compile(r"(?<=\w)[.'\u2019](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")


def normalize_name(name: str) -> str:
    """The comparable form of a name: lower case ASCII-folded words, no punctuation or legal-form suffix.

    >>> normalize_name("The Northwind Tráders Co., Ltd.")
    'northwind traders'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = _JOINERS.sub("", text)
    tokens = _NON_WORD.sub(" ", text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    stripped = True
    while stripped:
        stripped = False
        for size in range(min(_MAX_SUFFIX_LEN, len(tokens) - 1), 0, -1):
            if tuple(tokens[-size:]) in LEGAL_SUFFIXES:
                tokens = tokens[:-size]
                # "GmbH & Co. KG": the "and" joined two legal forms, it is not part of the name.
                if len(tokens) > 1 and tokens[-1] == "and":
                    tokens = tokens[:-1]
                stripped = True
                break
    return " ".join(tokens)


def trigrams(normalized: str) -> frozenset[str]:
    """pg_trgm's trigrams of an already normalized string (words padded "  word ")."""
    grams: set[str] = set()
    for word in normalized.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def similarity_of_trigrams(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similarity(a: str, b: str) -> float:
    """pg_trgm ``similarity()`` of two normalized names, between 0 and 1."""
    return similarity_of_trigrams(trigrams(a), trigrams(b))


@dataclass(frozen=True)
class Candidate:
    """One name of a list entry: the entry's key, the name as listed, its normalized form, alias or not."""

    entry_id: int
    name: str
    normalized: str
    is_alias: bool
    countries: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    """The best-scoring name of one entry for a screened name."""

    entry_id: int
    name: str
    is_alias: bool
    score: float


def best_per_entry(scored: Iterable[tuple[Candidate, float]]) -> list[Match]:
    """Keep the highest-scoring name of each entry (the primary name wins a tie); best matches first."""
    best: dict[int, Match] = {}
    for candidate, score in scored:
        current = best.get(candidate.entry_id)
        if (
            current is None
            or score > current.score
            or (score == current.score and current.is_alias and not candidate.is_alias)
        ):
            best[candidate.entry_id] = Match(candidate.entry_id, candidate.name, candidate.is_alias, score)
    return sorted(best.values(), key=lambda m: (-m.score, m.entry_id))


def country_allows(candidate_countries: frozenset[str], country: str | None) -> bool:
    """Country narrowing: an entry with no known country always stays a candidate."""
    return not candidate_countries or not country or country.upper() in candidate_countries


class NameIndex:
    """An in-memory trigram index of list names: the SQLite fallback of the pg_trgm GIN index.

    Only candidates sharing at least one trigram with the query are scored, so screening many organizations
    against a large list stays fast enough for development and tests.
    """

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._candidates: list[tuple[Candidate, frozenset[str]]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for candidate in candidates:
            grams = trigrams(candidate.normalized)
            position = len(self._candidates)
            self._candidates.append((candidate, grams))
            for gram in grams:
                self._postings[gram].append(position)

    def __len__(self) -> int:
        return len(self._candidates)

    def search(self, name: str, *, threshold: float, country: str | None = None) -> list[Match]:
        """Entries with a name scoring at least ``threshold`` against ``name`` (given raw, normalized here)."""
        query = trigrams(normalize_name(name))
        if not query:
            return []
        # Prefix filtering: similarity >= t needs at least ceil(t * |query|) shared trigrams, so any match holds
        # one of the |query| - that + 1 rarest query trigrams; the common ones ("tra", "ing") need not be probed.
        needed = max(1, math.ceil(threshold * len(query) - 1e-9))
        probes = sorted(query, key=lambda gram: len(self._postings.get(gram, ())))[: len(query) - needed + 1]
        positions = {pos for gram in probes for pos in self._postings.get(gram, ())}
        scored = []
        for pos in positions:
            candidate, grams = self._candidates[pos]
            if not country_allows(candidate.countries, country):
                continue
            score = similarity_of_trigrams(query, grams)
            if score >= threshold:
                scored.append((candidate, score))
        return best_per_entry(scored)

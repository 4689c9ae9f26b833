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
          ("s", "l"), ("sp", "z", "o", "o"), ("s", "r", "o"), ("sdn", "bhd"), ("joint", "stock", "company"),
          ("limited", "liability", "company"), ("public", "joint", "stock", "company")}  # fmt: skip
LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset({(word,) for word in _SINGLE} | _MULTI)
_MAX_SUFFIX_LEN = max(len(s) for s in LEGAL_SUFFIXES)
# Legal forms written BEFORE the name, as the Treasury lists write Russian and other companies
# ("LIMITED LIABILITY COMPANY EXAMPLE", "OOO EXAMPLE", "AO EXAMPLE"): stripped from the start, once.
LEGAL_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("public", "joint", "stock", "company"), ("closed", "joint", "stock", "company"),
    ("open", "joint", "stock", "company"), ("joint", "stock", "company"), ("limited", "liability", "company"),
    ("ooo",), ("oao",), ("zao",), ("pao",), ("ao",), ("pjsc",), ("ojsc",), ("cjsc",), ("jsc",), ("llc",),
)  # fmt: skip

# A dot or apostrophe between two letters joins them ("S.A." -> "sa", "O'Neil" -> "oneil").
_JOINERS = re.compile(r"(?<=\w)[.'\u2019](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# Boilerplate some lists append to a name; it is not part of the name ("... and any successor, sub-unit, or
# subsidiary thereof" on Entity List entries).
_BOILERPLATE = re.compile(r"\band any successors?,? sub-units?,? or subsidiar(?:y|ies) thereof\b", re.IGNORECASE)
# Letters NFKD does not decompose into an ASCII base letter.
_TRANSLITERATION = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"}
)
# Common abbreviations written out, so "INTL" and "International" are the same word (compared after folding).
ABBREVIATIONS: dict[str, str] = {
    "intl": "international", "internat": "international", "natl": "national", "mfg": "manufacturing",
    "mfrs": "manufacturers", "tech": "technology", "techs": "technologies", "univ": "university",
    "inst": "institute", "assn": "association", "assoc": "association", "dept": "department",
    "govt": "government", "sci": "science", "acad": "academy", "engg": "engineering", "ctr": "center",
    "centre": "center", "bros": "brothers", "grp": "group", "hldg": "holding", "hldgs": "holdings",
    "mgmt": "management", "svcs": "services", "sys": "systems", "equip": "equipment", "coop": "cooperative",
}  # fmt: skip


def normalize_name(name: str) -> str:
    """The comparable form of a name: lower case ASCII-folded words, no punctuation or legal-form suffix.

    >>> normalize_name("The Northwind Tráders Co., Ltd.")
    'northwind traders'
    """
    if "thereof" in name.casefold():
        name = _BOILERPLATE.sub(" ", name)
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().translate(_TRANSLITERATION)
    text = text.replace("&", " and ")
    text = _JOINERS.sub("", text)
    tokens = [ABBREVIATIONS.get(token, token) for token in _NON_WORD.sub(" ", text).split()]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    for prefix in LEGAL_PREFIXES:
        if len(tokens) > len(prefix) and tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
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


def name_variants(name: str) -> list[str]:
    """The normalized forms a name is matched under: as written, and without its parentheticals.

    "NW Trading (Hong Kong) Limited" is kept as "nw trading hong kong" and also matched as "nw trading";
    "KIM Example (DPRK national)" as "kim example". The first form is the name's normalized form.

    >>> name_variants("Northwind Intl (SSI)")
    ['northwind international ssi', 'northwind international']
    """
    variants: list[str] = []
    texts = (name, _PARENTHETICAL.sub(" ", name)) if "(" in name or "[" in name else (name,)
    for text in texts:
        normalized = normalize_name(text)
        if normalized and normalized not in variants:
            variants.append(normalized)
    return variants


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
    entry_type: str = ""


@dataclass(frozen=True)
class Match:
    """The best-scoring name of one entry for a screened name."""

    entry_id: int
    name: str
    is_alias: bool
    score: float
    entry_type: str = ""


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
            best[candidate.entry_id] = Match(
                candidate.entry_id, candidate.name, candidate.is_alias, score, candidate.entry_type
            )
    return sorted(best.values(), key=lambda m: (-m.score, m.entry_id))


def best_score(query_variants: Iterable[str], normalized: str) -> float:
    """The best similarity of any form of the screened name with one normalized listed name."""
    grams = trigrams(normalized)
    return max((similarity_of_trigrams(trigrams(q), grams) for q in query_variants), default=0.0)


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
        """Entries with a name scoring at least ``threshold`` against ``name`` (given raw, normalized here).

        Every form of the name (``name_variants``) is searched; an entry's best score over them counts.
        """
        scored: list[tuple[Candidate, float]] = []
        for variant in name_variants(name):
            scored += self._search_normalized(variant, threshold=threshold, country=country)
        return best_per_entry(scored)

    def _search_normalized(self, normalized: str, *, threshold: float, country: str | None) -> list:
        query = trigrams(normalized)
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
        return scored

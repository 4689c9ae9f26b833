"""A text fingerprint for near-duplicate detection (mass-comment campaigns). Pure Python.

``simhash`` maps a text to 64 bits so that near-identical texts differ in few bits: two submissions
whose fingerprints are within a small Hamming distance (say ≤ 3) are almost certainly the same template.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, accents folded, punctuation and extra spaces dropped."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(folded))


def simhash(text: str, *, shingle: int = 3) -> str:
    """64-bit SimHash of word shingles, as 16 hex digits ("" for a text without words)."""
    words = normalize(text).split()
    if not words:
        return ""
    grams = [" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))]
    weights = [0] * 64
    for gram in grams:
        value = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    result = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{result:016x}"


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two fingerprints (64 if either is empty)."""
    if not a or not b:
        return 64
    return (int(a, 16) ^ int(b, 16)).bit_count()


# --- MinHash and LSH bands (near-duplicate campaigns) -------------------------------------------
#
# SimHash above is a compact summary; grouping needs a threshold on a similarity people can reason
# about: the Jaccard similarity of the sets of word 5-shingles. MinHash estimates it (each of the
# ``NUM_PERM`` minima agrees between two texts with probability exactly J), and locality-sensitive
# hashing over ``BANDS`` bands of ``ROWS`` minima finds the candidates without comparing all pairs:
# a pair with J = 0.8 shares at least one band with probability 1 - (1 - 0.8**4)**16 ≈ 0.9998, a pair
# with J = 0.3 only ≈ 0.12 of the time. Candidates are then checked with the exact Jaccard.

SHINGLE_WORDS = 5
BANDS = 16
ROWS = 4
NUM_PERM = BANDS * ROWS
_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1


def _perm_params() -> list[tuple[int, int]]:
    """Fixed (a, b) pairs of the universal hash family, derived from a constant so every process agrees."""
    params = []
    for i in range(NUM_PERM):
        digest = hashlib.blake2b(f"aix-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE
        params.append((a, b))
    return params


_PERMS = _perm_params()


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """The set of word ``size``-shingles of the normalized text (empty when it has fewer words)."""
    words = normalize(text).split()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """|A ∩ B| / |A ∪ B| (0.0 when both are empty: two empty texts are not a campaign)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def minhash(shingle_set: frozenset[str] | set[str]) -> list[int]:
    """``NUM_PERM`` minima of the shingles' 32-bit hashes under fixed random permutations ([] when empty)."""
    if not shingle_set:
        return []
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "big") for s in shingle_set]
    return [min(((a * h + b) % _MERSENNE) & _MAX_HASH for h in hashes) for a, b in _PERMS]


def lsh_band_keys(signature: list[int]) -> list[int]:
    """One signed 64-bit key per band (the band's number is part of the key, so band 3 only meets band 3)."""
    keys = []
    for band in range(len(signature) // ROWS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        data = band.to_bytes(2, "big") + b"".join(r.to_bytes(4, "big") for r in rows)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True))
    return keys

"""A text fingerprint for near-duplicate detection (mass-comment campaigns). Pure Python.

MinHash signatures of word shingles with locality-sensitive hashing find near-identical answers (the same
template with small edits) without comparing every pair; the exact Jaccard similarity then confirms them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower case, accents folded, punctuation and extra spaces dropped."""
    folded = unicodedata.normalize("NFKD", text or "").casefold()
    if not folded.isascii():  # ASCII has no combining marks: skip the per-character pass
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(folded))


# --- MinHash and LSH bands (near-duplicate campaigns) -------------------------------------------
#
# Grouping needs a threshold on a similarity people can reason about: the Jaccard similarity of the
# sets of word 5-shingles. MinHash estimates it (each of the
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
    """``NUM_PERM`` minima of the shingles' 32-bit hashes under fixed random permutations ([] when empty).

    Each permutation is ``((a·h + b) mod (2^61 − 1)) & (2^32 − 1)``; the arithmetic is done exactly in
    unsigned 64-bit numpy lanes (see ``_mod_mersenne``), so the result is the same as with Python integers
    (``minhash_reference``), only computed for every permutation at once.
    """
    if not shingle_set:
        return []
    h = np.array([_hash32(s) for s in shingle_set], dtype=np.uint64)[:, None]
    # a·h = a_hi·h·2^32 + a_lo·h with a_hi < 2^29 and a_lo < 2^32: both products fit in 64 bits.
    high = h * _A_HI  # < 2^61
    shifted = (high >> np.uint64(29)) + ((high & np.uint64((1 << 29) - 1)) << np.uint64(32))  # high·2^32 mod p
    low = _mod_mersenne(h * _A_LO)
    values = _mod_mersenne(shifted + low + _B)  # each term < 2^62, so the sum fits
    return [int(v) for v in (values & np.uint64(_MAX_HASH)).min(axis=0)]


def minhash_reference(shingle_set: frozenset[str] | set[str]) -> list[int]:
    """``minhash`` with Python integers: the definition, kept for tests."""
    if not shingle_set:
        return []
    hashes = [_hash32(s) for s in shingle_set]
    return [min(((a * h + b) % _MERSENNE) & _MAX_HASH for h in hashes) for a, b in _PERMS]


def _hash32(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=4).digest(), "big")


def _mod_mersenne(x: np.ndarray) -> np.ndarray:
    """``x mod (2^61 − 1)`` for unsigned 64-bit ``x``: 2^61 ≡ 1, so fold the top bits onto the bottom ones."""
    p = np.uint64(_MERSENNE)
    x = (x & p) + (x >> np.uint64(61))  # < 2^61 + 8
    return np.where(x >= p, x - p, x)


_A_HI = np.array([a >> 32 for a, _b in _PERMS], dtype=np.uint64)
_A_LO = np.array([a & 0xFFFFFFFF for a, _b in _PERMS], dtype=np.uint64)
_B = np.array([b for _a, b in _PERMS], dtype=np.uint64)


def lsh_band_keys(signature: list[int]) -> list[int]:
    """One signed 64-bit key per band (the band's number is part of the key, so band 3 only meets band 3)."""
    keys = []
    for band in range(len(signature) // ROWS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        data = band.to_bytes(2, "big") + b"".join(r.to_bytes(4, "big") for r in rows)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True))
    return keys

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

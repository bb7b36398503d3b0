"""storage.db.Paced: the chunk size of a bulk write follows what the last chunk took."""

from __future__ import annotations

from storage.db import Paced


def test_a_slow_chunk_makes_the_next_smaller_and_a_quick_one_larger() -> None:
    paced = Paced(budget=0.006, first=100, least=20, most=1000)
    paced.took(0.030, 100)  # 0.3 ms a row: 20 rows fit in 6 ms
    assert paced.size == 20
    paced.took(0.0006, 20)  # 0.03 ms a row: 200 would fit, but at most doubling per chunk
    assert paced.size == 40
    for _ in range(10):
        paced.took(0.0001, paced.size)
    assert paced.size == 1000  # never more than `most`


def test_never_below_the_least_and_nothing_learnt_from_an_empty_chunk() -> None:
    paced = Paced(budget=0.006, first=100, least=20, most=1000)
    paced.took(5.0, 100)  # the database was busy for seconds
    assert paced.size == 20
    paced.took(0.0, 0)
    assert paced.size == 20
    paced.took(0.0, 20)  # too quick to measure: as large as it may grow
    assert paced.size == 40

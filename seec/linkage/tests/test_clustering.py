"""Records grouped into children: a chain of look-alikes is not one child."""

from seec.linkage.clustering import average_linkage


def test_a_chain_through_one_strong_pair_is_not_one_child():
    # Ana-1 and Ana-2 are one girl; Ana-3 looks like Ana-2 but the model scored her against
    # Ana-1 as surely someone else. Connected components would make all three one child.
    pairs = [("ana-1", "ana-2", 0.99), ("ana-2", "ana-3", 0.6), ("ana-1", "ana-3", 0.02)]
    assert average_linkage(pairs, threshold=0.5) == [{"ana-1", "ana-2"}]


def test_records_that_agree_on_average_are_one_child():
    # Every pair likely, one pair below the threshold (a mistyped birth date): still one child.
    pairs = [("m-1", "m-2", 0.97), ("m-2", "m-3", 0.9), ("m-1", "m-3", 0.4), ("x-1", "x-2", 0.3)]
    assert average_linkage(pairs, threshold=0.5) == [{"m-1", "m-2", "m-3"}]


def test_pairs_never_compared_neither_join_nor_part():
    pairs = [("a", "b", 0.95), ("c", "d", 0.95), ("b", "c", 0.8)]  # a-c, a-d, b-d never scored
    assert average_linkage(pairs, threshold=0.5) == [{"a", "b", "c", "d"}]

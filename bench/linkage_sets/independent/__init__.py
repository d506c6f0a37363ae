"""An evaluation set for record linkage made independently of the platform (README.md).

    from linkage_sets.independent import load_independent
    (left, right), truth = load_independent("link", seed=0)   # truth: {(left_id, right_id)}
    records, truth = load_independent("dedupe", seed=0)       # truth: {record_id: child_id}

Records are seec.linkage.records.PersonRecord with `cluster` set to the true child. Link
mode: the first agencies' file (each child's own country) and the second agencies' file
(another country's); every pair in `truth` is one child, written as (left id, right id),
which is also its sorted order. Dedupe mode: the union as one file; `truth` maps each record
to its child, so a child is a cluster of one or two records.
"""

from functools import lru_cache

from .generate import IndependentSet, Row, generate

__all__ = ["IndependentSet", "generate", "load_independent", "person_record"]


def person_record(row: Row):
    from seec.linkage.records import PersonRecord

    return PersonRecord(
        record_id=row.record_id,
        source=row.list,
        given_name=row.given_name,
        family_name=row.family_name,
        other_names=row.other_names,
        sex=row.sex,
        date_of_birth=row.date_of_birth,
        dob_estimated=row.dob_estimated,
        age_estimate=row.age_estimate,
        nationality=row.nationality,
        latitude=row.latitude,
        longitude=row.longitude,
        event_date=row.event_date,
        country=row.agency,
        cluster=row.child_id,
    )


@lru_cache(maxsize=4)
def _records(seed: int, children: int):
    made = generate(children, seed)
    return [person_record(r) for r in made.left], [person_record(r) for r in made.right]


def load_independent(mode: str, seed: int = 0, children: int = 5000):
    """(records, truth) of the independent set; deterministic for a seed."""
    left, right = _records(seed, children)
    if mode == "link":
        truth = {(a.record_id, b.record_id) for a, b in _pairs_by_child(left, right)}
        return (list(left), list(right)), truth
    if mode == "dedupe":
        records = [*left, *right]
        return records, {r.record_id: r.cluster for r in records}
    raise ValueError(f"mode is 'link' or 'dedupe', not {mode!r}")


def _pairs_by_child(left, right):
    by_child = {r.cluster: r for r in left}
    return [(by_child[b.cluster], b) for b in right]

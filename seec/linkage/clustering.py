"""Records grouped into children: average linkage over the model's scored pairs.

Joining every pair above a threshold into connected components lets one wrong pair merge two
whole families of records: a father and son of one name, two girls of one common name,
each chain of look-alikes becomes one "child". Here two groups become one only when the
pairs between them that the model scored are, on average, at least as likely matches as the
threshold asks of a single pair; the two groups that agree best are joined first
(agglomerative clustering with average linkage). A pair the model never compared (outside
every blocking rule) says nothing either way and is left out of the average.
"""

import heapq
from collections.abc import Iterable


def average_linkage(pairs: Iterable[tuple[str, str, float]], threshold: float) -> list[set[str]]:
    """Groups of record ids (each of two or more records) from (left, right, probability)
    pairs. Pass the pairs scored well below `threshold` too: they keep groups apart."""
    # Between two groups: the sum and the number of their scored pairs.
    between: dict[str, dict[str, list[float]]] = {}
    for left, right, probability in pairs:
        if left == right:
            continue
        for a, b in ((left, right), (right, left)):
            between.setdefault(a, {})[b] = [probability, 1]
    members = {record: [record] for record in between}
    # The strongest pairs of groups first; an entry is stale once either group has changed.
    version = dict.fromkeys(between, 0)
    queue = [
        (-probability, a, b, 0, 0)
        for a, others in between.items()
        for b, (probability, _count) in others.items()
        if a < b
    ]
    heapq.heapify(queue)
    while queue:
        negative_mean, a, b, version_a, version_b = heapq.heappop(queue)
        if -negative_mean < threshold:
            break
        if version.get(a) != version_a or version.get(b) != version_b:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        # b joins a: a's sums to every other group gain b's.
        members[a].extend(members.pop(b))
        for other, (total, count) in between.pop(b).items():
            between[other].pop(b)
            if other == a:
                continue
            joined = between[a].setdefault(other, [0.0, 0])
            joined[0] += total
            joined[1] += count
            between[other][a] = joined
        del version[b]
        version[a] += 1
        for other, (total, count) in between[a].items():
            low, high = sorted((a, other))
            heapq.heappush(queue, (-total / count, low, high, version[low], version[high]))
    return [set(group) for group in members.values() if len(group) > 1]

"""A new payment or online identifier checked against every one the police have recorded, as
`tracing.find_matches` does it (its keyed hash looked up in the `identifier_lookup` index),
beside the baseline of a plain scan of the table (the same query with the index not used),
at growing sizes.

The identifiers are stored as `tracing.py` stores them: kind, normal form, keyed hash
(HMAC-SHA256 under the installation's key). They are bulk-loaded (COPY on PostgreSQL, one
executemany per batch on SQLite) with the table's secondary indexes dropped and built again
after each load, as a restore does; the time each load and each index build takes is reported.
A check is what an officer's new identifier costs: validation and normalisation by its own
rules, the keyed hash, and the look-up of every earlier sighting with its organisation and
country. Half the checks are identifiers already recorded (written as a person would: spaces,
capitals, "www.", an "@"), half are new; twenty untimed checks come first (the
phone numbering plans load on first use). The platform's record_identifier (insert, audit,
look-up, match and notices) is timed too, on fewer identifiers.

Goal (issue 19): a new identifier checked against 10,000,000 in p95 ≤ 20 ms.
BENCH_IDENTIFIERS sets the largest size, BENCH_IDENTIFIER_CHECKS the checks per size.
"""

import hashlib
import hmac
import itertools
import random
import time
from datetime import UTC, date, datetime

from harness import goal, latency_summary, say, seed_region, size, stopwatch

LARGEST = size("BENCH_IDENTIFIERS", 10_000_000, smoke=2000)
SIZES = [n for n in (100_000, 1_000_000) if n < LARGEST] + [LARGEST]
if len(SIZES) == 1:
    SIZES = [max(1, LARGEST // 4), LARGEST]
CHECKS = size("BENCH_IDENTIFIER_CHECKS", 1000, smoke=40)
RECORDS = max(10, CHECKS // 5)
BATCH = 50_000
TABLE = "protection_traceidentifier"
COLUMNS = (
    "organisation_id", "country_id", "kind", "value", "display", "platform", "key_hash",
    "card_bin", "card_last4", "person_id", "note", "recorded_by_id", "recorded_at",
)  # fmt: skip
PLATFORMS = ("instagram", "tiktok", "telegram", "facebook", "snapchat", "onlyfans")
SITES = ("escort-ads.example", "classifieds.example.gr", "rooms.example.al", "t.me", "vk.com")
SYLLABLES = ("ma", "ko", "li", "dra", "ne", "vi", "to", "sa", "ri", "el", "an", "jo")
# Identifiers never recorded are numbered from here on, each serial used once (NEW below).
NEW_FROM = 10**8
assert LARGEST < NEW_FROM
NEW = itertools.count(NEW_FROM)


def _mix(n: int) -> int:
    """A well-spread number from a serial (the rows are a function of their number, so that a
    check can write again the identifier recorded as row n)."""
    return (n * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % 2**64


def _luhn_digit(body: str) -> str:
    total = 0
    for i, char in enumerate(reversed(body)):
        d = int(char)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def _iban(number: int) -> str:
    bban = f"0110125{number % 10**16:016d}"
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "GR00")) % 97
    return f"GR{check:02d}{bban}"


def _spread(x: int, space: int) -> int:
    """x in [0, space) to another number of [0, space), one to one (space a power of ten)."""
    return (x * 48271 + 12345) % space


def identifier(n: int) -> dict:
    """The n-th identifier: its kind, how a person would type it, and how tracing.py stores it
    (normal form, what is hashed, display, card prefix and last four). Two serials never give
    the same identifier (below 2 × NEW_FROM)."""
    m = _mix(n)
    slot = n % 20
    if slot < 8:  # phones and mobile money: the commonest trace
        kind = "phone" if slot < 6 else "mobile_money"
        number = n // 20 * 8 + slot  # one to one over the phones
        if n < NEW_FROM and number % 2:  # Albanian: 10^7 numbers, enough for 25M identifiers
            normal = f"+35569{_spread(number // 2, 10**7):07d}"
            typed = f"+355 {normal[4:6]} {normal[6:9]} {normal[9:]}"
        else:  # Greek; the new ones' numbers above every recorded one's
            number = number // 2 if n < NEW_FROM else number
            normal = f"+3069{_spread(number, 10**8):08d}"
            typed = f"+30 {normal[3:6]} {normal[6:9]} {normal[9:]}"
        return {"kind": kind, "typed": typed, "normal": normal, "display": typed,
                "platform": "M-Pesa" if kind == "mobile_money" else ""}  # fmt: skip
    if slot < 11:
        name = "".join(SYLLABLES[(m >> (4 * i)) % len(SYLLABLES)] for i in range(3)) + str(n)
        platform = PLATFORMS[m % len(PLATFORMS)]
        return {"kind": "username", "typed": f"@{name.capitalize()}", "normal": name,
                "hashed": f"{platform}/{name}", "display": f"@{name}",
                "platform": platform}  # fmt: skip
    if slot < 14:
        site = SITES[m % len(SITES)]
        normal = f"https://{site}/profile/{n}"
        return {"kind": "url", "typed": f"http://www.{site.upper()}/profile/{n}/",
                "normal": normal, "display": normal}  # fmt: skip
    if slot < 17:
        normal = _iban(_spread(n, 10**16))
        spaced = " ".join(normal[i : i + 4] for i in range(0, len(normal), 4))
        return {"kind": "iban", "typed": spaced.lower(), "normal": normal, "display": spaced}
    if slot < 19:
        body = f"4{_spread(n, 10**14):014d}"
        digits = body + _luhn_digit(body)
        return {"kind": "card", "typed": " ".join(digits[i : i + 4] for i in range(0, 16, 4)),
                "normal": "", "hashed": digits, "display": f"{digits[:8]} … {digits[-4:]}",
                "card_bin": digits[:8], "card_last4": digits[-4:]}  # fmt: skip
    address = "0x" + hashlib.blake2b(str(n).encode(), digest_size=20).hexdigest()
    return {"kind": "ethereum", "typed": address.upper().replace("0X", "0x"),
            "normal": address, "display": address}  # fmt: skip


def rows(start: int, stop: int, key: bytes, owners: list, recorded_at):
    """The rows of identifiers start..stop-1, as the table's columns in COLUMNS' order."""
    for n in range(start, stop):
        item = identifier(n)
        kind = item["kind"]
        hashed = item.get("hashed", item["normal"])
        key_hash = hmac.new(key, f"{kind}:{hashed}".encode(), hashlib.sha256).hexdigest()
        org, country, officer, persons = owners[n % len(owners)]
        yield (
            org, country, kind, item["normal"], item["display"], item.get("platform", ""),
            key_hash, item.get("card_bin", ""), item.get("card_last4", ""),
            persons[n % len(persons)], "", officer, recorded_at,
        )  # fmt: skip


def secondary_indexes() -> list[tuple[str, str]]:
    """The table's indexes other than its primary key, as (name, CREATE statement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.tablename = %s AND i.indexname NOT IN ("
                "  SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [TABLE, TABLE],
            )
        return cursor.fetchall()


def load(start: int, stop: int, owners: list) -> dict:
    """Identifiers start..stop-1 in bulk, the secondary indexes dropped and built again."""
    from django.db import connection, transaction

    from seec.protection.identifiers import identifier_key

    indexes = secondary_indexes()
    assert any(name == "identifier_lookup" for name, _sql in indexes), indexes
    recorded_at = datetime(2026, 6, 1, 12, tzinfo=UTC)
    recorded_at = (
        connection.ops.adapt_datetimefield_value(recorded_at)
        if connection.vendor == "sqlite"
        else recorded_at.isoformat()
    )
    key = identifier_key()
    # The table and column names are this module's constants, never input.
    insert = (
        f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
    )
    with stopwatch() as loading, transaction.atomic(), connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        generated = rows(start, stop, key, owners, recorded_at)
        if connection.vendor == "postgresql":
            # COPY's text format, a batch at a time: no value here holds a tab, a newline or
            # a backslash, and none is NULL.
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                lines = []
                for row in generated:
                    lines.append("\t".join(map(str, row)))
                    if len(lines) >= BATCH:
                        copy.write("\n".join(lines) + "\n")
                        lines.clear()
                if lines:
                    copy.write("\n".join(lines) + "\n")
        else:
            batch = []
            for row in generated:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(insert, batch)
                    batch.clear()
            if batch:
                cursor.executemany(insert, batch)
    with stopwatch() as indexing:
        with transaction.atomic(), connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return {"load_s": round(loading(), 1), "index_build_s": round(indexing(), 1)}


def owners_of_the_region() -> list:
    """Each country's police unit, an officer, and persons of interest to hang identifiers on."""
    from seec.core.models import Organisation, OrganisationKind, User
    from seec.protection.models import PersonOfInterest

    owners = []
    for org in Organisation.objects.filter(kind=OrganisationKind.POLICE).order_by("pk"):
        officer = User.objects.filter(organisation=org).order_by("pk").first()
        persons = PersonOfInterest.objects.bulk_create(
            PersonOfInterest(
                organisation=org, reference=f"BENCH-{org.country_id}-{i:03d}",
                role="exploiter", name=f"Alias {i}", review_on=date(2027, 6, 1),
                retain_until=date(2030, 1, 1), created_by=officer,
            )
            for i in range(40)
        )  # fmt: skip
        persons = list(
            PersonOfInterest.objects.filter(organisation=org).values_list("pk", flat=True)
        )
        owners.append((org.pk, org.country_id, officer.pk, persons))
    return owners


def check(item: dict, region: str):
    """What the platform does to compare a new identifier with all the others."""
    from seec.protection import identifiers, tracing

    normal = identifiers.normalise(
        item["kind"], item["typed"], region=region, platform=item.get("platform", "")
    )
    return normal, list(tracing.sightings(normal.kind, normal.key_hash))


def plain_scan(normal) -> list[int]:
    """The baseline: the same query, the table read row by row (no index used)."""
    from django.db import connection, transaction

    from seec.protection import tracing

    sql, params = tracing.sightings(normal.kind, normal.key_hash).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            quoted = f'FROM "{TABLE}"'
            assert quoted in sql, sql
            sql = sql.replace(quoted, f"{quoted} NOT INDEXED", 1)
        else:
            for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def measure(loaded: int, rng: random.Random) -> dict:
    from seec.core.audit import Origin
    from seec.core.models import User
    from seec.protection import tracing
    from seec.protection.models import PersonOfInterest

    chosen = [(rng.randrange(loaded) if i % 2 == 0 else next(NEW)) for i in range(CHECKS)]
    # Untimed: the first checks of a process load the numbering plans and compile the
    # queries once; an installation pays that once at start.
    for n in range(20):
        check(identifier(n), "GR")
    timings, hits = [], 0
    found_by_index = {}
    for n in chosen:
        item = identifier(n)
        started = time.perf_counter()
        normal, seen = check(item, "GR")
        timings.append(time.perf_counter() - started)
        found_by_index[n] = (normal, sorted(s.pk for s in seen))
        if n < loaded:
            assert seen, f"identifier {n} ({item['kind']} {item['typed']}) was not found"
            hits += 1
        else:
            assert not seen, f"new identifier {n} was found"
    scans = max(5, min(CHECKS, 20_000_000 // loaded))
    scan_timings = []
    for n in chosen[:scans]:
        normal, by_index = found_by_index[n]
        started = time.perf_counter()
        by_scan = plain_scan(normal)
        scan_timings.append(time.perf_counter() - started)
        assert sorted(by_scan) == by_index, "the plain scan and the index disagree"
    # The whole of recording an identifier, as an officer of the Greek police unit does it.
    officer = User.objects.get(username="police.gr")
    person = PersonOfInterest.objects.filter(organisation=officer.organisation).first()
    recorded = []
    for i in range(RECORDS):
        n = rng.randrange(loaded) if i % 2 == 0 else next(NEW)
        item = identifier(n)
        started = time.perf_counter()
        tracing.record_identifier(
            origin=Origin(officer), kind=item["kind"], value=item["typed"],
            platform=item.get("platform", ""), person=person,
        )  # fmt: skip
        recorded.append(time.perf_counter() - started)
    platform = latency_summary(timings)
    baseline = latency_summary(scan_timings)
    say(
        f"   {loaded:>12,}: check p95 {platform['p95_ms']:.2f} ms (p50 {platform['p50_ms']:.2f})"
        f" · plain scan p95 {baseline['p95_ms']:.1f} ms over {len(scan_timings)}"
        f" · record_identifier p95 {latency_summary(recorded)['p95_ms']:.1f} ms"
    )
    return {
        "identifiers": loaded,
        "checks": len(timings),
        "recorded_before": hits,
        "check": platform,
        "plain_scan": baseline,
        "record_identifier": latency_summary(recorded),
        "speedup_p95": round(baseline["p95_ms"] / max(platform["p95_ms"], 1e-6), 1),
    }


def run(engine: str) -> dict:
    seed_region()
    owners = owners_of_the_region()
    rng = random.Random(19)
    curve, loaded = [], 0
    for target in SIZES:
        with stopwatch() as generating:
            costs = load(loaded, target, owners)
        loaded = target
        say(
            f"   loaded {loaded:,} identifiers ({generating():.0f} s: rows "
            f"{costs['load_s']} s, indexes {costs['index_build_s']} s)"
        )
        curve.append({**measure(loaded, rng), **costs})
    largest = curve[-1]
    return {
        "data": {"identifiers": LARGEST, "sizes": SIZES, "checks_per_size": CHECKS},
        "curve": curve,
        "goals": [
            goal(
                f"a new identifier checked against {LARGEST:,}: p95 (ms)",
                largest["check"]["p95_ms"],
                "<=",
                20,
            ),
        ],
        "baseline": {
            "what": "the same query with the index not used (a plain scan of the table)",
            "p95_ms": largest["plain_scan"]["p95_ms"],
        },
    }

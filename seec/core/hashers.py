"""Password hashing: Argon2id with OWASP's parameters.

OWASP's Password Storage Cheat Sheet gives five Argon2id settings of equal strength, from
m=47104 KiB, t=1 to m=7168 KiB, t=5, all with p=1. Django's own Argon2 hasher uses 100 MiB
and eight lanes: far beyond them, and on a two-core server twenty people signing in at once
queue behind each other's hashes for seconds (issue 16: a median of 6.3 s). The platform takes
the second of OWASP's settings, m=19 MiB, t=2, p=1: the memory still makes a GPU or ASIC guess
costly, one hash takes a few tens of milliseconds of one core, and twenty concurrent sign-ins
stay under a second at the 95th percentile on the reference machine (bench/sign_in_load.py).
A password hashed with other parameters is verified with its own and re-hashed with these at
the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

"""Is a SECRET_KEY strong enough for production? Length alone is not: fifty copies of one
character, a repeated phrase or a sentence of dictionary words are long and guessable.

Read by settings.py before Django is set up, so it imports nothing of Django's.
"""

import math
from collections import Counter

MIN_LENGTH = 50
# Letters repeated as in a word or a pattern carry far less entropy per character than
# random ones (random hex has close to 4 bits, base64 close to 6).
MIN_BITS_PER_CHARACTER = 3.5
# zxcvbn (Dropbox's estimator: dictionaries, keyboard walks, repeats, sequences) counts a
# random character as 10 guesses; a key must keep nine tenths of that, so words, names and
# patterns in it are refused while an accidental short word in a random key is not.
MIN_GUESS_DIGITS_PER_CHARACTER = 0.9
ZXCVBN_LIMIT = 72  # its own limit: the first 72 characters are judged


def weakness(key: str) -> str | None:
    """Why `key` is too weak for production, or None when it will do."""
    from zxcvbn import zxcvbn

    if len(key) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    if key.startswith("django-insecure"):
        return "it is Django's placeholder"
    counts = Counter(key)
    shannon = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    if shannon < MIN_BITS_PER_CHARACTER:
        return "it uses too few different characters"
    judged = key[:ZXCVBN_LIMIT]
    digits = zxcvbn(judged, max_length=ZXCVBN_LIMIT)["guesses_log10"]
    if digits < MIN_GUESS_DIGITS_PER_CHARACTER * len(judged):
        return "it is made of words, names or patterns that are easy to guess"
    return None

"""The parties' query code: random, shown once on the acceptance notice, stored only as a keyed hash.

8 characters from a 31-character alphabet without look-alikes (0/O, 1/I/L) give 31**8 ≈ 8.5e11 codes.
The hash is an HMAC keyed with SECRET_KEY, so a copy of the database alone does not reveal codes; it is
fast enough for the online progress query, whose guessing is limited by throttling, not by hash cost.

A party's token and session carry the *version* of the code he proved himself with: a keyed digest of
the stored hash (``code_version``), which says nothing about the code. Reissuing the code changes the
hash, so every token and session opened with the old code stops working on its next request.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_SALT = "intake.query_code"
_VERSION_SALT = "intake.query_code.version"
_VERSION_LENGTH = 16  # hex digits: 64 bits, enough to tell one code from the next


def new_query_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_query_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def hash_query_code(*, case_number: str, code: str) -> str:
    return salted_hmac(_SALT, f"{case_number}:{normalize_query_code(code)}", algorithm="sha256").hexdigest()


def query_code_matches(*, case_number: str, stored_hash: str, code: str) -> bool:
    if not stored_hash:
        return False
    return constant_time_compare(hash_query_code(case_number=case_number, code=code), stored_hash)


def code_version(stored_hash: str) -> str:
    """The version of a case's query code, for tokens and sessions: "" when the case has no code."""
    if not stored_hash:
        return ""
    return salted_hmac(_VERSION_SALT, stored_hash, algorithm="sha256").hexdigest()[:_VERSION_LENGTH]


def code_version_matches(stored_hash: str, version: str) -> bool:
    """Whether ``version`` (from a token or session) is that of the case's current query code."""
    current = code_version(stored_hash)
    return bool(current) and constant_time_compare(current, version)

"""The parties' query code: random, shown once on the acceptance notice, stored only as a keyed hash.

8 characters from a 31-character alphabet without look-alikes (0/O, 1/I/L) give 31**8 ≈ 8.5e11 codes.
The hash is an HMAC keyed with SECRET_KEY, so a copy of the database alone does not reveal codes; it is
fast enough for the online progress query, whose guessing is limited by throttling, not by hash cost.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_SALT = "intake.query_code"


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

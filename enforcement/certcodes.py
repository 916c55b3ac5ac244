"""The verification code of a certificate (主动履行证明, 信用修复决定书): random, printed on its PDF only,
stored only as a keyed hash.

A bank clerk or an employer types it from the paper, so it is 16 characters from the query code's alphabet
without look-alikes (no 0/O, 1/I/L), shown in four groups of four: ``ABCD-EFGH-JKMN-PQRS``. 31**16 ≈ 7·10^23
codes (79 bits): with the public page's throttle, guessing a code is out of reach, and a code found by
accident is as unlikely as one guessed.

As for the parties' query code (``enforcement.querycode``), the hash is an HMAC keyed with SECRET_KEY, so a
copy of the database alone does not reveal codes; it is deterministic, so the public page finds a
certificate by the hash of what was typed in one indexed lookup.
"""

import secrets

from django.utils.crypto import salted_hmac

from .querycode import ALPHABET

LENGTH = 16
GROUP = 4
_SALT = "enforcement.certificate_code"


def new_code() -> str:
    """A fresh code, grouped for printing."""
    return grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def normalize(raw: str) -> str:
    """What was typed, without spaces and dashes, in capitals: ``abcd efgh-jkmn pqrs`` → ``ABCDEFGH…``."""
    return "".join(raw.replace("-", " ").split()).upper()


def is_well_formed(raw: str) -> bool:
    code = normalize(raw)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def grouped(raw: str) -> str:
    code = normalize(raw)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def hash_code(raw: str) -> str:
    return salted_hmac(_SALT, normalize(raw), algorithm="sha256").hexdigest()

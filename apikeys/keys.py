"""API key format: generation, parsing and digests. No Django, no database."""

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

KEY_SCHEME = "nagg"
# 8 hex characters of public prefix; 32 random bytes (256 bits) of secret.
PREFIX_BYTES = 4
SECRET_BYTES = 32
KEY_PATTERN = re.compile(r"(nagg_[0-9a-f]{8})_([A-Za-z0-9_-]{43})")


class GeneratedKey(NamedTuple):
    prefix: str
    raw_key: str
    digest: str


def generate_key() -> GeneratedKey:
    prefix = f"{KEY_SCHEME}_{secrets.token_hex(PREFIX_BYTES)}"
    raw_key = f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return GeneratedKey(prefix=prefix, raw_key=raw_key, digest=key_digest(raw_key))


def parse_prefix(raw_key: str) -> str | None:
    """The public prefix of a well-formed key, or None when the key is malformed."""
    match = KEY_PATTERN.fullmatch(raw_key)
    return match.group(1) if match else None


def key_digest(raw_key: str) -> str:
    # A fast hash is right here: the key is 256 random bits, not a guessable password.
    return hashlib.sha256(raw_key.encode()).hexdigest()


def key_matches(raw_key: str, digest: str) -> bool:
    return hmac.compare_digest(key_digest(raw_key), digest)

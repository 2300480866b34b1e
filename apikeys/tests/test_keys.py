import hashlib

import pytest

from apikeys.keys import generate_key, key_digest, key_matches, parse_prefix


def test_generated_key_has_a_public_prefix_and_256_random_bits():
    generated = generate_key()

    # The secret is base64url and may itself contain "_": split after the prefix.
    assert generated.raw_key.startswith(generated.prefix + "_")
    secret = generated.raw_key.removeprefix(generated.prefix + "_")
    assert generated.prefix.startswith("nagg_")
    assert len(generated.prefix) == len("nagg_") + 8
    assert len(secret) == 43  # 32 bytes, base64url
    assert parse_prefix(generated.raw_key) == generated.prefix


def test_digest_is_sha256_of_the_key_and_never_the_key():
    generated = generate_key()

    assert generated.digest == hashlib.sha256(generated.raw_key.encode()).hexdigest()
    assert generated.raw_key not in generated.digest
    assert key_matches(generated.raw_key, generated.digest)
    assert not key_matches(generated.raw_key + "x", generated.digest)


def test_keys_do_not_repeat():
    keys = [generate_key() for _ in range(200)]

    assert len({k.raw_key for k in keys}) == 200
    assert len({k.prefix for k in keys}) == 200


@pytest.mark.parametrize(
    "raw_key",
    [
        pytest.param("", id="empty"),
        pytest.param("nagg_1a2b3c4d", id="prefix-only"),
        pytest.param("nagg_1A2B3C4D_" + "a" * 43, id="uppercase-prefix"),
        pytest.param("nagg_1a2b3c4d_" + "a" * 42, id="secret-too-short"),
        pytest.param("nagg_1a2b3c4d_" + "a" * 44, id="secret-too-long"),
        pytest.param("nagg_1a2b3c4d_" + "a" * 43 + "\n", id="trailing-newline"),
        pytest.param("xxxx_1a2b3c4d_" + "a" * 43, id="wrong-scheme"),
    ],
)
def test_malformed_keys_have_no_prefix(raw_key):
    assert parse_prefix(raw_key) is None


def test_digest_is_stable():
    assert key_digest("nagg_1a2b3c4d_" + "a" * 43) == key_digest("nagg_1a2b3c4d_" + "a" * 43)

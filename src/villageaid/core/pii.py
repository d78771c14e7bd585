"""Personal data at rest: encrypted ID numbers, a keyed hash for lookup,
masking, and audited reveals.

Encryption is Fernet (AES-128-CBC + HMAC-SHA256) with key rotation through
``PII_ENCRYPTION_KEYS`` (newest first). Lookup uses HMAC-SHA256 under
``PII_HASH_KEY`` so an exact ID can be found without decrypting the table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any, BinaryIO

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from villageaid.core import idnumber


def _fernet_key(raw: str) -> bytes:
    """Accept a proper Fernet key, or derive one from any passphrase."""
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.PII_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or tampered row
        raise ValueError("PII token cannot be decrypted with the configured keys") from exc


# Files (an uploaded roster holds every member's ID number) are encrypted in frames of at
# most STREAM_CHUNK bytes, so a 50 MB upload is never whole in memory: the magic line,
# then per frame a 4-byte length and a Fernet token of (8-byte index, 1-byte "last" flag,
# data). The index and the flag make a reordered or truncated file fail to decrypt.
STREAM_MAGIC = b"VAENC1\n"
STREAM_CHUNK = 1 << 20


def encrypt_stream(src: BinaryIO, dst: BinaryIO, chunk: int = STREAM_CHUNK) -> int:
    """Encrypt ``src`` into ``dst`` frame by frame; returns the plain size."""
    fernet = cipher()
    dst.write(STREAM_MAGIC)
    size, index = 0, 0
    block = src.read(chunk)
    while True:
        following = src.read(chunk) if block else b""
        last = not following
        token = fernet.encrypt(index.to_bytes(8, "big") + (b"\x01" if last else b"\x00") + block)
        dst.write(len(token).to_bytes(4, "big") + token)
        size += len(block)
        if last:
            return size
        block, index = following, index + 1


def decrypt_stream(src: BinaryIO, dst: BinaryIO) -> int:
    """Decrypt what :func:`encrypt_stream` wrote (or a whole-file token from before the
    framed format) into ``dst``; returns the plain size. Raises ``ValueError`` for a
    wrong key, a tampered, reordered or truncated file."""
    fernet = cipher()
    head = src.read(len(STREAM_MAGIC))
    try:
        if head != STREAM_MAGIC:
            plain = fernet.decrypt(head + src.read())
            dst.write(plain)
            return len(plain)
        size, index = 0, 0
        while True:
            length = src.read(4)
            if len(length) != 4:
                raise ValueError("encrypted file is truncated")
            frame = fernet.decrypt(src.read(int.from_bytes(length, "big")))
            if int.from_bytes(frame[:8], "big") != index:
                raise ValueError("encrypted file's frames are out of order")
            dst.write(frame[9:])
            size += len(frame) - 9
            if frame[8:9] == b"\x01":
                if src.read(1):
                    raise ValueError("encrypted file has data after its last frame")
                return size
            index += 1
    except InvalidToken as exc:
        raise ValueError("encrypted file cannot be decrypted with the configured keys") from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised ID number, for exact search and uniqueness."""
    normal = idnumber.normalise(value)
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def id_fields(value: str, prefix: str = "id") -> dict[str, str]:
    """The three stored columns for an ID number: cipher text, hash and mask."""
    normal = idnumber.normalise(value)
    return {
        f"{prefix}_cipher": encrypt(normal),
        f"{prefix}_hash": lookup_hash(normal),
        f"{prefix}_masked": idnumber.mask(normal),
    }


class EncryptedIdNumber(models.Model):
    """Abstract base giving a model an encrypted, hashed and masked ID number.

    ``id_number`` reads decrypt; never show it without :func:`reveal`.
    """

    id_cipher = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField("证件号码", max_length=18, editable=False)

    class Meta:
        abstract = True

    @property
    def id_number(self) -> str:
        return decrypt(self.id_cipher) if self.id_cipher else ""

    def set_id_number(self, value: str) -> None:
        for name, stored in id_fields(value).items():
            setattr(self, name, stored)


def shown_id(user: Any, obj: EncryptedIdNumber, *, module: str, area: Any) -> str:
    """The masked ID, or the full one when the user may reveal it (audited)."""
    from villageaid.core import access, audit, roles

    if access.can(user, module, roles.REVEAL, area):
        audit.record(
            actor=user,
            action="pii.reveal",
            obj=obj,
            area=area if hasattr(area, "path") else None,
            note="证件号码显示",
        )
        return obj.id_number
    return obj.id_masked


# --- the public-text filter (R-PUB-1) -------------------------------------------------------
# Every field of a public notice passes :func:`public_text`: whatever a cadre typed into a
# name or a group, no ID number, phone or bank card number, house-number address or health
# status reaches the notice board. Matches are replaced, not masked: a notice shows none of it.
HIDDEN = "＊＊"
_DIGIT_RUN = r"(?<![0-9])[0-9](?:[ -]?[0-9]){%d,%d}(?![0-9])"
PUBLIC_TEXT_PATTERNS = (
    re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])"),  # ID number, 18
    re.compile(_DIGIT_RUN % (12, 18)),  # bank card (13–19 digits, spaced or dashed)
    re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])"),  # mobile
    re.compile(r"(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])"),  # landline with area code
    re.compile(r"(?<![0-9])[1-9][0-9]{14}(?![0-9])"),  # first-generation ID number, 15
    re.compile(r"[0-9０-９]+(?:号楼|号院|号|栋|幢|单元|室|弄|组团)"),  # house-number address
    re.compile("长期慢性病|慢性病|患有大病|重大疾病|大病|重度残疾|残疾|精神病|癌症"),  # health
)


def public_text(value: str) -> str:
    """``value`` with every ID, phone and bank card number, house-number address and health
    status word replaced by ``＊＊``; ordinary words pass unchanged."""
    for pattern in PUBLIC_TEXT_PATTERNS:
        value = pattern.sub(HIDDEN, value)
    return value

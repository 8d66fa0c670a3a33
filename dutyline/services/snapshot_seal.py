"""Sealing a desk's search snapshot at rest: chunked AES-256-GCM with a key held in the database.

Why: the snapshot copies children's names, dates of birth, postcodes and phone numbers out of the
database onto a desk's disk. Sealed with a key only an authenticated database login can read (the
`snapshot_key` table), a copied laptop disk, backup or stray file alone reveals nothing; and a snapshot
whose database is gone (or was re-created, with a new key) can never be opened again.

Format: a plain header (magic, format version, the random per-file nonce prefix, and the database
address the snapshot belongs to, so files of databases that no longer exist can be found and deleted
without the key; an address is a file path or host name, never personal data), then records of
`4-byte length + ciphertext`, each record a 1 MiB chunk sealed with nonce = prefix + counter and the
header, counter and a last-chunk flag as associated data. A record cut off, reordered, swapped between
files or dropped from the end fails authentication. Chunks keep memory flat: writing never holds more
than one chunk of ciphertext, reading decrypts into one buffer the size of the plaintext.
"""

from __future__ import annotations

import io
import json
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"DLSEAL01"
CHUNK = 1 << 20
_LEN = struct.Struct(">I")
_AAD = struct.Struct(">IB")  # chunk counter, last-chunk flag


class SealError(ValueError):
    """The file is not a sealed snapshot this key opens (damaged, truncated, another database's)."""


def _header(prefix: bytes, address: str) -> bytes:
    label = json.dumps({"db": address}).encode()
    return MAGIC + prefix + _LEN.pack(len(label)) + label


class SealedWriter(io.RawIOBase):
    """A write-only stream that seals what is written to `out` in chunks; `close()` writes the last one."""

    def __init__(self, out: IO[bytes], key: bytes, address: str) -> None:
        super().__init__()
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._head = _header(self._prefix, address)
        out.write(self._head)
        self._buf = bytearray()
        self._counter = 0
        self._written = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:  # zipfile asks where it is when writing to a stream
        return self._written

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buf += view
        self._written += len(view)
        while len(self._buf) > CHUNK:  # keep at least one byte back: the last chunk is sealed at close
            self._seal(bytes(self._buf[:CHUNK]), last=False)
            del self._buf[:CHUNK]
        return len(view)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._counter)
        sealed = self._aead.encrypt(nonce, chunk, self._head + _AAD.pack(self._counter, last))
        self._out.write(_LEN.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buf), last=True)
            self._buf = bytearray()
        super().close()


def read_address(stream: IO[bytes]) -> str | None:
    """The database address in a sealed file's plain header, or None when it is not a sealed file."""
    head = stream.read(len(MAGIC) + 8 + _LEN.size)
    if len(head) < len(MAGIC) + 8 + _LEN.size or not head.startswith(MAGIC):
        return None
    (size,) = _LEN.unpack(head[-_LEN.size :])
    try:
        return str(json.loads(stream.read(min(size, 65536)))["db"])
    except (ValueError, KeyError, TypeError):
        return None


def unseal(stream: IO[bytes], key: bytes, size: int) -> memoryview:
    """The plaintext of a sealed file of `size` bytes, or SealError. Every chunk is authenticated."""
    start = stream.read(len(MAGIC) + 8 + _LEN.size)
    if len(start) < len(MAGIC) + 8 + _LEN.size or not start.startswith(MAGIC):
        raise SealError("not a sealed snapshot")
    prefix = start[len(MAGIC) : len(MAGIC) + 8]
    (label_size,) = _LEN.unpack(start[-_LEN.size :])
    head = start + stream.read(label_size)
    aead = AESGCM(key)
    out = bytearray(max(0, size))  # the plaintext is smaller than the file: one buffer, no copies
    filled = 0
    counter = 0
    while True:
        raw = stream.read(_LEN.size)
        if len(raw) < _LEN.size:
            raise SealError("snapshot is truncated")
        (n,) = _LEN.unpack(raw)
        sealed = stream.read(n)
        if len(sealed) < n:
            raise SealError("snapshot is truncated")
        nonce = prefix + struct.pack(">I", counter)
        last = False
        try:
            chunk = aead.decrypt(nonce, sealed, head + _AAD.pack(counter, False))
        except InvalidTag:
            try:
                chunk = aead.decrypt(nonce, sealed, head + _AAD.pack(counter, True))
            except InvalidTag:
                raise SealError("snapshot does not open with this database's key") from None
            last = True
        out[filled : filled + len(chunk)] = chunk
        filled += len(chunk)
        counter += 1
        if last:
            return memoryview(out)[:filled]


class MemoryReader(io.RawIOBase):
    """A seekable read-only stream over a buffer, without copying it (np.load needs seek)."""

    def __init__(self, data: memoryview) -> None:
        super().__init__()
        self._data = data
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), len(self._data) - self._pos)
        b[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._data)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

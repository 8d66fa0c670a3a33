"""Reading a policy file someone hands us, safely: regular files only, size- and depth-limited.

Why: `policy apply FILE` runs as an administrator and the file may come from anywhere. A FIFO or a device
must be refused at once, not block the command for ever (the file is opened non-blocking and checked with
fstat before a byte is read); a 60 MB file must be refused, not stored in the shared database; and a
deeply nested TOML must be a clear error, not a RecursionError inside the TOML parser. The real policy
is about 10 KB and nests four levels, so the limits leave wide room.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from dutyline.domain.text import shown

#: Largest policy file accepted (bytes).
MAX_POLICY_BYTES = 1_000_000
#: Deepest nesting of tables and arrays accepted.
MAX_POLICY_DEPTH = 16


class PolicyFileError(Exception):
    """The file cannot be used as a policy (not read, too big, too deep); the message says why."""


def read_policy_text(path: Path | str) -> str:
    """The file's text, or PolicyFileError: not a regular file, over MAX_POLICY_BYTES, or not UTF-8."""
    name = shown(str(path), 200)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise PolicyFileError(f"cannot read policy file {name}: {exc.strerror or type(exc).__name__}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise PolicyFileError(f"policy file {name} is not a regular file (a pipe, device or folder)")
        if st.st_size > MAX_POLICY_BYTES:
            raise PolicyFileError(
                f"policy file {name} is {st.st_size:,} bytes; a policy may be at most {MAX_POLICY_BYTES:,}"
            )
        chunks: list[bytes] = []
        total = 0
        while total <= MAX_POLICY_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise PolicyFileError(f"cannot read policy file {name}: {exc.strerror or type(exc).__name__}") from None
    finally:
        os.close(fd)
    if total > MAX_POLICY_BYTES:  # it grew while we read it
        raise PolicyFileError(f"policy file {name} is over {MAX_POLICY_BYTES:,} bytes")
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyFileError(f"policy file {name} is not UTF-8 text") from None


def nesting_depth(text: str) -> int:
    """How deeply `[` and `{` nest outside strings and comments: checked before the TOML parser, whose
    recursion a few thousand brackets would exhaust."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            if text.startswith(c * 3, i):
                end = text.find(c * 3, i + 3)
                i = n if end < 0 else end + 2
            else:
                j = i + 1
                while j < n and text[j] != c and text[j] != "\n":
                    j += 2 if (c == '"' and text[j] == "\\") else 1
                i = j
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def _data_depth(data: Any) -> int:
    """Nesting depth of parsed TOML (dotted keys can nest without brackets); iterative, never recursive."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_POLICY_DEPTH:
            return depth
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def parse_toml_limited(text: str, source: str) -> dict[str, Any]:
    """tomllib.loads, with the depth limit applied before and after (a clear error, never RecursionError)."""
    name = shown(source, 200)
    too_deep = f"policy file {name} nests tables or arrays more than {MAX_POLICY_DEPTH} deep"
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise PolicyFileError(f"policy file {name} is over {MAX_POLICY_BYTES:,} bytes")
    if nesting_depth(text) > MAX_POLICY_DEPTH:
        raise PolicyFileError(too_deep)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise PolicyFileError(too_deep) from None
    if _data_depth(data) > MAX_POLICY_DEPTH:
        raise PolicyFileError(too_deep)
    return data

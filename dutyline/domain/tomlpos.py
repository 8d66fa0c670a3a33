"""Find the line of a key path in TOML text, so policy errors can say "line 42".

`tomllib` returns plain dicts without positions and pydantic reports a key path such as
`("routing", "rules", 3, "team")`. This scanner walks the text once, recording the full key path that
each table header and `key = value` line defines (counting `[[array]]` tables), and returns the line of
the longest recorded path that is a prefix of the one asked for. It is deliberately simple: it only has
to locate keys in files that `tomllib` has already parsed successfully.
"""

from __future__ import annotations

from collections.abc import Sequence

KeyPath = tuple[str | int, ...]


def _split_key(raw: str) -> tuple[str, ...]:
    """Split a dotted TOML key (`a."b.c".d`) into parts, removing quotes."""
    parts: list[str] = []
    buf = ""
    quote = ""
    for ch in raw.strip():
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return tuple(parts)


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _depth_change(value: str) -> int:
    """Net count of open brackets/braces in `value`, ignoring those inside strings."""
    depth = 0
    quote = ""
    for ch in value:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


def key_lines(text: str) -> list[tuple[KeyPath, int]]:
    """Every (key path, 1-based line) defined by a header or a key line, in file order."""
    entries: list[tuple[KeyPath, int]] = []
    current: KeyPath = ()
    array_counts: dict[tuple[str, ...], int] = {}
    depth = 0
    in_multiline = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if raw.count(in_multiline) % 2 == 1:
                in_multiline = ""
            continue
        line = _strip_comment(raw).strip()
        if depth > 0:
            depth += _depth_change(line)
            continue
        if not line:
            continue
        if line.startswith("[["):
            names = _split_key(line[2 : line.rfind("]]")])
            index = array_counts.get(names, 0)
            array_counts[names] = index + 1
            current = (*names, index)
            entries.append((current, number))
        elif line.startswith("["):
            current = _split_key(line[1 : line.rfind("]")])
            entries.append((current, number))
        elif "=" in line:
            key, value = line.split("=", 1)
            entries.append(((*current, *_split_key(key)), number))
            value = value.strip()
            for delim in ('"""', "'''"):
                if value.startswith(delim) and value.count(delim) == 1:
                    in_multiline = delim
            depth = max(0, _depth_change(value))
    return entries


def find_key_line(text: str, loc: Sequence[str | int]) -> int | None:
    """The line of the longest defined key path that is a prefix of `loc` (None if nothing matches)."""
    want = tuple(str(p) for p in loc)
    best: tuple[int, int] | None = None  # (matched length, line)
    for path, number in key_lines(text):
        parts = tuple(str(p) for p in path)
        if len(parts) <= len(want) and want[: len(parts)] == parts and (best is None or len(parts) > best[0]):
            best = (len(parts), number)
    return best[1] if best else None

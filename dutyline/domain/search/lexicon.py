"""Name knowledge as data: nicknames and sound-alike spellings no rule can derive, read from text files.

Why data, not code: "Bill" for William or "Neve" for Niamh is cultural, not phonetic, and a council knows
its own communities' names better than any built-in list. The files live in `namedata/` beside this module
(each says where its entries came from); a council adds its own files to the data folder's `names/`
(see the README). Two formats, chosen by the file name:

- `nicknames*.txt`: `formal: short short ...` (a short form may sit under several formal names);
- `soundalikes*.txt`: `spelling spelling ...` (every spelling on the line sounds like the others; lines
  sharing a spelling join into one group).

`#` starts a comment; blank lines are ignored; names are folded (accents dropped, lower case). A bad line
stops start-up with `NameDataError` naming the file and line, like a bad policy file, rather than
searching with half a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dutyline.domain.policy import PolicyError
from dutyline.domain.search.names import fold_name

_WORD = re.compile(r"[a-z]+")


class NameDataError(PolicyError):
    """A name data file that cannot be used; the message names the file and line, never more.

    A kind of PolicyError: the name files are council configuration, checked at start like the policy."""


@dataclass(frozen=True)
class Lexicon:
    """Nicknames (both directions) and sound-alike groups, keyed by folded word."""

    formal_to_short: dict[str, frozenset[str]] = field(default_factory=dict)
    short_to_formal: dict[str, frozenset[str]] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)

    def nickname_variants(self, word: str) -> dict[str, float]:
        """Names `word` may stand for, with a closeness: formal<->short 1.0, two shorts of one name 0.8."""
        out: dict[str, float] = {}
        for s in self.formal_to_short.get(word, ()):
            out[s] = 1.0
        for f in self.short_to_formal.get(word, ()):
            out[f] = 1.0
        for f in self.short_to_formal.get(word, ()):
            for s in self.formal_to_short.get(f, ()):
                out.setdefault(s, 0.8)
            for spelling in self.groups.get(f, ()):  # 'mo' is Mohammed's, so Maxamed's too
                out.setdefault(spelling, 0.8)
        for spelling in self.groups.get(word, ()):  # and "maxamed" may be the child known as Mo
            for s in self.formal_to_short.get(spelling, ()):
                out.setdefault(s, 0.8)
        out.pop(word, None)
        return out

    def sound_alikes(self, word: str) -> frozenset[str]:
        """Listed spellings that sound like `word` (excluding itself)."""
        return self.groups.get(word, frozenset())

    def without(self, pairs: Iterable[tuple[str, str]]) -> Lexicon:
        """A copy with every link between each pair's two names removed (held-out benchmark runs)."""
        cut: set[tuple[str, str]] = set()
        for a, b in pairs:
            a, b = fold_name(a), fold_name(b)
            cut |= {(a, b), (b, a)}

        def drop(table: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
            return {k: frozenset(v for v in vs if (k, v) not in cut) for k, vs in table.items()}

        # Two shorts of one formal name are linked through it: cut (formal, short) for each side too.
        f2s = drop(self.formal_to_short)
        for a, b in list(cut):
            for f in self.short_to_formal.get(a, ()):
                if b in f2s.get(f, ()):
                    f2s[f] = f2s[f] - {a}
        s2f: dict[str, set[str]] = {}
        for f, shorts in f2s.items():
            for s in shorts:
                s2f.setdefault(s, set()).add(f)
        return Lexicon(f2s, {k: frozenset(v) for k, v in s2f.items()}, drop(self.groups))


def _words(text: str, where: str) -> list[str]:
    out: list[str] = []
    for raw in text.split():
        w = fold_name(raw)
        if not _WORD.fullmatch(w):
            raise NameDataError(f"{where}: a name must be letters only (one word)")
        out.append(w)
    return out


def parse(files: Iterable[tuple[str, str]]) -> Lexicon:
    """Build a Lexicon from (file name, text) pairs. Raises NameDataError naming file and line."""
    f2s: dict[str, set[str]] = {}
    groups: dict[str, set[str]] = {}
    for name, text in files:
        base = Path(name).name
        if base.startswith("nicknames"):
            kind = "nick"
        elif base.startswith("soundalikes"):
            kind = "sound"
        else:
            raise NameDataError(f"{base}: a name file's name must start with 'nicknames' or 'soundalikes'")
        for n, line in enumerate(text.splitlines(), 1):
            body = line.split("#", 1)[0].strip()
            if not body:
                continue
            where = f"{base} line {n}"
            if kind == "nick":
                formal, colon, shorts = body.partition(":")
                if not colon:
                    raise NameDataError(f"{where}: expected 'formal: short short ...'")
                head = _words(formal, where)
                tail = _words(shorts, where)
                if len(head) != 1 or not tail:
                    raise NameDataError(f"{where}: expected one formal name, a colon and at least one short form")
                f2s.setdefault(head[0], set()).update(t for t in tail if t != head[0])
            else:
                group = set(_words(body, where))
                if len(group) < 2:
                    raise NameDataError(f"{where}: a sound-alike line needs at least two different spellings")
                for w in group:
                    groups.setdefault(w, set()).update(group - {w})
    _close(groups)
    s2f: dict[str, set[str]] = {}
    for formal_name, short_forms in f2s.items():
        for short in short_forms:
            s2f.setdefault(short, set()).add(formal_name)
    return Lexicon(
        {k: frozenset(v) for k, v in f2s.items()},
        {k: frozenset(v) for k, v in s2f.items()},
        {k: frozenset(v) for k, v in groups.items()},
    )


def _close(groups: dict[str, set[str]]) -> None:
    """Sound-alike groups sharing a spelling become one (in place): 'maxamed mohamed' on one line and
    'mohammed ... mohamed' on another are all one name's spellings, wherever a council wrote them."""
    root: dict[str, str] = {}

    def find(w: str) -> str:
        while root.setdefault(w, w) != w:
            root[w] = root[root[w]]
            w = root[w]
        return w

    for w, others in groups.items():
        for o in others:
            root[find(o)] = find(w)
    members: dict[str, set[str]] = {}
    for w in groups:
        members.setdefault(find(w), set()).add(w)
    for w in groups:
        groups[w] = members[find(w)] - {w}


def builtin_files() -> list[tuple[str, str]]:
    """The shipped name files, as (file name, text), in name order."""
    folder = resources.files("dutyline.domain.search") / "namedata"
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".txt"))


def load(extra_dirs: Iterable[Path] = ()) -> Lexicon:
    """The shipped files plus every `*.txt` in `extra_dirs` (a council's own names)."""
    files = builtin_files()
    for folder in extra_dirs:
        for path in sorted(Path(folder).glob("*.txt")):
            try:
                files.append((path.name, path.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                raise NameDataError(f"{path.name}: not UTF-8 text") from None
    return parse(files)


_default: Lexicon | None = None


def default() -> Lexicon:
    """The lexicon new indexes use: the shipped files unless `use` installed another."""
    global _default
    if _default is None:
        _default = load()
    return _default


def use(lexicon: Lexicon) -> None:
    """Make `lexicon` the one new indexes use (the service calls this at start with the council's files)."""
    global _default
    _default = lexicon

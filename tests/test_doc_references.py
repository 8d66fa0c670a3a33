"""Comments and docstrings point only at documents that are in this repository.

Reasoning the code depends on lives in `docs/` (and the README), so a maintainer with only this checkout
has all of it. This test reads every comment and docstring in dutyline/, tests/ and bench/ (and the `--`
comments of the SQL files) and fails on a `.md` name that does not exist here, or on a section of a
docs file that is not one of its headings: a reference to docs/PRIVACY.md, C4 needs a heading starting
"C4.", and one to docs/ARCHITECTURE.md, Layers. needs a heading "Layers".
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("dutyline", "tests", "bench")
MD_NAME = re.compile(r"[\w./-]*\w\.md\b")
SECTION_REF = re.compile(r"(docs/[\w-]+\.md), ([^();]*)")
LABEL = re.compile(r"\b[A-D]\d{1,2}\b")


def comment_texts(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring in a Python file, or `--` comment in an SQL file."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".sql":
        return [(n, line) for n, line in enumerate(source.splitlines(), 1) if line.lstrip().startswith("--")]
    found = [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                found.append((node.body[0].lineno, doc))
    return found


def headings(doc: Path) -> set[str]:
    """A docs file's section titles, and the short labels ("C4") that start some of them."""
    titles = {m.group(1).strip() for m in re.finditer(r"^#+ (.+)$", doc.read_text(encoding="utf-8"), re.M)}
    return titles | {t.split(".")[0] for t in titles if LABEL.fullmatch(t.split(".")[0])}


def problems_in(path: Path) -> list[str]:
    out: list[str] = []
    for line, text in comment_texts(path):
        flat = " ".join(text.split())  # a reference may wrap across comment lines
        for name in MD_NAME.findall(flat):
            if not ((ROOT / name).is_file() or (path.parent / name).is_file() or (ROOT / "docs" / name).is_file()):
                out.append(f"{path.relative_to(ROOT)}:{line}: {name} is not in the repository")
        for doc_name, tail in SECTION_REF.findall(flat):
            doc = ROOT / doc_name
            if not doc.is_file():
                continue  # reported above
            known = headings(doc)
            labels = LABEL.findall(tail)
            wanted = labels or [tail.split(".")[0].strip()]
            out += [
                f"{path.relative_to(ROOT)}:{line}: {doc_name} has no section {w!r}" for w in wanted if w not in known
            ]
    return out


def scanned_files() -> list[Path]:
    return sorted(p for folder in SCANNED for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".sql"))


def test_every_referenced_document_and_section_exists() -> None:
    files = scanned_files()
    assert len(files) > 100 and ROOT / "dutyline" / "store" / "pg_grants.sql" in files
    problems = [p for path in files for p in problems_in(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# see notes.md C8", "notes.md is not in the repository"),
        ("# (docs/PRIVACY.md, C99)", "has no section 'C99'"),
        ("# (docs/ARCHITECTURE.md, Nowhere)", "has no section 'Nowhere'"),
        ('"""Idle lock (docs/PRIVACY.md,\nC8; WCAG 2.2.1) and docs/ARCHITECTURE.md, Layers."""', None),
    ],
)
def test_the_check_catches_a_missing_document_or_section(tmp_path: Path, comment: str, expected: str | None) -> None:
    probe = ROOT / "tests" / f"_doc_ref_probe_{tmp_path.name}.py"
    probe.write_text(comment + "\n", encoding="utf-8")
    try:
        found = problems_in(probe)
    finally:
        probe.unlink()
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found

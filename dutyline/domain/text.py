"""Text hygiene shared by import, search and display.

Why here: the same rules must hold at validation time and again at render time (docs/PRIVACY.md, C2), and the
same phone/postcode keys must be produced by the importer and by the search box, or exact look-ups miss.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except TAB and LF, DEL, C1 controls, and bidi embeddings/overrides/isolates, plus
# zero-width characters that make two identical-looking names differ.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


def sanitize(text: str, *, multiline: bool = False) -> str:
    """Remove escape sequences and control/bidi characters; keep LF (and TAB) only when `multiline`.

    Idempotent: sanitize(sanitize(x)) == sanitize(x). Whole ANSI/OSC sequences are removed first so their
    printable tails ("]0;title") do not survive as junk.
    """
    if text.isprintable():  # fast path (nearly every value): no controls, no format characters, no ESC
        return text
    text = _ANSI.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def one_line(text: str) -> str:
    """Sanitise and collapse whitespace: for names and other single-line fields."""
    return " ".join(sanitize(text).split())


def shown(text: object, limit: int = 80) -> str:
    """User-supplied text (a login, a file name, a column name) made safe to put in a message: one line,
    no control or escape characters, at most `limit` characters (a 5,000-character login must not flood a
    terminal or overflow a column). Never use it on a child's data: that is never shown at all."""
    clean = one_line(str(text))
    return clean if len(clean) <= limit else clean[: max(1, limit - 1)] + "…"


#: The longest login dutyline stores or shows (the staff and audit columns hold 100 characters).
LOGIN_MAX = 100


def login_text(text: str) -> str:
    """A login as it may be stored, audited and echoed: sanitised, one line, at most LOGIN_MAX characters.

    Logins come from outside (the kernel, the database server, a command line); a 5,000-character login
    or one holding an escape sequence must neither reach a terminal raw nor make the audit row that
    records its refusal fail to fit.
    """
    clean = one_line(text)
    return clean if len(clean) <= LOGIN_MAX else clean[: LOGIN_MAX - 3] + "..."


def fold(text: str) -> str:
    """Caseless, accent-less comparison key: NFKC + casefold, then strip combining marks.

    'Zoë', 'ZOE', 'Zoe\u0308' and fullwidth 'Ｚｏｅ' all fold to 'zoe'.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d").replace("æ", "ae")


def phone_digits(text: str) -> str:
    """National-format digits of a UK phone number: '+44 (0)7700 900123' -> '07700900123'.

    Returns '' when the text holds no plausible number. Non-UK international numbers keep their digits
    with a leading '00' so they are still matchable.
    """
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if text.strip().startswith("+") or digits.startswith("00"):
        digits = digits[2:] if digits.startswith("00") else digits
        if digits.startswith("44"):
            rest = digits[2:]
            if rest.startswith("0"):  # "+44 (0)1442 ..." written with the trunk zero
                rest = rest[1:]
            return "0" + rest
        return "00" + digits
    return digits


def valid_uk_phone(digits: str) -> bool:
    """A national UK number is 10 or 11 digits starting 0 (01/02/03/05/07/08/09)."""
    if digits.startswith("00"):
        return 8 <= len(digits) <= 17
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "1235789"


# Official UK postcode shape (BS 7666 simplified): outward 2-4 chars, inward digit + 2 letters.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")


def postcode_key(text: str) -> str:
    """Postcode with spaces removed and upper-cased: 'al1 3ab' -> 'AL13AB' (no validation)."""
    return re.sub(r"\s+", "", text).upper()


def format_postcode(text: str) -> str | None:
    """Canonical 'AL1 3AB' form, or None if this is not a UK postcode."""
    key = postcode_key(text)
    m = _POSTCODE.match(key)
    if not m:
        return None
    return f"{m.group(1)} {m.group(2)}"

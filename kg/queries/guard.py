"""One reading of a query's text, for the network check and for every engine that runs it.

rdflib checks a user's query (no SERVICE, no FROM), but Oxigraph and SPARQL servers run it,
and the parsers read some texts differently:

- a comment ends at a line feed for rdflib, and at a carriage return too for Oxigraph (as
  SPARQL 1.1 says);
- rdflib expands ``\\u`` and ``\\U`` escapes in the whole text before parsing (as SPARQL 1.1
  says, though it reads ``\\U`` with four digits), Oxigraph only inside strings and IRIs
  (as SPARQL 1.2 says), so ``"A\\u005C"`` ends a string for one and escapes its quote for
  the other.

A text that one parser read as a comment or a string and the other as a SERVICE clause
reached the network. So the text is read here once, by the SPARQL 1.1 rules, and written
again in a form with nothing left to read two ways (:func:`canonical`): no comments, no code
point escapes, every string in double quotes on one line with its quotes, apostrophes and
backslashes escaped, whitespace as a space or a line feed. The check and the engine both get
that text; and SERVICE, FROM and LOAD outside strings and IRIs are refused here too
(:func:`network_words`), whatever a parser makes of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kg.errors import NetworkRefused, QueryError

# SPARQL 1.1, section 19.2: code point escapes are expanded before the text is parsed.
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The grammar's IRIREF: no controls, spaces or <>"{}|^`\ inside the brackets.
_IRIREF = re.compile(r'<[^\x00-\x20<>"{}|^`\\]*>')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
# A tab, backspace and form feed are escaped too: rdflib's parser reads a tab inside a
# string as a space ("a\tb" became "a b").
_WRITE = {
    "\\": "\\\\",
    '"': '\\"',
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
# rdflib would expand these again in the text it is given (it matches \u with 4 or 8 digits).
_ESCAPE_LOOKALIKE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
# The keyword anywhere but inside a variable's name (?from), a prefixed name's local part
# (ex:wasDerivedFrom) or a language tag (@en-from): a letter, "_", "-", "?", "$", ":" or "@"
# before it. Nothing after it excuses it, since a parser needs no space after a keyword
# (SERVICESILENT<...>, SERVICE:x), nor does a digit before it (1SERVICE is 1 and SERVICE).
_NETWORK_WORD = re.compile(
    r"(?<![A-Za-z_\-?$:@\u00B7\u00C0-\U000EFFFF])(SERVICE|FROM|LOAD)",
    re.IGNORECASE,
)
MAX_QUERY_CHARS = 1_000_000  # a query of a million characters is data, not a question


@dataclass(frozen=True)
class _Reading:
    text: str  # the canonical text
    code: str  # the canonical text with every string and IRI blanked: what the words check


def _where(text: str, at: int) -> str:
    line = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at) + 1
    start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    return f"line {line}, column {at - start + 1}"


def _expand(text: str) -> str:
    def character(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"the escape {match.group(0)} in the query names no character")
        return chr(code)

    return _CODEPOINT.sub(character, text)


def _string(text: str, at: int) -> tuple[str, int]:
    """The value of the string literal that starts at ``at``, and the offset after it."""
    quote = text[at] * 3 if text.startswith(text[at] * 3, at) else text[at]
    i, n = at + len(quote), len(text)
    value: list[str] = []
    while i < n:
        if text.startswith(quote, i):
            return "".join(value), i + len(quote)
        ch = text[i]
        if ch == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped not in _ECHAR:
                raise QueryError(
                    f"SPARQL syntax error at {_where(text, i)}: \\{escaped} is no escape "
                    "in a string"
                )
            value.append(_ECHAR[escaped])
            i += 2
            continue
        if len(quote) == 1 and ch in "\n\r":
            break
        value.append(ch)
        i += 1
    raise QueryError(f"SPARQL syntax error at {_where(text, at)}: a string is not closed")


def _write_string(value: str, text: str, at: int) -> str:
    written = '"' + "".join(_WRITE.get(ch, ch) for ch in value) + '"'
    if _ESCAPE_LOOKALIKE.search(written):
        raise QueryError(
            f"the string at {_where(text, at)} holds a backslash followed by u and hex "
            "digits, which SPARQL parsers read in two ways; write the backslash another way "
            "(for example with STR or CONCAT)"
        )
    return written


def _read(text: str) -> _Reading:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query has {len(text):,} characters, more than the {MAX_QUERY_CHARS:,} a "
            "query may have; bind values with --param or load data into the store instead"
        )
    text = _expand(text).removeprefix("\ufeff")  # the byte order mark an editor may add
    out: list[str] = []
    code: list[str] = []
    pending = ""  # the whitespace (or comment) seen since the last token: " " or "\n"
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\n\r" or ch == "#":
            if ch == "#":  # a comment ends at a line feed or a carriage return
                ends = [e for e in (text.find("\n", i), text.find("\r", i)) if e >= 0]
                i = min(ends) if ends else n
                pending = pending or " "
                continue
            pending = "\n" if ch in "\n\r" or pending == "\n" else " "
            i += 1
            continue
        if pending and out:
            out.append(pending)
            code.append(pending)
        pending = ""
        if ch in "\"'":
            value, end = _string(text, i)
            written = _write_string(value, text, i)
            if out and out[-1].endswith('"'):  # "a" "b", never "a""b" (nor three quotes)
                out.append(" ")
                code.append(" ")
            out.append(written)
            code.append('""')
            i = end
            continue
        if ch == "<" and (m := _IRIREF.match(text, i)):
            out.append(m.group(0))
            code.append("<>")
            i = m.end()
            continue
        if ch == "\\":
            raise QueryError(
                f"SPARQL syntax error at {_where(text, i)}: a backslash outside a string "
                "(escapes in prefixed names are not supported)"
            )
        category = unicodedata.category(ch)
        if category[0] in "CZ":
            raise QueryError(
                f"SPARQL syntax error at {_where(text, i)}: the character U+{ord(ch):04X} "
                f"({unicodedata.name(ch, category)}) may stand only inside a string"
            )
        out.append(ch)
        code.append(ch)
        i += 1
    return _Reading("".join(out), "".join(code))


def canonical(text: str) -> str:
    """``text`` written so that every SPARQL parser reads it the same way (see the module's
    note); QueryError if it cannot be read by the SPARQL 1.1 rules at all."""
    return _read(text).text


def network_words(text: str) -> list[str]:
    """The keywords SERVICE, FROM and LOAD that ``text`` has outside strings, IRIs and
    comments, as written (after code point escapes), in order."""
    return [m.group(0) for m in _NETWORK_WORD.finditer(_read(text).code)]


def checked(text: str, *, allow_network: bool = False) -> str:
    """The canonical text of a query, refused (NetworkRefused) if it has SERVICE, FROM or
    LOAD outside strings and IRIs, unless ``allow_network``."""
    reading = _read(text)
    if not allow_network:
        for m in _NETWORK_WORD.finditer(reading.code):
            word = m.group(0).upper()
            what = {
                "SERVICE": "SERVICE in a query would reach the network",
                "FROM": "FROM / FROM NAMED in a query may fetch a remote graph",
                "LOAD": "LOAD would fetch a graph from the network",
            }[word]
            raise NetworkRefused(
                f"{what} and is refused (the word {m.group(0)!r}); pass --allow-network to allow it"
            )
    return reading.text

"""The parties of a PA-X agreement, read from its prose (the ``Part`` and ``ThrdPart`` cells).

PA-X writes who signed as the agreement writes it: names, persons with their titles,
``[Signed]``, ``Represented by:``, several to a line or separated by ``;``. This module
only cuts that text into pieces, each one party as written, and says what each piece is
made of (a name, a person named beside it, an office); :mod:`kg.importers.pax` decides
which actor, if any, a piece names. Nothing here knows the graph: a piece that names no
actor is kept as text there.

A third party's role comes from the cue PA-X (or the agreement) gives: "Guarantor:",
"Mediated by", "Facilitated by", "Witnesses:", "Observers", "In the presence of". A line
that is only a cue gives the role of the lines after it; a third party without any cue is a
witness (PA-X lists there whoever was present and signed without being a party).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SIGNATORY, GUARANTOR, MEDIATOR, WITNESS = "signatory", "guarantor", "mediator", "witness"

# Spaces PA-X cells use besides the plain one: no-break, line separator, tab.
_SPACES = re.compile(r"[\u00a0\u2028\u2029\t\u200b ]+")
# Editorial notes in square brackets ([Signed], [Illegible], [Stamp]) and translations
# ([The Army of Islam]): neither is part of the name.
_BRACKETS = re.compile(r"\[[^\]]*(?:\]|$)")
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[-–.)]+|[•·▪\-–—.*]+|\(?[a-z0-9]\))\s*", re.IGNORECASE)
# Words that introduce a party without being part of its name, as PA-X transcribes them.
_LEAD = re.compile(
    r"^(?:"
    r"\(?signed\)?\s*(?:on\s+behalf\s+of|by|for)?|signing\s+on\s+behalf\s+of|signature\s+of"
    r"|on\s+behalf\s+of|represented\s+by|representing"
    r"|(?:an?\s+|the\s+)?representatives?(?:\s+and\s+a\s+delegate)?\s+(?:of|from|for)"
    r"|(?:an?\s+|the\s+)?delegates?\s+(?:of|from)|(?:the\s+)?delegation\s+of"
    r"|on\s+the\s+side\s+of|from\s+factions\s+of|from|for|by|to"
    r"|pour|por|par|para|au\s+nom\s+d[eu]|en\s+nombre\s+de|de\s+la\s+part\s+d[eu]"
    r"|side\s+(?:one|two|three|\d)|(?:t)?he\s+(?:first|second|third)\s+party"
    r")\b\s*[:,\-–]?\s*",
    re.IGNORECASE,
)
_TRAIL = re.compile(r"(?:[\s,;:.]+|,?\s*\(?signed\)?\.?)+$", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)(?:\)|$)")
_ACRONYMS = re.compile(r"[A-Z][A-Za-z\-]{0,6}(?:\s*[;,]\s*[A-Z][A-Za-z\-]{0,6})*")
# "X, signed by Y", "X represented by Y", "Y, signed on behalf of X", "Y for X", "X - Y".
_SIGNED_BY = re.compile(
    r"^(?P<party>.+?),?\s+(?:signed\s+by|represented\s+by)\s+(?P<person>.+)$", re.IGNORECASE
)
_ON_BEHALF = re.compile(
    r"^(?P<person>.+?),?\s+(?:signed\s+)?on\s+behalf\s+of\s+(?:the\s+)?(?P<party>.+)$",
    re.IGNORECASE,
)
_FOR = re.compile(r"^(?P<person>.+?)\s+for\s+(?:the\s+)?(?P<party>.+)$")
_DASH = re.compile(r"^(?P<party>.+?)\s+[-–]\s+(?P<person>.+)$")
# "Russian Federation Representative Sergey Viktorovich Lavrov": the party, then who signed.
_REPRESENTATIVE = re.compile(
    r"^(?P<party>[A-Z].+?)\s+(?:Representative|Delegate)\s+(?P<person>.+)$"
)

# A person's title before the name: "Sheikh", "Abu" (a kunya), military ranks.
HONORIFIC = re.compile(
    r"^(?:sheikh|shaikh|shiekh|al-sheikh|abu|abo|umm|dr|col|colonel|lt|lieutenant|maj|major"
    r"|capt|captain|gen|general|brother|mr|mrs|ms|h\.?e|his\s+excellency|mullah|imam|prof)\b\.?",
    re.IGNORECASE,
)
# Words that make a piece a title (an office) rather than a name.
OFFICE_WORDS = re.compile(
    r"\b(?:minister|president|prime\s+minister|ambassador|envoy|special\s+representative"
    r"|adviser|advisor|secretary(?:-general)?|chairman|chairperson|chair|head|commander"
    r"|governor|king|emir|sultan|chief|leader|deputy|director|mayor|co-president|mukhtar"
    r"|official|officer|secretaries|general|co-chair)s?\b",
    re.IGNORECASE,
)
# Words that make a piece no name at all: a role, a side, a crowd, a note.
VAGUE_WORDS = re.compile(
    r"\b(?:part(?:y|ies)|sides?|representatives?|delegates?|elders|residents|people(?![’'ʼ]s)"
    r"|notables|dignitaries|leaders|signator(?:y|ies)|signatures?|signed|sighed|unsigned"
    r"|factions?|members?|unknown|unclear|illegible|unspecified|secondary|listed|participants"
    r"|agreement|document|according|named|will|were|was|is|are|segments|several|all"
    r"|villages?|neighbou?rhood|families|tribes|clans|sheikhs|stamp|page|note|notes"
    r"|initiative|not|other|others|rebels|third|contract|resolutions?|although|guaranteed"
    r"|negotiating|part"
    r"|witnessed|mediated|present|attended|meeting|conference|session)\b",
    re.IGNORECASE,
)
# Words in a name that make it an armed group (PA-X's names of Syrian and other factions).
ARMED_WORDS = re.compile(
    r"\b(?:army|armed|brigades?|battalions?|front|jabhat|jaysh|jaish|jund|liwa|liva|alwiyat"
    r"|faylaq|failaq|harakat|harikat|hay[’'ʼ]?at|ahrar|tahrir|ansar|kata[’'ʼ]?ib|firqa|farqa"
    r"|suqur|division|legion|militias?|units|forces|operations?\s+rooms?|islamic\s+state|mujahideen"
    r"|movement|guard|tawhid|nusra|qaeda|rebel)\b",
    re.IGNORECASE,
)
# Words that make a name an organisation's (not a person's), armed or not.
ORGANISATION_WORDS = re.compile(
    r"\b(?:council|committee|syndicate|organi[sz]ation|administration|court|cent(?:re|er)"
    r"|union|association|league|commission|assembly|authority|ministry|office|intelligence"
    r"|police|security|government|party|congress|front|group|coalition|alliance)s?\b",
    re.IGNORECASE,
)
INTERNATIONAL_WORDS = re.compile(
    r"\b(?:united\s+nations|league\s+of|union|organi[sz]ation\s+(?:of|for)|security\s+council"
    r"|red\s+cross|red\s+crescent|unicef|unhcr|undp|igad|ecowas|nato|osce)\b",
    re.IGNORECASE,
)

_CUES = (
    (
        GUARANTOR,
        re.compile(r"^(?:the\s+)?guarantors?\b\s*(?:states?|countries)?\s*[:\-–]?\s*", re.I),
    ),
    (
        MEDIATOR,
        re.compile(
            r"^(?:the\s+)?(?:mediators?|co-?mediators?|mediated\s+by(?:\s+third\s+party)?"
            r"|facilitated\s+by|facilitators?|brokered\s+by)\b\s*[:\-–]?\s*",
            re.I,
        ),
    ),
    (
        WITNESS,
        re.compile(
            r"^(?:the\s+)?(?:(?:first|second|third|fourth)\s+)?(?:international\s+)?"
            r"(?:witnesse[sd](?:\s+by)?|witness(?:\s+(?:one|two|three))?|observers?|attested(?:\s+to)?"
            r"(?:\s+by)?|(?:the\s+agreement\s+was\s+(?:signed|made)\s+)?in\s+the\s+presence\s+of)\b"
            r"\s*[:\-–]?\s*",
            re.I,
        ),
    ),
)
_ROLE_ANYWHERE = (
    (GUARANTOR, re.compile(r"guarant", re.I)),
    (MEDIATOR, re.compile(r"\bmediat|\bfacilitat|\bbroker", re.I)),
    (WITNESS, re.compile(r"\bwitness|\bobserv|\bpresence\s+of|\battest", re.I)),
)
# A guarantor, mediator or witness named before its role: "Syrian Army to act as guarantor."
_ROLE_AFTER = re.compile(
    r",?\s*(?:\((?:witness|observer|mediator|guarantor)[^)]*\)|(?:to\s+act|acting|will\s+act)"
    r"\s+as\s+(?:the\s+)?(?:guarantors?|mediators?|witness(?:es)?|observers?))\.?$",
    re.I,
)


@dataclass(frozen=True)
class Piece:
    """One party as a PA-X cell writes it.

    ``text`` is the piece as written (spaces made plain): the claim's quote. ``name`` is
    what may name the party once the notes, numbering and lead-in words are gone;
    ``acronyms`` the short names given in brackets ("Free Syrian Army (FSA)"); ``person``
    a person named beside the party ("Hayat Tahrir al-Sham, signed by Abu Muhammed
    al-Jolani"), who signed for it.
    """

    text: str
    role: str
    name: str
    acronyms: tuple[str, ...] = ()
    person: str | None = None
    #: The office of ``person`` when the piece names a person by it ("Minister of Foreign
    #: Affairs"), and the state or organisation they hold it in; ``name`` is then empty.
    office: str | None = None
    office_of: str | None = None


def plain(text: str) -> str:
    """``text`` with its spaces made plain and runs of them one."""
    return _SPACES.sub(" ", text).strip()


def clean_name(text: str) -> tuple[str, tuple[str, ...]]:
    """What may name a party in ``text``, and the acronyms it gives in brackets."""
    name = _BRACKETS.sub(" ", plain(text))
    acronyms: list[str] = []

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if _ACRONYMS.fullmatch(inner) and sum(c.isupper() for c in inner) >= 2:
            acronyms.extend(a.strip() for a in re.split(r"[;,]", inner) if a.strip())
        return " "

    name = _PARENS.sub(bracket, name)
    for _ in range(3):  # "1 – Signed by the Representative of ...": lead-ins come stacked
        before = name
        name = _NUMBERING.sub("", plain(name).lstrip(" ,:;"))
        name = _LEAD.sub("", name)
        if name == before:
            break
    name = _TRAIL.sub("", plain(name)).strip(" \"'“”‘’:-–,")
    return plain(name), tuple(dict.fromkeys(acronyms))


def is_person_name(text: str) -> bool:
    """Whether ``text`` reads as a person's name: a title such as Sheikh or Abu, or two to
    five capitalised words with nothing of an organisation or an office in them."""
    name, _ = clean_name(text)
    if not name or VAGUE_WORDS.search(name) or ARMED_WORDS.search(name):
        return False
    if ORGANISATION_WORDS.search(name):
        return False
    words = name.split()
    if not 2 <= len(words) <= 6 or OFFICE_WORDS.search(name):
        return False
    if HONORIFIC.match(name):
        return True
    if len(words) > 5:
        return False
    if INTERNATIONAL_WORDS.search(name) or re.search(r"\b(?:of|the|for)\b", name, re.I):
        return False
    return all(
        (w.lstrip("‘’'ʼ\"") or "x")[0].isupper()
        or re.match(r"(?:al|el|ad|bin|ibn|de|van|von)\b", w)
        for w in words
    )


def _segments(text: str) -> list[str]:
    """The lines of a cell, each cut at its semicolons (not those inside brackets: "[ISIS;
    ISIL]"); a run of three spaces or a tab, which PA-X leaves between a party and the
    person who signed for it, reads as a comma; empty pieces dropped."""
    text = re.sub(r"[\[(][^\])]*[\])]", lambda m: m.group(0).replace(";", ","), text)
    found = []
    for line in re.split(r"[\r\n]+", text):
        line = re.sub(r"(?:[ \u00a0]{3,}|\t)+(?=\S)", ", ", line.strip(" \u00a0\t"))
        for part in line.split(";"):
            if plain(part).strip(" ,"):
                found.append(plain(part).strip(" ,"))
    return found


#: Offices whose holder stands for the party named after them, not for themselves.
_AGENT = re.compile(
    r"^(?:the\s+)?(?:representative|delegate|official|member|commander|leader|head|chief"
    r"|deputy(?:\s+general)?\s+commander)\b",
    re.IGNORECASE,
)
_OFFICE_OF = re.compile(r"^(?P<office>.+?)\s+(?:of|for|from)\s+(?:the\s+)?(?P<org>.+)$", re.I)


def _piece(text: str, role: str) -> Piece:
    body = _ROLE_AFTER.sub("", text) if role != SIGNATORY else text
    body = plain(_BRACKETS.sub(" ", body)).strip(" ,:")
    person: str | None = None
    office: str | None = None
    office_of: str | None = None
    for pattern in (_SIGNED_BY, _ON_BEHALF):
        match = pattern.match(body)
        if match:
            body, person = match.group("party"), match.group("person")
            break
    else:
        for pattern in (_FOR, _DASH, _REPRESENTATIVE):
            match = pattern.match(body)
            person_name = clean_name(match.group("person"))[0] if match else ""
            if match and (
                HONORIFIC.match(person_name)
                or pattern is _REPRESENTATIVE
                and is_person_name(person_name)
            ):
                body, person = match.group("party"), match.group("person")
                break
        else:
            parts = [p.strip() for p in re.split(r"\s*[,:]\s+", body) if p.strip()]
            if (
                len(parts) >= 2
                and is_person_name(parts[0])
                and (OFFICE_WORDS.search(parts[1]) or _AGENT.match(parts[1]))
            ):
                # "Sergey Lavrov, Minister of Foreign Affairs of the Russian Federation",
                # "Moon Jae-in, President, Republic of Korea"
                person, title = parts[0], plain(parts[1]).strip(" ,.;:")
                org = parts[-1] if len(parts) >= 3 else None
                match = _OFFICE_OF.match(title)
                if _AGENT.match(title) and (org or match):
                    # a representative's party is whom they represent
                    body = org or (match.group("org") if match else "")
                else:
                    # which "of" ends the office is for the caller to find (the one after
                    # which an actor is named: "Minister of Defence of Azerbaijan")
                    body, office, office_of = "", title, org
            elif len(parts) == 2 and is_person_name(parts[1]) and not is_person_name(parts[0]):
                body, person = parts[0], parts[1]
            elif len(parts) == 2 and is_person_name(parts[0]) and ARMED_WORDS.search(parts[1]):
                body, person = parts[1], parts[0]
            elif len(parts) >= 2 and _AGENT.match(parts[0]):
                # "Deputy General Commander, Ahrar al-Sham, al-Hamawi"
                rest = [p for p in parts[1:] if not is_person_name(p)]
                people = [p for p in parts[1:] if is_person_name(p)]
                if len(rest) == 1:
                    body, person = rest[0], people[0] if people else None
            if not office:
                # "Commander of Harikat Ahrar al-Sham al-Islamiyya": the group signs
                match = _OFFICE_OF.match(clean_name(body)[0])
                if match and _AGENT.match(match.group("office")):
                    org = match.group("org")
                    if ARMED_WORDS.search(org) and not VAGUE_WORDS.search(org):
                        body = org
    name, acronyms = clean_name(body) if body else ("", ())
    if person is not None:
        person = clean_name(person)[0] or None
    if office_of is not None:
        office_of = clean_name(office_of)[0] or None
    return Piece(text, role, name, acronyms, person, office, office_of)


def _heading(segment: str) -> bool:
    """Whether a line only introduces the next ("Represented by:", "Signed:"): it is no
    party, and no party's text."""
    return not clean_name(segment)[0] and not _BRACKETS.search(segment)


def signatory_pieces(text: str) -> list[Piece]:
    """The parties of a ``Part`` cell, one piece each (a list in one line is cut later,
    where its parts name actors: :func:`list_parts`)."""
    return [_piece(s, SIGNATORY) for s in _segments(text) if not _heading(s)]


def third_party_pieces(text: str) -> list[Piece]:
    """The third parties of a ``ThrdPart`` cell, each with its role."""
    pieces = []
    current = WITNESS
    for segment in _segments(text):
        role = None
        rest = segment
        for cue_role, cue in _CUES:
            match = cue.match(segment)
            if match:
                role, rest = cue_role, segment[match.end() :]
                break
        if role is not None:
            # "Witnesses:", "Guarantor: Al Sham Legion": the role of the lines after it too
            # ("Represented by:", a name), until another cue
            current = role
            if not clean_name(rest)[0]:
                continue
        if _heading(segment):
            continue
        if role is None:
            role = next((r for r, p in _ROLE_ANYWHERE if p.search(segment)), current)
        piece = _piece(rest, role)
        pieces.append(
            Piece(
                segment,
                role,
                piece.name,
                piece.acronyms,
                piece.person,
                piece.office,
                piece.office_of,
            )
        )
    return pieces


_COMMA_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?", re.IGNORECASE)
_AND_SPLIT = re.compile(r"\s+and\s+|\s+&\s+", re.IGNORECASE)


def list_parts(name: str, whole: Callable[[str], bool] = lambda _: False) -> list[str]:
    """The parts of a name that may be a list ("Islamic Republic of Iran, the Russian
    Federation and the Republic of Turkey"), cleaned; [name] when it is no list. A part
    between commas for which ``whole`` is true is not cut at its "and" ("United Kingdom
    of Great Britain and Northern Ireland")."""
    parts = []
    for between_commas in _COMMA_SPLIT.split(name):
        between_commas = clean_name(between_commas)[0]
        if whole(between_commas):
            parts.append(between_commas)
        else:
            parts.extend(clean_name(p)[0] for p in _AND_SPLIT.split(between_commas))
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [name]


__all__ = [
    "GUARANTOR",
    "MEDIATOR",
    "Piece",
    "SIGNATORY",
    "WITNESS",
    "clean_name",
    "is_person_name",
    "list_parts",
    "plain",
    "signatory_pieces",
    "third_party_pieces",
]

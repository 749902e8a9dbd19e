"""The text side of `kg extract` (issue 17): sentences with their offsets, tokens, and the
actors a sentence names.

An article is cut into sentences (a line break always ends one; ". " before a capital does
too, unless the word before is a title or an initial such as "Mr." or "U.N."). Each sentence
is cut into tokens, and the actors are found in the tokens in three ways, longest first:

- a name the graph knows (any rdfs:label or skos:altLabel of an actor, folded as
  kg.names folds names), starting with a capital or a digit;
- a metonym: a capital city for its state ("Moscow"), a demonym before a word for a
  government or an army ("the Rwandan army", "Syrian authorities");
- a proper name the graph does not know: a run of capitalised words, with the title before
  it taken off ("President Paul Kagame"), after a preposition of place taken for a place
  ("in Jeddah"), and a single word at the start of a sentence only if the article writes it
  with a capital elsewhere too ("Relations between ..." is not an actor).

Vague actors ("foreign sponsors", "Western diplomats", "the rebels") are lowercase words or
words on the list of adjectives that are no name, so they are never mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kg.names import normalise

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|['’]s\b"  # the possessive, a token of its own
    r"|\w+(?:-\w+|['’](?!s\b)\w+)*"  # words, with hyphens and inner apostrophes
    r"|[^\w\s]",
    re.UNICODE,
)

#: Words before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen lt col maj capt sgt st jan feb mar apr jun jul aug sep sept oct nov dec "
    "no vs etc sen rep gov pres prof adm brig cmdr".split()
)

#: Titles before a person's name: taken off the name, and they make the name a person's.
TITLES = frozenset(
    "president presidents vice prime minister ministers secretary general colonel col "
    "lieutenant lt major maj captain capt sergeant brigadier marshal field admiral commander "
    "king queen emir crown prince sheikh ambassador envoy special representative chairman "
    "chairperson chief leader mr mrs ms dr sir foreign defence defense interior interim "
    "former acting deputy senator governor mediator spokesman spokeswoman spokesperson "
    "premier chancellor sultan imam pope director state of".split()
)
#: Titles that may start a title (the rest only continue one: "of", "state").
_TITLE_HEADS = TITLES - {"of", "state", "general"}

#: Capitalised words that are never a name on their own.
NOT_NAMES = frozenset(
    "the a an in on at to of for from by with and or but as if it its this that these those "
    "he she they we i you his her their our my your there here when while after before "
    "since during until despite although though because however meanwhile also earlier later "
    "last next first second third new more most some many several few both all each every "
    "no not western eastern northern southern central arab gulf african european asian "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december thousands hundreds dozens "
    "millions tens according under over between among against without within".split()
)

#: Prepositions after which a capitalised name is a place, not an actor.
_PLACE_LEAD = frozenset("in at near outside across around inside into toward towards".split())

#: Lowercase words that may sit inside a proper name ("Coordination of Azawad Movements").
_NAME_GLUE = frozenset("of for the al el bin ibn de la du wal and".split())

#: Words after a demonym that make it a government ("the Malian government").
GOVERNMENT_HEADS = frozenset("government authorities regime administration junta".split())
#: Words after a demonym that make it a state's armed forces ("Rwandan troops").
ARMY_HEADS = frozenset("army troops forces military soldiers navy air armed security".split())


@dataclass(frozen=True)
class Token:
    text: str
    begin: int  # offset in the sentence
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        first = self.text[0]
        return first.isupper() or first.isdigit()


@dataclass(frozen=True)
class Sentence:
    text: str
    begin: int  # offset in the article
    end: int
    tokens: tuple[Token, ...]


def tokens_of(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text))


_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]*[A-Z0-9])")


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their offsets; lines are never joined."""
    found: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        body = line.group(0)
        pieces: list[tuple[int, int]] = []
        last = 0
        for m in _BREAK.finditer(body):
            before = body[last : m.start()].rstrip()
            word = re.search(r"(\S+)\.$", before)
            if word:
                bare = word.group(1).lstrip("(\"'“‘").lower()
                # an abbreviation, an initial (the "J." of "John J. Smith") or "U.S."
                if bare in _ABBREVIATIONS or len(bare) == 1 or re.fullmatch(r"(\w\.)+\w", bare):
                    continue
            pieces.append((last, m.start()))
            last = m.end()
        pieces.append((last, len(body)))
        for b, e in pieces:
            chunk = body[b:e]
            lead = len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            if chunk:
                begin = start + b + lead
                found.append(Sentence(chunk, begin, begin + len(chunk), tokens_of(chunk)))
    return found


@dataclass(frozen=True)
class Known:
    """An actor of the graph under one of its names."""

    iri: str
    type: str  # local name of its most specific class
    label: str
    state: str | None = None  # the state it is the government of, or is part of


@dataclass(frozen=True)
class Mention:
    """A stretch of tokens ``first``..``last`` (inclusive) that names an actor.

    ``how`` is ``name`` (a name the graph knows), ``capital``, ``government`` and ``army``
    (a demonym or capital; ``state`` is the state), or ``new`` (a proper name the graph does
    not know; ``type`` is the class it looks like)."""

    first: int
    last: int
    text: str
    how: str
    known: tuple[Known, ...] = ()
    state: str | None = None
    type: str = "Actor"
    title: tuple[str, ...] = ()  # the title before a person's name, lowercase words


@dataclass
class Gazetteer:
    """Every name an actor of the graph has, folded, as token sequences."""

    names: dict[tuple[str, ...], list[Known]] = field(default_factory=dict)
    capitals: dict[tuple[str, ...], str] = field(default_factory=dict)
    demonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    places: set[tuple[str, ...]] = field(default_factory=set)
    longest: int = 1

    def add(self, name: str, known: Known) -> None:
        key = fold_words(name)
        if not key:
            return
        entries = self.names.setdefault(key, [])
        if known not in entries:
            entries.append(known)
        self.longest = max(self.longest, len(key))

    def add_capital(self, name: str, state: str) -> None:
        key = fold_words(name)
        if key:
            self.capitals[key] = state
            self.longest = max(self.longest, len(key))

    def add_place(self, name: str) -> None:
        key = fold_words(name)
        if key:
            self.places.add(key)


def fold_words(text: str) -> tuple[str, ...]:
    return tuple(normalise(t.text) for t in tokens_of(text) if normalise(t.text))


def _folded(tokens: Sequence[Token]) -> list[str]:
    return [normalise(t.text) for t in tokens]


# Types by the words a proper name ends with or contains.
_ORGANISATION_WORDS = frozenset(
    "union community nations organisation organization commission league council "
    "mission bank court assembly".split()
)
_GROUP_WORDS = frozenset(
    "group forces army front movement movements brigade brigades militia militias party "
    "coalition alliance battalion battalions corps guard guards rebels fighters network "
    "liberation defence defense resistance brotherhood jihad islamic state taliban "
    "mujahideen army".split()
)
_GOVERNMENT_WORDS = frozenset("government authority administration".split())


def _guess_type(words: Sequence[str], title: Sequence[str]) -> str:
    lowered = [w.lower() for w in words]
    if title:
        return "Person"
    if any(w in _GOVERNMENT_WORDS for w in lowered[:1]) or lowered[-1] in _GOVERNMENT_WORDS:
        return "Government"
    if any(w in _ORGANISATION_WORDS for w in lowered):
        return "InternationalOrganisation"
    if any(w in _GROUP_WORDS for w in lowered):
        return "ArmedGroup"
    if len(words) == 1:
        return "ArmedGroup"  # a single unknown name acting in a conflict: M23, Houthis
    return "Person"  # two to four capitalised words, none of an organisation


def capitalised_elsewhere(text: str) -> set[str]:
    """Words the article writes with a capital somewhere other than a sentence's start."""
    found: set[str] = set()
    for m in re.finditer(r"(?<=[a-z,;:] )([A-Z][\w'-]*)", text):
        found.add(m.group(1))
    return found


def mentions(sentence: Sentence, gazetteer: Gazetteer, proper_elsewhere: set[str]) -> list[Mention]:
    """The actors ``sentence`` names, in order, longest first where they overlap."""
    tokens = sentence.tokens
    folded = _folded(tokens)
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        hit = _known_at(tokens, folded, i, gazetteer)
        if hit is not None:
            found.append(hit)
            i = hit.last + 1
            continue
        hit = _demonym_at(tokens, folded, i, gazetteer)
        if hit is not None:
            found.append(hit)
            i = hit.last + 1
            continue
        hit = _proper_at(tokens, folded, i, gazetteer, proper_elsewhere)
        if hit is not None:
            if hit.how != "place":
                found.append(hit)
            i = hit.last + 1
            continue
        i += 1
    return found


def _known_at(
    tokens: Sequence[Token], folded: Sequence[str], i: int, gazetteer: Gazetteer
) -> Mention | None:
    if not tokens[i].capitalised:
        return None
    for size in range(min(gazetteer.longest, len(tokens) - i), 0, -1):
        key = tuple(w for w in folded[i : i + size] for w in w.split())
        if not key:
            continue
        last = i + size - 1
        if not tokens[last].capitalised and tokens[last].lower not in GOVERNMENT_HEADS | ARMY_HEADS:
            # a name ends with a name-word ("Syrian government" is a name of the data)
            if tokens[last].lower in _NAME_GLUE:
                continue
        text = " ".join(t.text for t in tokens[i : i + size])
        if key in gazetteer.names:
            return Mention(i, last, text, "name", tuple(gazetteer.names[key]))
        if key in gazetteer.capitals:
            return Mention(i, last, text, "capital", state=gazetteer.capitals[key])
        if key in gazetteer.places:
            return Mention(i, last, text, "place")
    return None


def _demonym_at(
    tokens: Sequence[Token], folded: Sequence[str], i: int, gazetteer: Gazetteer
) -> Mention | None:
    word = tokens[i]
    if not word.capitalised or word.text not in gazetteer.demonyms:
        return None
    states = gazetteer.demonyms[word.text]
    if len(states) != 1 or i + 1 >= len(tokens):
        return None
    head = tokens[i + 1]
    if head.capitalised:
        return None  # "Libyan National Army" is a name
    if head.lower in GOVERNMENT_HEADS:
        return Mention(i, i + 1, f"{word.text} {head.text}", "government", state=states[0])
    if head.lower in ARMY_HEADS:
        last = i + 1
        if head.lower in {"armed", "air", "security"} and i + 2 < len(tokens):
            last = i + 2  # armed forces, air force, security forces
        text = " ".join(t.text for t in tokens[i : last + 1])
        return Mention(i, last, text, "army", state=states[0], type="GovernmentAgency")
    return None


def _is_title(token: Token) -> bool:
    return token.lower in TITLES


def _proper_at(
    tokens: Sequence[Token],
    folded: Sequence[str],
    i: int,
    gazetteer: Gazetteer,
    proper_elsewhere: set[str],
) -> Mention | None:
    word = tokens[i]
    if not word.capitalised or word.lower in NOT_NAMES or word.text in gazetteer.demonyms:
        return None
    # the title before the name: "Foreign Minister Vincent Biruta", "Colonel Assimi Goita"
    title: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].capitalised and _is_title(tokens[j]):
        title.append(tokens[j].lower)
        j += 1
    if title and title[0] not in _TITLE_HEADS:
        return None
    start = j
    while j < len(tokens):
        t = tokens[j]
        if t.capitalised and t.lower not in NOT_NAMES and not _is_title(t):
            j += 1
        elif (
            t.lower in _NAME_GLUE
            and j > start
            and j + 1 < len(tokens)
            and tokens[j + 1].capitalised
            and tokens[j + 1].lower not in NOT_NAMES
            and t.lower != "and"
        ):
            j += 1
        elif t.text in {"al", "el"} or re.fullmatch(r"(?:al|el|bin|ibn)-\w+", t.text):
            j += 1
        else:
            break
    if j == start:
        # a title alone ("President") is no actor; move past it
        if title:
            return Mention(i, j - 1, " ".join(t.text for t in tokens[i:j]), "place")
        return None
    last = j - 1
    words = [t.text for t in tokens[start : last + 1]]
    text = " ".join(words)
    if (
        start == 0
        and last == 0
        and not title
        and not (word.text.isupper() or any(c.isdigit() for c in word.text))
        and word.text not in proper_elsewhere
    ):
        return Mention(i, last, text, "place")  # "Relations between ...": not a name
    before = tokens[i - 1].lower if i > 0 else ""
    if before in _PLACE_LEAD and not title:
        return Mention(i, last, text, "place")
    # a known name inside an unknown run ("Russia Today" aside): prefer the known part
    for k in range(start, last + 1):
        inner = _known_at(tokens, folded, k, gazetteer)
        if inner is not None and k > start:
            last = k - 1
            words = [t.text for t in tokens[start : last + 1]]
            text = " ".join(words)
            break
    return Mention(start, last, text, "new", type=_guess_type(words, title), title=tuple(title))


def known_of(rows: Iterable[Mapping[str, str | None]]) -> Gazetteer:
    """A gazetteer from rows with ``actor``, ``type``, ``name``, ``label`` and ``state``."""
    gazetteer = Gazetteer()
    for row in rows:
        actor, name = row.get("actor"), row.get("name")
        if not actor or not name:
            continue
        known = Known(actor, row.get("type") or "Actor", row.get("label") or name, row.get("state"))
        gazetteer.add(name, known)
    return gazetteer

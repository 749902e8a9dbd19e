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
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kg.names import normalise

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|People['’]s\b"  # "Tigray People's Liberation Front": part of the name
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
    "president presidents vice prime minister mullah head ministers secretary general colonel col "
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
    "southeast northeast southwest northwest sunni shia shiite kurdish islamist christian "
    "muslim jewish druze alawite tuareg hutu tutsi pashtun hazara baloch "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december thousands hundreds dozens "
    "millions tens according under over between among against without within".split()
)

#: Prepositions after which a capitalised name is a place, not an actor.
_PLACE_LEAD = frozenset("in at near outside across around inside into toward towards".split())

#: Words after a name that make it a place: "Cabo Delgado province", "Raqqa city".
_PLACE_NOUNS = frozenset(
    "province region district city town state county governorate village valley port "
    "airport".split()
)

_DIRECTIONS = frozenset(
    "northern southern eastern western central north south east west north-eastern "
    "north-western south-eastern south-western north-east north-west south-east "
    "south-west".split()
)

#: Lowercase words that may sit inside a proper name ("Coordination of Azawad Movements").
_NAME_GLUE = frozenset("of for the al el bin ibn de la du wal and".split())

#: Words after a demonym that make it a government ("the Malian government").
GOVERNMENT_HEADS = frozenset("government authorities regime administration junta".split())
#: Words after a demonym that make it a state's armed forces ("Rwandan troops").
ARMY_HEADS = frozenset(
    "army troops forces military soldiers navy air armed security marines police "
    "gendarmerie commandos".split()
)


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
        if first.isupper() or first.isdigit():
            return True
        # "al-Shabaab", "el-Sisi": the article is lowercase, the name is not
        return bool(re.match(r"(?:al|el|ad|ash|an|as|at|ar)-[A-Z]", self.text))


@dataclass(frozen=True)
class Sentence:
    text: str
    begin: int  # offset in the article
    end: int
    tokens: tuple[Token, ...]


def tokens_of(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text))


_BREAK = re.compile(
    r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘(]*(?:[A-Z0-9]|[^\x00-\x7f]))"  # a capital, or another script
    r"|(?<=[。！？])\s*"  # the full stops of Chinese and Japanese
)


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
                found.extend(_bounded(chunk, begin))
    return found


#: A "sentence" longer than this many tokens is a table or a dump, not prose: it is read in
#: pieces cut at commas (the rules look at a few words around each verb, and a line of
#: 20,000 words would otherwise cost minutes).
LONGEST_SENTENCE = 150


#: Nor is a "sentence" longer than this many characters (one word of a million letters).
LONGEST_SENTENCE_CHARS = 2000


def _bounded(chunk: str, begin: int) -> list[Sentence]:
    if len(chunk) > LONGEST_SENTENCE_CHARS:
        cut: list[Sentence] = []
        first = 0
        while first < len(chunk):
            last = min(first + LONGEST_SENTENCE_CHARS // 2, len(chunk))
            if last < len(chunk):
                space = chunk.rfind(" ", first + 1, last)
                last = space if space > first else last
            piece = chunk[first:last]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                cut.extend(_bounded(piece.strip(), begin + first + lead))
            first = last
        return cut
    tokens = tokens_of(chunk)
    if len(tokens) <= LONGEST_SENTENCE:
        return [Sentence(chunk, begin, begin + len(chunk), tokens)]
    pieces: list[Sentence] = []
    first = 0
    while first < len(tokens):
        last = min(first + LONGEST_SENTENCE // 2, len(tokens)) - 1
        if last < len(tokens) - 1:
            comma = next(
                (k for k in range(last, first + 10, -1) if tokens[k].text in {",", ";", ":"}),
                None,
            )
            last = comma if comma is not None else last
        a, b = tokens[first].begin, tokens[last].end
        piece = chunk[a:b]
        pieces.append(Sentence(piece, begin + a, begin + b, tokens_of(piece)))
        first = last + 1
    return pieces


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
    name_first: int = -1  # where the name begins after its title (first if no title)


@dataclass
class Gazetteer:
    """Every name an actor of the graph has, folded, as token sequences."""

    names: dict[tuple[str, ...], list[Known]] = field(default_factory=dict)
    capitals: dict[tuple[str, ...], str] = field(default_factory=dict)
    demonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    places: set[tuple[str, ...]] = field(default_factory=set)
    lowercase: set[str] = field(default_factory=set)  # first words of names written so
    longest: int = 1

    def add(self, name: str, known: Known) -> None:
        key = fold_words(name)
        if not key:
            return
        if name[:1].islower():
            if not any(c.isupper() for c in name):
                return  # "rebel groups" is a description, not a name, in another article
            self.lowercase.add(key[0])  # "anti-Damascus armed groups" begins so
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
    """A name as the words it is matched by: folded, without "the" ("Democratic Republic
    of Congo" is "Democratic Republic of the Congo")."""
    return tuple(w for t in tokens_of(text) for w in normalise(t.text).split() if w and w != "the")


def _folded(tokens: Sequence[Token]) -> list[str]:
    return [normalise(t.text) for t in tokens]


# Types by the words a proper name ends with or contains.
_ORGANISATION_WORDS = frozenset(
    "union community nations organisation organization commission league council "
    "mission bank court assembly".split()
)
_GROUP_WORDS = frozenset(
    "ejercito ejército frente fuerzas movimiento liberacion liberación armée armee mouvement "
    "group forces army front movement movements brigade brigades militia militias party "
    "coalition alliance battalion battalions corps guard guards rebels fighters network "
    "liberation defence defense resistance brotherhood jihad islamic state taliban "
    "mujahideen army".split()
)
_GOVERNMENT_WORDS = frozenset("government authority administration".split())


def _guess_type(words: Sequence[str], title: Sequence[str]) -> str:
    lowered = [part for w in words for part in w.lower().split("-")]
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
        hit = (
            _known_at(tokens, folded, i, gazetteer)
            or _demonym_at(tokens, folded, i, gazetteer)
            or _proper_at(tokens, folded, i, gazetteer, proper_elsewhere)
            or _definite_at(tokens, i)
        )
        if hit is None:
            i += 1
            continue
        hit = _extended(tokens, hit, gazetteer)
        if hit.how != "skip":
            found.append(hit)  # places too: they tell which states the article is about
        i = hit.last + 1
    return found


#: Lowercase words that make a name a group's when they follow it ("Houthi rebels",
#: "Amhara regional forces", "Saudi-led coalition", "Security Belt forces").
GROUP_HEADS = frozenset(
    "forces rebels militia militias fighters movement coalition insurgents".split()
)
_GROUP_ADJECTIVES = frozenset("regional local paramilitary special allied rebel armed".split())
#: Definite descriptions that stand for the one actor of the article with that head word
#: ("the coalition" after "a Saudi-led coalition"; "the rebels" after "the M23 rebels").
DEFINITE_HEADS = frozenset(
    "coalition rebels militia army junta movement group insurgents alliance government "
    "militants jihadists separatists".split()
)
#: Definite descriptions of an armed group: the one named last ("Asmara has always denied
#: backing the group" after al-Shabaab).
ARMED_GROUP_HEADS = frozenset(
    "group militants insurgents rebels militia jihadists separatists movement".split()
)


def _definite_at(tokens: Sequence[Token], i: int) -> Mention | None:
    if tokens[i].lower != "the" or i + 1 >= len(tokens):
        return None
    # "the government", "the internationally recognised government"
    for k in range(i + 1, min(i + 4, len(tokens))):
        head = tokens[k]
        if head.capitalised:
            return None
        if head.lower in DEFINITE_HEADS:
            return Mention(i, k, " ".join(t.text for t in tokens[i : k + 1]), "definite")
        if k == i + 1 and head.lower in {"government", "army"}:
            break
    return None


def _extended(tokens: Sequence[Token], hit: Mention, gazetteer: Gazetteer) -> Mention:
    """A name with the words that make it a group's, an army's or a government's:
    "Houthi rebels", "Haftar's forces", "Sudan's army", "Yemen's government"."""
    if hit.how in {"place", "skip", "definite", "army", "government", "troops"}:
        return hit
    j = hit.last + 1
    possessive = j < len(tokens) and tokens[j].text in {"'s", "’s"}
    k = j + 1 if possessive else j
    if k < len(tokens) and tokens[k].lower in _GROUP_ADJECTIVES | {"federal", "interim"}:
        k += 1
    if k >= len(tokens) or tokens[k].capitalised:
        return hit
    head = tokens[k].lower
    if (
        not possessive
        and head in ARMY_HEADS
        and any(known.type == "Government" for known in hit.known)
    ):
        return replace(hit, last=k)  # "Syrian government forces" are the government's
    states = [known.iri for known in hit.known if known.type == "State"]
    state = states[0] if states else hit.state if hit.how == "capital" else None
    text = " ".join(t.text for t in tokens[hit.first : k + 1]).replace(" 's", "'s")
    if possessive and state and head in GOVERNMENT_HEADS:
        return replace(hit, last=k, text=text, how="government", state=state)
    armed_forces = head == "forces" and tokens[k - 1].lower == "armed"
    if (
        possessive
        and state
        and (armed_forces or head in ARMY_HEADS - {"troops", "forces", "soldiers"})
    ):
        return replace(hit, last=k, text=text, how="army", state=state, type="GovernmentAgency")
    if state and hit.how == "name" and not possessive and head in {"troops", "forces", "soldiers"}:
        return replace(hit, last=k, text=text, how="troops", state=state)  # "U.S. forces"
    if state and hit.how == "capital" and not possessive and head in GOVERNMENT_HEADS:
        # "the Tripoli government": a government known by its seat
        return replace(hit, last=k, text=text, how="seat", state=state)
    if state:
        return hit
    if head in GROUP_HEADS or (possessive and head in ARMY_HEADS):
        return replace(hit, last=k, text=text, how="new", known=(), type="ArmedGroup", title=())
    if possessive and head in {"affiliate", "branch", "wing", "offshoot", "faction", "allies"}:
        return replace(hit, last=k, how="skip")  # "al-Qaeda's affiliate, JNIM": JNIM acts
    if possessive and head in GOVERNMENT_HEADS and hit.how == "new":
        return replace(hit, last=k, text=text, how="new", known=(), type="Government", title=())
    return hit


def _known_at(
    tokens: Sequence[Token], folded: Sequence[str], i: int, gazetteer: Gazetteer
) -> Mention | None:
    if (
        not tokens[i].capitalised
        and folded[i].split()[:1] != []
        and (folded[i].split()[0] not in gazetteer.lowercase)
    ):
        return None
    for size in range(min(gazetteer.longest, len(tokens) - i), 0, -1):
        key = tuple(w for w in folded[i : i + size] for w in w.split() if w != "the")
        if not key or folded[i + size - 1] == "the":
            continue
        last = i + size - 1
        text = " ".join(t.text for t in tokens[i : i + size])
        hit: Mention | None = None
        if key in gazetteer.names:
            hit = Mention(i, last, text, "name", tuple(gazetteer.names[key]))
        elif key in gazetteer.capitals:
            hit = Mention(i, last, text, "capital", state=gazetteer.capitals[key])
        elif key in gazetteer.places:
            hit = Mention(i, last, text, "place")
        if hit is None:
            continue
        # a longer proper name that starts with it: "OSCE Minsk Group", "Tripoli Brigades"
        run = _run_end(tokens, last + 1)
        if run > last and set(tokens[run].lower.split("-")) & (_ORGANISATION_WORDS | _GROUP_WORDS):
            # "Sudan People's Liberation Movement-North" too
            words = [t.text for t in tokens[i : run + 1]]
            return Mention(i, run, " ".join(words), "new", type=_guess_type(words, ()))
        if (
            hit.how == "name"
            and size == 1
            and run > last
            and all(k.type == "Person" for k in hit.known)
        ):
            # "Alexander" is one person's name in the graph; "Alexander Lukashenko" another
            words = [t.text for t in tokens[i : run + 1]]
            return Mention(i, run, " ".join(words), "new", type="Person")
        back = i - 1
        if back > 0 and tokens[back].lower in _DIRECTIONS:
            back -= 1  # "in northern Syria"
        if back > 0 and tokens[back].lower == "the":
            back -= 1  # "in the Red Sea"
        before = tokens[back].lower if back >= 0 else ""
        if (
            before in _PLACE_LEAD
            and hit.how in {"name", "capital"}
            and (hit.how == "capital" or any(k.type == "State" for k in hit.known))
        ):
            return replace(hit, how="place")  # "in Afghanistan", "in Doha"
        return hit
    return None


def _run_end(tokens: Sequence[Token], j: int) -> int:
    """The last token of the run of capitalised name words from ``j`` (``j - 1`` if none)."""
    last = j - 1
    while j < len(tokens):
        t = tokens[j]
        if t.capitalised and t.lower not in NOT_NAMES and not _is_title(t):
            last = j
            j += 1
        elif (
            t.lower in _NAME_GLUE
            and t.lower != "and"
            and j + 1 < len(tokens)
            and tokens[j + 1].capitalised
            and tokens[j + 1].lower not in NOT_NAMES
            and last >= 0
        ):
            j += 1
        else:
            break
    return last


def _demonym_at(
    tokens: Sequence[Token], folded: Sequence[str], i: int, gazetteer: Gazetteer
) -> Mention | None:
    word = tokens[i]
    if not word.capitalised or word.text not in gazetteer.demonyms:
        return None
    states = gazetteer.demonyms[word.text]
    if (
        word.text.isupper()
        and len(word.text) > 1
        and (i + 1 >= len(tokens) or tokens[i + 1].lower not in GOVERNMENT_HEADS | ARMY_HEADS)
    ):
        # "the UAE", "the US": the short name of a state used as a noun
        return Mention(i, i, word.text, "state", state="|".join(states))
    if i + 1 >= len(tokens):
        return None
    k = i + 1
    if (
        tokens[k].lower in {"federal", "interim", "transitional", "military", "regular"}
        and k + 1 < len(tokens)
        and (tokens[k + 1].lower in GOVERNMENT_HEADS | ARMY_HEADS)
    ):
        k += 1
    head = tokens[k]
    if head.capitalised:
        return None  # "Libyan National Army" is a name; "Rwandan President" a title
    state = states[0] if len(states) == 1 else "|".join(states)
    if head.lower in GOVERNMENT_HEADS:
        text = " ".join(t.text for t in tokens[i : k + 1])
        return Mention(i, k, text, "government", state=state)
    if head.lower in ARMY_HEADS:
        last = k
        if head.lower in {"armed", "air", "security"} and k + 1 < len(tokens):
            last = k + 1  # armed forces, air force, security forces
        text = " ".join(t.text for t in tokens[i : last + 1])
        if head.lower in {"troops", "forces", "soldiers"}:
            # a state's troops abroad are the state acting ("Eritrean troops")
            return Mention(i, last, text, "troops", state=state)
        return Mention(i, last, text, "army", state=state, type="GovernmentAgency")
    return None


def _is_title(token: Token) -> bool:
    return token.lower in TITLES


_VERB_HYPHEN = re.compile(
    r"-(?:backed|supported|sponsored|armed|funded|trained|brokered|mediated|facilitated"
    r"|hosted|led)$",
    re.IGNORECASE,
)

#: Words of NOT_NAMES that begin a name when a name-word follows ("African Union", "Arab
#: League", "Islamic State"), but not alone ("Western diplomats").
_NAME_ADJECTIVES = frozenset(
    "western eastern northern southern central arab gulf african european asian southeast "
    "northeast southwest northwest sunni shia shiite kurdish islamist christian muslim "
    "jewish druze alawite tuareg hutu tutsi pashtun hazara baloch".split()
)


def _proper_at(
    tokens: Sequence[Token],
    folded: Sequence[str],
    i: int,
    gazetteer: Gazetteer,
    proper_elsewhere: set[str],
) -> Mention | None:
    word = tokens[i]
    if not word.capitalised:
        return None
    if word.lower == "operation" and i + 1 < len(tokens) and tokens[i + 1].capitalised:
        last = _run_end(tokens, i + 1)
        return Mention(i, max(last, i), word.text, "skip")  # "Operation Barkhane": no actor
    if _VERB_HYPHEN.search(word.text) and not (
        i + 1 < len(tokens) and tokens[i + 1].lower in GROUP_HEADS
    ):
        return Mention(
            i, i, word.text, "skip"
        )  # "Turkey-brokered talks", not "Saudi-led coalition"
    if word.lower in NOT_NAMES:
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if not (
            word.lower in _NAME_ADJECTIVES
            and following is not None
            and following.capitalised
            and (following.lower not in NOT_NAMES or following.lower in _NAME_ADJECTIVES)
            and not _is_title(following)
        ):
            return None
        j = i + 1
        while j < len(tokens) and tokens[j].lower in _NAME_ADJECTIVES and tokens[j].capitalised:
            j += 1  # "Southern African Development Community"
        last = _run_end(tokens, j)
        if last < j:
            return None
        words = [t.text for t in tokens[i : last + 1]]
        return Mention(i, last, " ".join(words), "new", type=_guess_type(words, ()), name_first=i)
    j = i
    demonym = word.text in gazetteer.demonyms
    if demonym:
        # "Libyan National Army" is a name; "Rwandan President Paul Kagame" a title and a name
        if i + 1 >= len(tokens) or not tokens[i + 1].capitalised:
            return None
        if not _is_title(tokens[i + 1]):
            demonym = False
        else:
            j = i + 1
    # the title before the name: "Foreign Minister Vincent Biruta", "Colonel Assimi Goita"
    title: list[str] = []
    while j < len(tokens) and tokens[j].capitalised and _is_title(tokens[j]):
        title.append(tokens[j].lower)
        j += 1
    if title and title[0] not in _TITLE_HEADS:
        return None
    if demonym and not title:
        return None
    start = j
    if title and start < len(tokens):
        known = _known_at(tokens, folded, start, gazetteer)
        if known is not None and known.how == "name":
            return replace(known, first=i, title=tuple(title), name_first=start)
    last = _run_end(tokens, j)
    while last + 1 < len(tokens) and re.fullmatch(r"(?:al|el|bin|ibn)-\w+", tokens[last + 1].text):
        last += 1  # "Fayez al-Sarraj"
    if last < start:
        if title:  # a title alone ("President") is no actor
            return Mention(i, j - 1, " ".join(t.text for t in tokens[i:j]), "skip")
        return None
    words = [t.text for t in tokens[start : last + 1]]
    if not any(c.isalpha() for w in words for c in w):
        return Mention(i, last, " ".join(words), "skip")  # "2,000" is no name
    text = " ".join(words)
    grouped = last + 1 < len(tokens) and (
        tokens[last + 1].lower in GROUP_HEADS
        or (
            tokens[last + 1].lower in _GROUP_ADJECTIVES
            and last + 2 < len(tokens)
            and tokens[last + 2].lower in GROUP_HEADS
        )
    )
    if (
        start == 0
        and last == 0
        and not title
        and not grouped
        and not (word.text.isupper() or any(c.isdigit() for c in word.text))
        and word.text not in proper_elsewhere
    ):
        return Mention(i, last, text, "skip")  # "Relations between ...": not a name
    if last + 1 < len(tokens) and tokens[last + 1].lower in _PLACE_NOUNS and not title:
        return Mention(i, last + 1, text, "place")  # "Cabo Delgado province"
    if (
        last + 2 < len(tokens)
        and tokens[last + 1].lower == "and"
        and tokens[last + 2].capitalised
        and not title
    ):
        other = _run_end(tokens, last + 2)
        if other + 1 < len(tokens) and tokens[other + 1].lower in {
            w + "s" for w in _PLACE_NOUNS
        } | {"provinces", "regions", "states", "cities", "districts"}:
            return Mention(i, other + 1, text, "place")  # "South Kordofan and Blue Nile states"
    if (
        len(words) == 1
        and not title
        and re.search(r"(?:ian|ean|ese|ish|ic)$", words[0])
        and last + 1 < len(tokens)
        and tokens[last + 1].text.isalpha()
        and tokens[last + 1].text.islower()
        and tokens[last + 1].lower not in GROUP_HEADS | _PLACE_NOUNS | _NAME_GLUE
    ):
        return Mention(i, last, text, "skip")  # "the Palestinian group": an adjective
    if (
        len(words) == 1
        and not title
        and (words[0][:-1] in gazetteer.demonyms or words[0][:-2] in gazetteer.demonyms)
    ):
        return Mention(i, last, text, "skip")  # "Somalis", "Afghans": people, not an actor
    back = i - 1
    if back > 0 and tokens[back].lower in _DIRECTIONS:
        back -= 1  # "in western Tigray"
    if back > 0 and tokens[back].lower == "the":
        back -= 1  # "in the Red Sea"
    before = tokens[back].lower if back >= 0 else ""
    if (before in _PLACE_LEAD or _after_envoy(tokens, i)) and not title:
        return Mention(i, last, text, "place")
    # a known name inside an unknown run: the run stops before it
    for k in range(start + 1, last + 1):
        if tokens[k - 1].lower in _NAME_GLUE:
            continue  # "Revolutionary Armed Forces of Colombia" is one name
        if _known_at(tokens, folded, k, gazetteer) is not None:
            last = k - 1
            words = [t.text for t in tokens[start : last + 1]]
            text = " ".join(words)
            break
    return Mention(
        i, last, text, "new", type=_guess_type(words, title), title=tuple(title), name_first=start
    )


def _after_envoy(tokens: Sequence[Token], i: int) -> bool:
    """ "the envoy for the Horn of Africa": the name after is a place."""
    k = i - 1
    if k >= 0 and tokens[k].lower == "the":
        k -= 1
    return (
        k >= 1
        and tokens[k].lower in {"for", "to"}
        and tokens[k - 1].lower
        in {"envoy", "envoys", "representative", "coordinator", "ambassador"}
    )


# ----------------------------------------------------------------------------------------
# What a file must be to be read as an article

#: The largest article `kg extract` reads unless told otherwise (--max-size): a long news
#: article is 50 kB; 5 MB is a book.
MAX_BYTES = 5_000_000

#: Words of English that are no words of the other languages of Latin script news is
#: written in ("a", "on", "in" are French, Italian, Dutch words too).
_ENGLISH = frozenset(
    "the of and to is that for with was has said were are it from have had been which who "
    "their this by".split()
)


def article_text(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> tuple[str, str | None]:
    """The text of an article file and a note when there is nothing to read in it.

    Raises TooBig for a file over ``max_bytes`` and DataLoadError for one that is not UTF-8
    text (a binary file), each naming the file."""
    from kg.errors import DataLoadError, TooBig

    if len(data) > max_bytes:
        raise TooBig(
            f"{name}: {len(data):,} bytes is more than an article; kg extract reads files up "
            f"to {max_bytes:,} bytes (--max-size MB)"
        )
    if b"\x00" in data[:65536]:
        raise DataLoadError(f"{name}: is a binary file (it has NUL bytes), not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataLoadError(
            f"{name}: is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return text, f"{name}: is empty; no claims"
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, ""))
    if letters and latin < len(letters) / 2:
        other = next(c for c in letters if not (c.isascii() or "LATIN" in unicodedata.name(c, "")))
        script = unicodedata.name(other, "another").split()[0].title()
        return text, (
            f"{name}: is written in another script ({script}); kg extract reads English, no claims"
        )
    words = [t.lower for t in tokens_of(text[:200_000]) if t.text[0].isalpha()]
    if len(words) >= 20 and sum(1 for w in words if w in _ENGLISH) < len(words) * 0.03:
        return text, f"{name}: does not read as English; kg extract reads English, no claims"
    return text, None

"""The kinds of claim a mapping may make, and the keys of their roles, from the ontology.

Every claim class with ``ckg:fromRole`` and ``ckg:toRole`` is a target (the vocabulary reads
them): ``relation = "signatory"`` makes ``ckg:SignatoryClaim``. Its two actors are given by
the keys named as its roles (``signatory`` and ``agreement``, ``mediator`` and ``talks``), or
by ``backer`` and ``recipient`` for any kind (the from role, then the to role); the two
parties of a symmetric relation (alliance, opposition) by ``party = ["{a}", "{b}"]``. A role
whose values are agreements or talks is filled by the row's ``[agreement]`` or ``[talks]``
section when the mapping gives no key for it.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from kg.names import normalise
from kg.vocabulary import ClaimKind, Vocabulary

#: The key of the second party of a symmetric relation (``party = [first, second]``).
SECOND_PARTY = "party 2"
#: The keys that name the from and the to role of any kind of claim.
FROM_KEY, TO_KEY = "backer", "recipient"


def local(iri: str) -> str:
    """``ckg:signatory`` as ``signatory``."""
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def words(name: str) -> str:
    """``DeEscalationAgreement`` as ``de escalation agreement``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


@dataclass(frozen=True)
class Kinds:
    """Every kind of claim by every name (label with and without "claim", class name,
    direct property), and the keys of their roles."""

    by_name: dict[str, ClaimKind]
    role_keys: frozenset[str]

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> Kinds:
        by_name: dict[str, ClaimKind] = {}
        for kind in vocabulary.kinds:
            name = local(kind.iri)
            for text in (
                kind.label,
                kind.label.removesuffix(" claim"),
                kind.direct_label,
                name,
                words(name.removesuffix("Claim")),
            ):
                by_name.setdefault(normalise(text), kind)
        roles = {local(k.from_role) for k in vocabulary.kinds}
        roles |= {local(k.to_role) for k in vocabulary.kinds}
        return cls(by_name, frozenset(roles))

    def get(self, text: str) -> ClaimKind | None:
        """The kind of claim ``text`` names; None if none."""
        return self.by_name.get(normalise(text))

    def known(self) -> str:
        """The kinds by their short labels, for a message."""
        return ", ".join(sorted({k.label.removesuffix(" claim") for k in self.by_name.values()}))


def role_keys(kind: ClaimKind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The keys that may give the from role and the to role of ``kind``, first first."""
    if kind.symmetric:
        return (local(kind.from_role), FROM_KEY), (SECOND_PARTY, TO_KEY)
    return (local(kind.from_role), FROM_KEY), (local(kind.to_role), TO_KEY)


def first_given(keys: tuple[str, ...], given: Container[str]) -> str | None:
    """The first of ``keys`` the mapping gives."""
    return next((key for key in keys if key in given), None)


def roles_of(kind: ClaimKind) -> str:
    """``signatory and agreement`` (or ``party twice``), for a message."""
    if kind.symmetric:
        return f"{local(kind.from_role)} twice: party = [..., ...]"
    return f"{local(kind.from_role)} and {local(kind.to_role)}"

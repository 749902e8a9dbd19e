"""The conflict-kg terms that the importers write, one a line.

The same namespace as :class:`kg.vocab.CKG`, kept here while the import terms are new;
``_fail = True`` makes a typo an AttributeError, and tests/test_import_esd.py checks that
each term is defined (labelled) in the ontology.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace


class CKG(DefinedNamespace):
    """conflict-kg ontology terms used by kg.importers: https://w3id.org/conflict-kg/ontology#"""

    _NS = Namespace("https://w3id.org/conflict-kg/ontology#")
    _fail = True

    # actors
    Actor: URIRef  # anyone who acts in a conflict
    Government: URIRef  # the government of a state as a party to a conflict
    ArmedGroup: URIRef  # a non-state organisation that fights
    RebelGroup: URIRef  # an armed group fighting a government
    ResearchOrganisation: URIRef  # publisher of a dataset (UCDP)
    ucdpActorId: URIRef  # the actor's UCDP id

    # sources
    SourceDocument: URIRef  # a document claims come from
    NewsArticle: URIRef  # a news article used as a source
    Dataset: URIRef  # a published dataset used as a source
    datePrecision: URIRef  # precision of dcterms:date

    # claims
    SupportClaim: URIRef  # a source says one actor backs another
    backer: URIRef  # the actor that gives support
    recipient: URIRef  # the actor that receives support
    against: URIRef  # the opponent the support is given against
    via: URIRef  # the agency the support goes through
    supportKind: URIRef  # what the support consists of
    status: URIRef  # asserted, alleged, denied, ended
    start: URIRef  # first day of the period in which it began
    end: URIRef  # first day of the period in which it ended
    startPrecision: URIRef  # day, month or year
    endPrecision: URIRef  # day, month or year
    source: URIRef  # the document a claim comes from
    quote: URIRef  # the sentence (or rendered row) a claim rests on
    accordingTo: URIRef  # whom the source attributes the statement to
    recordId: URIRef  # the row of the source a claim was read from
    inCoalition: URIRef  # support given through a coalition
    coalitionName: URIRef  # the coalition's name
    supportsBothSides: URIRef  # the backer backed both sides

    # records that are not claims
    NoKnownSupport: URIRef  # a party had no known support in a period
    unsupportedParty: URIRef  # the party without known support
    opponent: URIRef  # whom it fought

    # schemes and concepts
    SupportKinds: URIRef  # the scheme of kinds of support
    ClaimStatuses: URIRef  # the scheme of statuses
    UnspecifiedSupport: URIRef  # the source does not say what kind
    Asserted: URIRef  # stated as a fact
    Alleged: URIRef  # reported as alleged

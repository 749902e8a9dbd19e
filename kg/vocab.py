"""The conflict-kg vocabulary terms used from Python, one a line.

``_fail = True`` makes a typo an AttributeError; tests/test_ontology.py checks that each term
is defined (labelled) in the ontology.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ID = Namespace("https://w3id.org/conflict-kg/id/")
SHAPES = Namespace("https://w3id.org/conflict-kg/shapes#")


class CKG(DefinedNamespace):
    """conflict-kg ontology: https://w3id.org/conflict-kg/ontology#"""

    _NS = Namespace("https://w3id.org/conflict-kg/ontology#")
    _fail = True

    # annotations read by the code
    directProperty: URIRef  # the direct property a claim class stands for
    fromRole: URIRef  # role property giving the subject of the direct property
    toRole: URIRef  # role property giving the object of the direct property
    networkEdge: URIRef  # what a claim class becomes in the actor network
    edgeSign: URIRef  # +1 cooperative, -1 hostile
    listOrder: URIRef  # the order in which reports list a kind of claim among its kin
    DirectedEdge: URIRef  # an arrow in the actor network
    UndirectedEdge: URIRef  # a line without direction in the actor network

    # classes
    Actor: URIRef  # anyone who acts in a conflict
    Claim: URIRef  # what one source says about a relation
    SupportClaim: URIRef  # a source says one actor backs another
    AllianceClaim: URIRef  # a source says two actors are allies
    OppositionClaim: URIRef  # a source says two actors fight or oppose each other
    OfficeClaim: URIRef  # a source says a person holds an office
    EnvoyClaim: URIRef  # a source says a person is the envoy of an actor
    SignatoryClaim: URIRef  # a source says an actor signed an agreement
    ThirdPartyClaim: URIRef  # mediator, guarantor or host: a third party to talks
    MediationClaim: URIRef  # a source says an actor mediates talks
    GuaranteeClaim: URIRef  # a source says an actor guarantees an agreement
    HostingClaim: URIRef  # a source says an actor hosts talks
    Talks: URIRef  # a peace process, a round of talks or a meeting
    PeaceProcess: URIRef  # a series of rounds of talks under one name
    Event: URIRef  # something that happened: talks, a meeting, a battle
    Agreement: URIRef  # a ceasefire, a de-escalation agreement, an initiative
    SourceDocument: URIRef  # a document claims come from

    # claim properties
    backer: URIRef  # the actor that gives support
    recipient: URIRef  # the actor that receives support
    source: URIRef  # the document a claim comes from
    quote: URIRef  # the sentence a claim rests on
    status: URIRef  # asserted, alleged, denied, ended
    start: URIRef  # first day of the period in which it began
    end: URIRef  # first day of the period in which it ended

    # direct properties
    backs: URIRef  # derived from support claims
    backedBy: URIRef  # inverse of backs

    # statuses
    Denied: URIRef  # no direct property is derived from a denied claim

    # terms the importers write
    Government: URIRef  # the government of a state as a party to a conflict
    ArmedGroup: URIRef  # a non-state organisation that fights
    RebelGroup: URIRef  # an armed group fighting a government
    ResearchOrganisation: URIRef  # publisher of a dataset (UCDP)
    ucdpActorId: URIRef  # the actor's UCDP id
    NewsArticle: URIRef  # a news article used as a source
    Dataset: URIRef  # a published dataset used as a source
    datePrecision: URIRef  # precision of dcterms:date
    against: URIRef  # the opponent the support is given against
    via: URIRef  # the agency the support goes through
    supportKind: URIRef  # what the support consists of
    office: URIRef  # the office an office claim says a person holds
    startPrecision: URIRef  # day, month or year
    endPrecision: URIRef  # day, month or year
    accordingTo: URIRef  # whom the source attributes the statement to
    recordId: URIRef  # the row of the source a claim was read from
    inCoalition: URIRef  # support given through a coalition
    coalitionName: URIRef  # the coalition's name
    supportsBothSides: URIRef  # the backer backed both sides
    NoKnownSupport: URIRef  # a party had no known support in a period
    unsupportedParty: URIRef  # the party without known support
    opponent: URIRef  # whom it fought
    SupportKinds: URIRef  # the scheme of kinds of support
    ClaimStatuses: URIRef  # the scheme of statuses
    UnspecifiedSupport: URIRef  # the source does not say what kind
    Asserted: URIRef  # stated as a fact
    Alleged: URIRef  # reported as alleged

    # the standard records (ontology/records.ttl)
    ArmedConflict: URIRef  # a UCDP armed conflict
    Dyad: URIRef  # two warring parties of a conflict
    ConflictYear: URIRef  # a year of a conflict or dyad, with its intensity
    ucdpConflictId: URIRef  # UCDP conflict_id
    ucdpDyadId: URIRef  # UCDP dyad_id
    location: URIRef  # where, as the dataset names it
    locationState: URIRef  # a state where it takes place
    incompatibility: URIRef  # government, territory or both
    territoryName: URIRef  # the territory contested
    conflictType: URIRef  # extrasystemic, interstate, intrastate, internationalised
    conflictYear: URIRef  # a year of a conflict or dyad
    year: URIRef  # the year of a conflict year
    intensity: URIRef  # minor or war
    sideA: URIRef  # first side of a dyad
    sideB: URIRef  # second side of a dyad
    inConflict: URIRef  # the conflict of a dyad
    conflict: URIRef  # the conflict of a claim or agreement
    dyad: URIRef  # the dyad of a claim
    coverageStart: URIRef  # first year a dataset covers
    coverageEnd: URIRef  # last year a dataset covers
    openAtCoverageEnd: URIRef  # still recorded in the last covered year
    paxId: URIRef  # PA-X AgtId
    ucdpAgreementId: URIRef  # UCDP peace agreement id
    agreementStage: URIRef  # stage of the peace process
    agreementType: URIRef  # intrastate, interstate or both
    signingStatus: URIRef  # how it was signed, in the dataset's words
    peaceProcess: URIRef  # the peace process of an agreement
    paxProcessId: URIRef  # PA-X PP
    unresolvedParty: URIRef  # a party text that names no actor
    WitnessClaim: URIRef  # a source says an actor witnessed an agreement
    witness: URIRef  # the actor that witnessed
    AgreementMediationClaim: URIRef  # a source says an actor mediated an agreement
    allianceKind: URIRef  # what allies promised each other
    AllianceKinds: URIRef  # the scheme of ATOP's obligations
    atopId: URIRef  # ATOP atopid
    gwCode: URIRef  # Gleditsch-Ward number
    cowCode: URIRef  # COW ccode
    isoAlpha2: URIRef  # ISO 3166-1 alpha-2
    isoAlpha3: URIRef  # ISO 3166-1 alpha-3

    # one actor across sources (ontology/matching.ttl)
    State: URIRef  # a sovereign state
    governmentOf: URIRef  # the state a government governs
    partOf: URIRef  # an agency or delegation is part of a state or organisation
    ucdpGovernmentId: URIRef  # UCDP actor id of a state's government
    MatchDecision: URIRef  # a person's review of two actors that may be one
    decisionAbout: URIRef  # one of the two actors decided on
    verdict: URIRef  # owl:sameAs or owl:differentFrom
    reviewedBy: URIRef  # who decided
    # extraction from text and its review (ontology/extraction.ttl)
    quoteStart: URIRef  # offset of a quote's first character in its source's text
    quoteEnd: URIRef  # offset just after a quote's last character
    foundBy: URIRef  # the rule of kg extract that proposed a claim or an actor
    confidence: URIRef  # how sure that rule is, 0..1
    candidateKey: URIRef  # fingerprint of a proposed claim: class, actors by role, sentence
    proposedActor: URIRef  # true on an actor kg extract proposed
    reviewedAt: URIRef  # when a proposed claim was accepted or rejected
    Rejection: URIRef  # a person's rejection of a proposed claim
    movedClaim: URIRef  # a claim a merge moved to the actor merged into
    formerType: URIRef  # a class the merged actor had before the merge

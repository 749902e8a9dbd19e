"""``kg review``: a person accepts, rejects, edits or skips the claims ``kg extract``
proposed, at the terminal or from a CSV of decisions, and the decisions go into a file or
store, validated, all or nothing (kg.review)."""

from __future__ import annotations

import dataclasses
import getpass
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rdflib import URIRef

from kg.cli_common import GraphSource, data_options, progress_bar, quiet_option
from kg.cli_import_common import readable_file, store_folder
from kg.cli_import_common import wait_option as import_wait_option
from kg.errors import AmbiguousName, BadValue, UnknownName
from kg.names import normalise
from kg.prefixes import compact
from kg.resources import reference_files
from kg.vocab import CKG

if TYPE_CHECKING:
    from kg.review import Candidate, Candidates, Decision, Reviewer, Slot


@click.command("review")
@click.argument(
    "candidates",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=lambda ctx, param, paths: tuple(readable_file(ctx, param, p) for p in paths),
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.ttl",
    help="Write the decisions into this Turtle (.ttl) or N-Triples (.nt) file, created if "
    "missing and merged into if not, replaced atomically after validation. Or into a "
    "store with --store.",
)
@click.option(
    "--by",
    "reviewer_name",
    metavar="NAME",
    help="Who reviews (ckg:reviewedBy) [default: the login name].",
)
@click.option(
    "--decisions",
    "decisions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.csv",
    help="Decide from this CSV instead of asking: columns key (or claim), decision "
    "(accept, reject, skip), and optional edits: kind, status, start, end, and a column "
    "per role (backer, recipient, party...).",
)
@click.option(
    "--accept-above",
    type=click.FloatRange(0, 1),
    metavar="CONF",
    help="Accept every candidate of confidence CONF or more (that --decisions leaves "
    "undecided), without asking.",
)
@click.option(
    "--reject-below",
    type=click.FloatRange(0, 1),
    metavar="CONF",
    help="Reject every candidate of confidence below CONF (that --decisions leaves "
    "undecided), without asking.",
)
@import_wait_option
@quiet_option
@data_options
def review_command(
    candidates: tuple[Path, ...],
    output_path: Path | None,
    reviewer_name: str | None,
    decisions_path: Path | None,
    accept_above: float | None,
    reject_below: float | None,
    wait: float,
    quiet: bool,
    source: GraphSource,
) -> None:
    """Review the claims `kg extract` proposed: accept, reject, edit or skip each.

    One claim at a time, with its kind, its actors by role (new ones marked), status,
    dates, confidence, the rule that found it and its sentence. Keys: a accept, r reject,
    e edit (kind, an actor, dates, status), s skip, q quit (and write what was decided).
    Ctrl-C writes nothing. Or decide without asking: --decisions FILE.csv,
    --accept-above CONF, --reject-below CONF.

    Accepted claims, marked as reviewed by --by (or the login name) and when, with the new
    actors, talks and article they name, and a ckg:Rejection for each rejected claim (so
    that `kg extract` does not propose it again) go into -o FILE or --store DIR, validated
    by the shapes with what is there, all or nothing. Exit 1: the result would violate the
    shapes (one line per problem, nothing written); 8: a bad row of --decisions.

    \b
        kg review candidates.ttl -o reviewed.ttl
        kg review candidates.ttl --store kg-store --accept-above 0.8
        kg review candidates.ttl -o reviewed.ttl --decisions decisions.csv
    """
    # kg.review and the importers load the validation stack: only when a review runs, so
    # that the other commands start without it (tests/test_imports.py)
    from kg.importers import FileTarget, target_for
    from kg.review import (
        Reviewer,
        ReviewRefused,
        read_candidates,
        review_graph,
        reviewed_keys,
        write_review,
    )

    folder = store_folder(output_path, source)
    if folder is not None and output_path is not None:
        raise click.UsageError(f"give -o {output_path} or --store {folder.where()}, not both")
    if folder is None and output_path is None:
        raise click.UsageError("say where the decisions go: -o FILE.ttl or --store DIR")
    if output_path is not None and any(output_path.resolve() == c.resolve() for c in candidates):
        raise click.UsageError(
            f"-o {output_path} is a candidates file: the reviewed claims go into another file"
        )
    add = (*reference_files(), *source.add)
    # Where the decisions go, checked before the review: not after ten minutes of it.
    target = target_for(
        output_path if folder is None else None,
        folder,
        data=source.data,
        add=add if folder is None else source.add,
    )
    if isinstance(target, FileTarget):
        target.check()
    by = reviewer_name or _login()
    if not by:
        raise click.UsageError("no login name to record as the reviewer: give --by NAME")
    kg = review_graph(
        output=output_path if folder is None else None,
        store=folder,
        data=source.data,
        add=add,
        allow_network=source.allow_network,
    )
    try:
        found = read_candidates(list(candidates), kg)
        reviewer = Reviewer(kg, found)
        done = reviewed_keys(kg)
        decisions = _decide(
            reviewer, found, done, decisions_path, accept_above, reject_below, quiet
        )
    finally:
        kg.close()  # the write opens the target afresh
    shown = not quiet and sys.stderr.isatty()
    total = sum(d.verdict != "skip" for d in decisions)
    where = folder.where() if folder is not None else str(output_path)
    try:
        with progress_bar(f"Writing into {where}", total, shown, unit="rows") as progress:
            result = write_review(
                reviewer,
                decisions,
                output=output_path if folder is None else None,
                store=folder,
                data=source.data if folder is None else (),
                add=add if folder is None else (),
                by=by,
                allow_network=source.allow_network,
                wait=wait,
                progress=progress,
                stage=progress.stage if progress is not None else None,
            )
    except ReviewRefused as refused:
        for problem in refused.problems:
            click.echo(f"Error: {problem}", err=True)
        click.echo(f"Error: {refused}", err=True)
        sys.exit(refused.exit_code)
    if not quiet:
        decided = {d.claim.key for d in decisions if d.verdict != "skip"}
        before = sum(1 for c in found.claims if c.key in done and c.key not in decided)
        click.echo(dataclasses.replace(result, before=before).summary())


def _decide(
    reviewer: Reviewer,
    found: Candidates,
    done: dict[str, str],
    decisions_path: Path | None,
    accept_above: float | None,
    reject_below: float | None,
    quiet: bool,
) -> list[Decision]:
    """The decisions of a CSV and the confidence thresholds, or else of the person asked."""
    from kg.review import decide_above, read_decisions

    if decisions_path is None and accept_above is None and reject_below is None:
        return _ask(reviewer, found, done)
    decided = read_decisions(decisions_path, reviewer) if decisions_path else []
    decisions = decide_above(
        found, decided, accept_above=accept_above, reject_below=reject_below, reviewed=done
    )
    before = {c.key for c in found.claims} & set(done) - {d.claim.key for d in decided}
    if before and (accept_above is not None or reject_below is not None) and not quiet:
        click.echo(f"({len(before)} candidate(s) reviewed before are left as they were)")
    return decisions


def _login() -> str | None:
    try:
        return getpass.getuser() or None
    except (KeyError, OSError):  # no login name in a container without a passwd entry
        return None


# --- the terminal review -------------------------------------------------------------------


def _ask(reviewer: Reviewer, found: Candidates, done: dict[str, str]) -> list[Decision]:
    """Ask about each candidate not reviewed yet; the decisions made when the person
    quits, or all of them. Ctrl-C (or the end of the input) writes nothing."""
    from kg.review import Decision

    todo = [c for c in found.claims if c.key not in done]
    if len(todo) < len(found.claims):
        click.echo(f"({len(found.claims) - len(todo)} candidate(s) reviewed before are not shown)")
    decisions: list[Decision] = []
    try:
        for number, claim in enumerate(todo, 1):
            while True:
                click.echo(_card(reviewer, claim, number, len(todo)))
                key = click.prompt(
                    "[a]ccept, [r]eject, [e]dit, [s]kip, [q]uit",
                    type=click.Choice(["a", "r", "e", "s", "q"]),
                    show_choices=False,
                )
                if key == "e":
                    claim = _edit(reviewer, claim)
                    continue
                break
            if key == "q":
                break
            verdict = {"a": "accept", "r": "reject", "s": "skip"}[key]
            decisions.append(Decision(verdict, claim))
    except click.Abort:
        click.echo("\nStopped: nothing was written.", err=True)
        sys.exit(130)
    return decisions


def _card(reviewer: Reviewer, claim: Candidate, number: int, total: int) -> str:
    """A candidate as the review shows it."""
    confidence = f"confidence {claim.confidence}" if claim.confidence is not None else ""
    found_by = f"found by {claim.found_by!r}" if claim.found_by else ""
    facts = ", ".join(f for f in (confidence, found_by) if f)
    lines = [
        "",
        f"[{number}/{total}] {reviewer.short_kind(claim.kind)} claim"
        + (" (edited)" if claim.edited else "")
        + (f"  ({facts})" if facts else ""),
    ]
    slots = reviewer.slots(claim)
    width = max([len(s.name) for s in slots] + [len("sentence")])
    for slot in slots:
        values = claim.values(slot.role)
        value = values[slot.index] if slot.index < len(values) else None
        if value is None and slot.role in (CKG.against, CKG.via):
            continue  # optional roles, shown only when given
        lines.append(f"  {slot.name.ljust(width)}  {_actor(reviewer, value)}")
    kinds = sorted(
        str(kind).rsplit("#", 1)[-1].removesuffix("Support").lower()
        for kind in reviewer.candidates.graph.objects(claim.iri, CKG.supportKind)
    )
    if kinds:  # shown so that a wrong kind is seen (editing kinds is not offered yet)
        lines.append(f"  {'support'.ljust(width)}  {'; '.join(kinds)}")
    lines.append(f"  {'status'.ljust(width)}  {reviewer.status_label(claim.status)}")
    dates = f"{claim.start or '?'} to {claim.end or '?'}" if claim.start or claim.end else "-"
    lines.append(f"  {'dates'.ljust(width)}  {dates}")
    wrapped = textwrap.wrap(f'"{claim.quote}"', width=76) or ['""']
    lines.append(f"  {'sentence'.ljust(width)}  {wrapped[0]}")
    lines += [" " * (width + 4) + line for line in wrapped[1:]]
    return "\n".join(lines)


def _actor(reviewer: Reviewer, value: URIRef | None) -> str:
    if value is None:
        return "(none)"
    label = reviewer.label(value)
    if reviewer.is_new(value):
        cls = reviewer.new_class(value)
        return f"{label} (new{': ' + cls if cls else ''})"
    return f"{label} ({compact(str(value))})"


def _edit(reviewer: Reviewer, claim: Candidate) -> Candidate:
    """One edit of ``claim``: its kind, an actor, its dates or its status."""
    what = click.prompt(
        "Edit [k]ind, [a]ctor, [d]ates, [s]tatus, or [b]ack",
        type=click.Choice(["k", "a", "d", "s", "b"]),
        show_choices=False,
    )
    try:
        if what == "k":
            kinds = sorted(reviewer.short_kind(k.iri) for k in reviewer.vocabulary.kinds)
            name = click.prompt("Kind", type=click.Choice(kinds))
            return reviewer.with_kind(claim, reviewer.kind_named(name))
        if what == "a":
            slots = reviewer.slots(claim)
            names = [s.name for s in slots]
            chosen = click.prompt(
                "Role", type=click.Choice(names), default=names[0] if len(names) == 1 else None
            )
            slot = reviewer.slot_named(claim, chosen)
            return reviewer.with_value(claim, slot, _named(reviewer, slot))
        if what == "d":
            start = click.prompt(
                "Start (YYYY, YYYY-MM, YYYY-MM-DD; - for none)", default=str(claim.start or "-")
            )
            end = click.prompt(
                "End (YYYY, YYYY-MM, YYYY-MM-DD; - for none)", default=str(claim.end or "-")
            )
            return reviewer.with_dates(claim, start, end)
        if what == "s":
            statuses = list(reviewer.vocabulary.status_labels.values())
            status = click.prompt(
                "Status",
                type=click.Choice(statuses),
                default=reviewer.status_label(claim.status),
            )
            return reviewer.with_status(claim, status)
    except BadValue as error:
        click.echo(f"  {error}")
    return claim


def _named(reviewer: Reviewer, slot: Slot) -> URIRef:
    """The actor (or talks, agreement) a name the person types names; a new one, proposed,
    if they say so."""
    while True:
        text = click.prompt("Name (any name the graph knows, or a new one)")
        try:
            return reviewer.find(text, slot)
        except AmbiguousName as error:
            click.echo(f"  {error}")
            continue
        except UnknownName as error:
            click.echo(f"  {error}")
        if not click.confirm(f"  Propose {text!r} as new?", default=False):
            continue
        cls = slot.range
        if cls not in (CKG.Talks, CKG.Agreement):
            cls = _actor_class(reviewer)
        return reviewer.propose(text, cls)


def _actor_class(reviewer: Reviewer) -> URIRef:
    classes = reviewer.vocabulary.actor_classes
    while True:
        text = click.prompt("  Class (state, government, armed group, person...)", default="actor")
        found = classes.get(normalise(text))
        if found is not None:
            return found
        names = sorted({name for name in classes if " " in name or name.isalpha()})
        click.echo(f"  {text!r} is no class of actor: {', '.join(names)}")

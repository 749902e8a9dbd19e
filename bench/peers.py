"""Peer validators for the benchmarks: the same shapes and data through another SHACL engine.

    .venv/bin/python bench/peers.py jena-shacl [DATA ...] [--shapes FILE] [--xmx 8g]
    .venv/bin/python bench/peers.py classpath

``jena-shacl`` runs Apache Jena's SHACL validator (the ``shacl.shacl validate`` command class
of jena-cmds.jar, Debian package libapache-jena-java) on DATA (default: the bundled
data/*.ttl) together with the ontology (ontology/*.ttl; leave it out with --no-ontology), and
prints: wall seconds (JVM start-up included), CPU seconds, peak memory (the JVM's maximum
resident set, from os.wait4 on that one child), whether the data conforms, and the number of
sh:ValidationResult in Jena's Turtle report (parsed with rdflib).

The ontology must be in the data graph: ``sh:class ckg:Actor`` accepts a ckg:State only through
the rdfs:subClassOf triples of ontology/conflict-kg.ttl. Jena's command reads one --data file,
so several files are first merged into one temporary N-Triples file: N-Triples files without
blank nodes are copied byte for byte, the others (Turtle, or with blank nodes) go through Jena's
riot, which keeps the blank nodes of different files apart. The merge is timed apart from the
validation (``prepare_seconds``).

Classpath rule (:func:`jena_classpath`): the jars carry no Class-Path manifest entry, and
``/usr/share/java/*`` holds several SLF4J bindings and both commons-logging and its SLF4J
bridge. So the classpath is resolved from the Maven POMs that Debian installs under
/usr/share/maven-repo: start at org.apache.jena:jena-cmds, follow compile and runtime
dependencies breadth first (nearest first, as Maven does), leave out optional ones and what the
POMs exclude (Jena's POM excludes commons-logging in favour of jcl-over-slf4j), take each
artifact's jar with symlinks resolved; then add exactly one SLF4J binding, slf4j-simple (Jena
names none: its log4j2 binding is not packaged). Debian's jena-core.jar relocated its Xerces
classes to ``xerces.*`` but left their message bundles under ``org/apache/jena/ext/xerces/``,
so Jena fails at start-up ("internal error" in XSSimpleTypeDecl); when the jar is built like
that, the bundles are copied once under ~/.cache/conflict-kg/ at the path the classes look for
and that folder is appended.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHAPES = REPO / "shapes" / "conflict-kg-shapes.ttl"
MAVEN_REPO = Path("/usr/share/maven-repo")
JENA_ROOT = ("org.apache.jena", "jena-cmds")
SLF4J_BINDING = ("org.slf4j", "slf4j-simple")
JENA_PACKAGE = "libapache-jena-java"
# The JVM's maximum heap. The machine has 24 GiB and 2 cores. 1M triples peak at about 3 GiB
# resident with 8 GiB allowed (2 GiB with -Xmx4g, no slower): 8 GiB leaves room for a few
# million triples and for the processes that run beside.
DEFAULT_XMX = "8g"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class JenaNotFound(RuntimeError):
    """Apache Jena (or a jar it needs, or Java) is not installed."""


# --- classpath -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dependency:
    group: str
    artifact: str
    version: str | None
    kind: str  # the Maven <type>: jar or pom
    scope: str
    optional: bool
    exclusions: frozenset[tuple[str, str]]


def _text(element: ET.Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = element.find(f"{{*}}{name}")
    if child is None:
        child = element.find(name)
    return child.text.strip() if child is not None and child.text else None


def _children(element: ET.Element, path: str) -> list[ET.Element]:
    """Elements at ``path`` (names separated by /), with or without the POM namespace."""
    found = element.findall("/".join(f"{{*}}{name}" for name in path.split("/")))
    return found or element.findall(path)


def _artifact_dir(group: str, artifact: str, version: str | None) -> Path | None:
    """The folder of one version of an artifact: the one asked for, else Debian's "debian",
    else the highest that is there."""
    base = MAVEN_REPO.joinpath(*group.split("."), artifact)
    if not base.is_dir():
        return None
    for candidate in (version, "debian"):
        if candidate and "${" not in candidate and (base / candidate).is_dir():
            return base / candidate
    versions = sorted(p for p in base.iterdir() if p.is_dir())
    return versions[-1] if versions else None


def _pom_file(folder: Path) -> Path | None:
    poms = sorted(folder.glob("*.pom"))
    return poms[0] if poms else None


def _pom_chain(pom: Path) -> list[ET.Element]:
    """The POM and its parents, nearest first (parents not installed are skipped)."""
    chain = [ET.parse(pom).getroot()]
    seen = {pom}
    while True:
        parent = _children(chain[-1], "parent")
        if not parent:
            return chain
        group, artifact = _text(parent[0], "groupId"), _text(parent[0], "artifactId")
        folder = (
            _artifact_dir(group, artifact, _text(parent[0], "version"))
            if (group and artifact)
            else None
        )
        parent_pom = _pom_file(folder) if folder is not None else None
        if parent_pom is None or parent_pom in seen:
            return chain
        seen.add(parent_pom)
        chain.append(ET.parse(parent_pom).getroot())


def _properties(chain: list[ET.Element]) -> dict[str, str]:
    props: dict[str, str] = {}
    for root in reversed(chain):  # the nearest POM wins
        for block in _children(root, "properties"):
            for prop in block:
                props[prop.tag.rsplit("}", 1)[-1]] = (prop.text or "").strip()
    first = chain[0]
    parent = _children(first, "parent")
    group = _text(first, "groupId") or (_text(parent[0], "groupId") if parent else None)
    version = _text(first, "version") or (_text(parent[0], "version") if parent else None)
    for key, value in (("project.groupId", group), ("project.version", version)):
        if value:
            props[key] = value
    return props


def _substitute(value: str | None, props: dict[str, str]) -> str | None:
    if value is None:
        return None
    return re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), value)


def _dependency(
    element: ET.Element, props: dict[str, str], managed: dict[tuple[str, str], ET.Element]
) -> _Dependency | None:
    group = _substitute(_text(element, "groupId"), props)
    artifact = _substitute(_text(element, "artifactId"), props)
    if not group or not artifact:
        return None
    manager = managed.get((group, artifact))

    def field_of(name: str) -> str | None:
        own = _substitute(_text(element, name), props)
        return own if own is not None else _substitute(_text(manager, name), props)

    exclusions: set[tuple[str, str]] = set()
    for source in (element, manager):
        if source is None:
            continue
        for exclusion in _children(source, "exclusions/exclusion"):
            ex_group, ex_artifact = _text(exclusion, "groupId"), _text(exclusion, "artifactId")
            exclusions.add((ex_group or "*", ex_artifact or "*"))
    return _Dependency(
        group=group,
        artifact=artifact,
        version=field_of("version"),
        kind=field_of("type") or "jar",
        scope=field_of("scope") or "compile",
        optional=(field_of("optional") or "false") == "true",
        exclusions=frozenset(exclusions),
    )


def _management(chain: list[ET.Element]) -> dict[tuple[str, str], ET.Element]:
    managed: dict[tuple[str, str], ET.Element] = {}
    props = _properties(chain)
    for root in reversed(chain):  # the nearest POM wins
        for element in _children(root, "dependencyManagement/dependencies/dependency"):
            group = _substitute(_text(element, "groupId"), props)
            artifact = _substitute(_text(element, "artifactId"), props)
            if group and artifact:
                managed[(group, artifact)] = element
    return managed


def _excluded(dep: _Dependency, exclusions: frozenset[tuple[str, str]]) -> bool:
    return any(
        group in ("*", dep.group) and artifact in ("*", dep.artifact)
        for group, artifact in exclusions
    )


def _jar(folder: Path, artifact: str) -> Path | None:
    named = folder / f"{artifact}-{folder.name}.jar"
    jars = [named] if named.exists() else sorted(folder.glob("*.jar"))
    return jars[0].resolve() if jars else None


def _resolve(root: tuple[str, str]) -> list[Path]:
    """The jars of ``root`` and its compile and runtime dependencies, nearest first."""
    start = _Dependency(root[0], root[1], None, "jar", "compile", False, frozenset())
    root_pom = _artifact_dir(root[0], root[1], None)
    root_pom_file = _pom_file(root_pom) if root_pom is not None else None
    if root_pom_file is None:
        raise JenaNotFound(
            f"Apache Jena is not installed: no POM of {root[0]}:{root[1]} under "
            f"{MAVEN_REPO} (install the Debian package {JENA_PACKAGE})"
        )
    root_managed = _management(_pom_chain(root_pom_file))  # governs transitive ones too
    queue: deque[tuple[_Dependency, frozenset[tuple[str, str]], str]] = deque(
        [(start, frozenset(), "the command line")]
    )
    seen: set[tuple[str, str]] = set()
    jars: list[Path] = []
    while queue:
        dep, exclusions, needed_by = queue.popleft()
        if (dep.group, dep.artifact) in seen:
            continue
        seen.add((dep.group, dep.artifact))
        folder = _artifact_dir(dep.group, dep.artifact, dep.version)
        pom = _pom_file(folder) if folder is not None else None
        if folder is None or pom is None:
            raise JenaNotFound(
                f"{dep.group}:{dep.artifact}, needed by {needed_by}, is not installed: "
                f"no POM under {MAVEN_REPO} (reinstall {JENA_PACKAGE} and its dependencies)"
            )
        if dep.kind != "pom":
            jar = _jar(folder, dep.artifact)
            if jar is None or not jar.is_file():
                raise JenaNotFound(
                    f"{dep.group}:{dep.artifact}, needed by {needed_by}: no jar in {folder}"
                )
            if jar not in jars:
                jars.append(jar)
        chain = _pom_chain(pom)
        props = _properties(chain)
        managed = {**_management(chain), **root_managed}
        for root_element in chain:
            for element in _children(root_element, "dependencies/dependency"):
                child = _dependency(element, props, managed)
                if (
                    child is None
                    or child.optional
                    or child.scope not in ("compile", "runtime")
                    or _excluded(child, exclusions)
                ):
                    continue
                queue.append((child, exclusions | child.exclusions, f"{dep.group}:{dep.artifact}"))
    return jars


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "conflict-kg"


def _xerces_messages(jena_core: Path) -> Path | None:
    """A folder with Xerces' message bundles where Debian's relocated classes look for them,
    or None when jena-core.jar needs no such help."""
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(jena_core) as jar:
        names = set(jar.namelist())
        if "xerces/impl/xpath/regex/RegexParser.class" not in names:
            return None  # upstream layout: classes and bundles both under org/apache/jena/ext
        if "xerces/impl/xpath/regex/message.properties" in names:
            return None
        bundles = sorted(n for n in names if n.startswith(prefix) and n.endswith(".properties"))
        if not bundles:
            raise JenaNotFound(f"{jena_core} has Xerces classes but no message bundles")
        digest = hashlib.sha256(jena_core.read_bytes()).hexdigest()[:16]
        target = _cache_dir() / f"jena-xerces-messages-{digest}"
        if target.is_dir():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
        for name in bundles:
            out = building / "xerces" / name[len(prefix) :]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(jar.read(name))
    try:
        building.rename(target)
    except OSError:  # built meanwhile by another run
        shutil.rmtree(building, ignore_errors=True)
    return target


@functools.cache
def _classpath_entries() -> tuple[Path, ...]:
    entries = _resolve(JENA_ROOT)
    binding = _artifact_dir(*SLF4J_BINDING, None)
    binding_jar = _jar(binding, SLF4J_BINDING[1]) if binding is not None else None
    if binding_jar is not None and binding_jar not in entries:
        entries.append(binding_jar)  # else SLF4J warns once and logs nothing
    core = next((jar for jar in entries if jar.name.startswith("jena-core")), None)
    if core is None:
        raise JenaNotFound(f"jena-core.jar is not among the jars of {JENA_PACKAGE}")
    messages = _xerces_messages(core)
    if messages is not None:
        entries.append(messages)
    return tuple(entries)


def jena_classpath() -> str:
    """The Java classpath for Jena's command classes (the rule is in the module docstring).

    Raises JenaNotFound, naming what is missing, when Jena or a jar it needs is not installed.
    """
    return os.pathsep.join(str(entry) for entry in _classpath_entries())


def jena_version() -> str:
    """Jena's upstream version, as Debian records it in jena-cmds' POM."""
    folder = _artifact_dir(*JENA_ROOT, None)
    pom = _pom_file(folder) if folder is not None else None
    if pom is None:
        raise JenaNotFound(f"Apache Jena is not installed (Debian package {JENA_PACKAGE})")
    props = _properties(_pom_chain(pom))
    return props.get("debian.originalVersion") or props.get("project.version") or "unknown"


def java_binary() -> str:
    """The java launcher on PATH (else /usr/bin/java)."""
    java = shutil.which("java") or ("/usr/bin/java" if Path("/usr/bin/java").exists() else None)
    if java is None:
        raise JenaNotFound("java is not installed (Jena needs Java 11 or later)")
    return java


# --- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerResult:
    """What one run of a peer validator gave."""

    tool: str
    seconds: float  # wall time of the validator process, JVM start-up included
    peak_mib: float  # the process's maximum resident set size
    cpu_seconds: float  # its user + system CPU time (less sensitive than wall time to load)
    conforms: bool | None  # None when the run failed or timed out
    results: int | None  # sh:ValidationResult in the report
    severities: dict[str, int] = field(default_factory=dict)  # results by sh:resultSeverity
    returncode: int = 0
    timed_out: bool = False
    prepare_seconds: float = 0.0  # merging several data files into one (not in ``seconds``)
    command: tuple[str, ...] = ()
    stderr: str = ""  # its last lines


def _wait(pid: int, timeout: float) -> tuple[int, float, float, bool]:
    """Wait for ``pid`` (killing it after ``timeout`` seconds) and reap it; return its exit
    status, its own peak RSS in MiB and CPU seconds (os.wait4: this child only, not the other
    children of this process), and whether it timed out."""
    timed_out = False
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    if pidfd is not None:
        try:
            ready, _, _ = select.select([pidfd], [], [], timeout)
            if not ready:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                timed_out = True
        finally:
            os.close(pidfd)
    else:  # no pidfd: poll without reaping, so that the pid cannot be reused before the kill
        deadline = time.monotonic() + timeout
        while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() >= deadline:
                os.kill(pid, signal.SIGKILL)
                timed_out = True
                break
            time.sleep(0.005)
    _, status, usage = os.wait4(pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return status, usage.ru_maxrss / 1024, cpu, timed_out  # ru_maxrss is KiB on Linux


@dataclass(frozen=True)
class _Finished:
    returncode: int
    seconds: float
    peak_mib: float
    cpu_seconds: float
    timed_out: bool


def _run(command: list[str], stdout: Path, stderr: Path, timeout: float) -> _Finished:
    """Run ``command`` with its output in files, and measure it."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            status, peak, cpu, timed_out = _wait(process.pid, timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by _wait, not by Popen
    return _Finished(process.returncode, seconds, peak, cpu, timed_out)


def _tail(path: Path, lines: int = 20) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def _java_command(classpath: str, xmx: str, main: str, *args: str) -> list[str]:
    return [
        java_binary(),
        f"-Xmx{xmx}",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp",
        classpath,
        main,
        *args,
    ]


def _plain_ntriples(path: Path) -> bool:
    """Whether ``path`` can be copied byte for byte into a merge: N-Triples without blank
    nodes (a blank node label means one node only within its own file)."""
    if path.suffix != ".nt":
        return False
    with path.open("rb") as stream:
        last = b""
        while chunk := stream.read(1 << 24):
            if b"_:" in last + chunk:
                return False
            last = chunk[-1:]
    return True


def merge_ntriples(paths: Sequence[Path], out: Path, *, xmx: str = DEFAULT_XMX) -> None:
    """Write the triples of ``paths`` (any RDF syntax Jena reads) as one N-Triples file:
    N-Triples files without blank nodes are copied as they are, the others go through Jena's
    riot (which gives the blank nodes of each file labels of their own)."""
    plain = [path for path in paths if _plain_ntriples(path)]
    others = [path for path in paths if path not in plain]
    with out.open("wb") as sink:
        for path in plain:
            last = b"\n"
            with path.open("rb") as source:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)
                    last = chunk[-1:]
            if last != b"\n":
                sink.write(b"\n")
        if not others:
            return
        sink.flush()
        command = _java_command(
            jena_classpath(), xmx, "riotcmd.riot", "--output=nt", *(str(p) for p in others)
        )
        done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"riot could not read the data: {done.stderr.decode()[-2000:]}")


def _count_results(report: Path) -> tuple[bool | None, int, dict[str, int]]:
    """sh:conforms, the number of sh:ValidationResult and their severities in a Turtle report."""
    from rdflib import Graph, URIRef

    graph = Graph().parse(report, format="turtle")
    conforms = next(graph.objects(None, URIRef(SH + "conforms")), None)
    results = set(graph.subjects(URIRef(RDF_TYPE), URIRef(SH + "ValidationResult")))
    severities = Counter(
        str(graph.value(node, URIRef(SH + "resultSeverity")) or "").removeprefix(SH)
        for node in results
    )
    flag = None if conforms is None else bool(conforms.toPython())  # type: ignore[attr-defined]
    return flag, len(results), dict(sorted(severities.items()))


def jena_shacl(
    data: Path | Sequence[Path],
    shapes: Path = SHAPES,
    *,
    timeout: float,
    xmx: str = DEFAULT_XMX,
) -> PeerResult:
    """Validate ``data`` (one file, or several that are merged first: give the ontology too)
    against ``shapes`` with Jena's ``shacl.shacl validate``; ``xmx`` is the JVM's -Xmx."""
    paths = [data] if isinstance(data, Path) else list(data)
    if not paths:
        raise ValueError("no data file")
    for path in [*paths, shapes]:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    classpath = jena_classpath()
    with tempfile.TemporaryDirectory(prefix="peer-jena-") as folder:
        work = Path(folder)
        prepare = 0.0
        if len(paths) == 1:
            data_file = paths[0]
        else:
            data_file = work / "data.nt"
            started = time.perf_counter()
            merge_ntriples(paths, data_file, xmx=xmx)
            prepare = time.perf_counter() - started
        command = _java_command(
            classpath,
            xmx,
            "shacl.shacl",
            "validate",
            "--shapes",
            str(shapes),
            "--data",
            str(data_file),
        )
        report, errors = work / "report.ttl", work / "stderr.txt"
        run = _run(command, report, errors, timeout)
        conforms: bool | None = None
        results: int | None = None
        severities: dict[str, int] = {}
        if run.returncode == 0 and not run.timed_out:
            conforms, results, severities = _count_results(report)
        return PeerResult(
            tool=f"jena-shacl {jena_version()}",
            seconds=run.seconds,
            peak_mib=run.peak_mib,
            cpu_seconds=run.cpu_seconds,
            conforms=conforms,
            results=results,
            severities=severities,
            returncode=run.returncode,
            timed_out=run.timed_out,
            prepare_seconds=prepare,
            command=tuple(command),
            stderr=_tail(errors),
        )


# --- command line ----------------------------------------------------------------------------


def _with_ontology(paths: list[Path]) -> list[Path]:
    ontology = sorted((REPO / "ontology").glob("*.ttl"))
    given = {p.resolve() for p in paths}
    return [*paths, *(p for p in ontology if p.resolve() not in given)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("jena-shacl", help="validate with Apache Jena's SHACL")
    run.add_argument("data", nargs="*", type=Path, help="data files (default: data/*.ttl)")
    run.add_argument("--shapes", type=Path, default=SHAPES, help="default: %(default)s")
    run.add_argument("--no-ontology", action="store_true", help="do not add ontology/*.ttl")
    run.add_argument("--timeout", type=float, default=3600.0, help="seconds (default: 3600)")
    run.add_argument("--xmx", default=DEFAULT_XMX, help="JVM maximum heap (default: %(default)s)")
    commands.add_parser("classpath", help="print the classpath used for Jena")
    args = parser.parse_args(argv)
    try:
        if args.command == "classpath":
            print(jena_classpath())
            return 0
        paths = list(args.data) or sorted((REPO / "data").glob("*.ttl"))
        if not args.no_ontology:
            paths = _with_ontology(paths)
        result = jena_shacl(paths, args.shapes, timeout=args.timeout, xmx=args.xmx)
    except (JenaNotFound, FileNotFoundError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    severities = ", ".join(f"{k} {v}" for k, v in result.severities.items()) or "-"
    print(f"tool              {result.tool} (-Xmx{args.xmx})")
    print(f"data              {len(paths)} file(s), merged in {result.prepare_seconds:.1f} s")
    print(f"seconds           {result.seconds:.2f}")
    print(f"cpu seconds       {result.cpu_seconds:.2f}")
    print(f"peak memory       {result.peak_mib:.0f} MiB")
    print(f"conforms          {result.conforms}")
    print(f"results           {result.results} ({severities})")
    if result.timed_out or result.returncode != 0:
        state = "timed out" if result.timed_out else f"exit code {result.returncode}"
        print(f"failed            {state}\n{result.stderr}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

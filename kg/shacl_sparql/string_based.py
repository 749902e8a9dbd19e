"""String-based constraints (SHACL 4.4, https://www.w3.org/TR/shacl/#core-components-string):
sh:minLength, sh:maxLength, sh:pattern and sh:languageIn, decided in Python by pySHACL's
rules (kg.shacl_sparql.literals.STRING_TESTS). sh:uniqueLang (SHACL 4.4.6) is in
kg.shacl_sparql.top_level."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl_sparql.base import _CompilerBase
from kg.shacl_sparql.literals import _regex
from kg.shacl_sparql.model import UnsupportedShape, ValueTest
from kg.shacl_sparql.vocabulary import _local


class StringBasedMixin(_CompilerBase):
    """sh:minLength, sh:maxLength, sh:pattern, sh:languageIn (SHACL 4.4)."""

    def _string_test(self, shape: Node, parameter: URIRef, argument: Node) -> ValueTest:
        """The ValueTest of sh:minLength, sh:maxLength, sh:pattern or sh:languageIn, or
        UnsupportedShape for an argument pySHACL would refuse or read otherwise."""
        name = _local(parameter)
        if parameter in (SH.minLength, SH.maxLength):
            if not (isinstance(argument, Literal) and isinstance(argument.value, int)):
                raise UnsupportedShape(shape, f"sh:{name} {argument.n3()} (not an integer)")
            if argument.value < 0:
                raise UnsupportedShape(shape, f"sh:{name} below zero")
            return ValueTest(name, argument)  # type: ignore[arg-type]
        if parameter == SH.pattern:
            flags = sorted(self.shapes.objects(shape, SH.flags), key=str)
            if len(list(self.shapes.objects(shape, SH.pattern))) > 1 or len(flags) > 1:
                raise UnsupportedShape(shape, "more than one sh:pattern or sh:flags")
            if not isinstance(argument, Literal) or any(not isinstance(f, Literal) for f in flags):
                raise UnsupportedShape(shape, "sh:pattern or sh:flags that is not a literal")
            options = (str(flags[0]).lower(),) if flags else ()
            try:
                _regex(str(argument), options[0] if options else "")
            except re.error as error:
                raise UnsupportedShape(shape, f"sh:pattern {argument.n3()} ({error})") from None
            return ValueTest("pattern", argument, options)
        members = self._list(shape, argument, "sh:languageIn")
        if any(not (isinstance(m, Literal) and isinstance(m.value, str)) for m in members):
            raise UnsupportedShape(shape, "sh:languageIn with a member that is not a string")
        return ValueTest("languageIn", argument, tuple(str(m).lower() for m in members))

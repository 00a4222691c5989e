"""Changes to a model, each a pure function returning a new, valid model.

Every function raises ModelError (nothing changed) when the change cannot be made: an unknown
domain or question, an empty or repeated name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from allied.core.model.types import Domain, MentoringModel, ModelError, ThemeRef, validate

NAME_MAX = 80
DEFINITION_MAX = 2000


def _with_domains(model: MentoringModel, domains: list[Domain]) -> MentoringModel:
    return validate(replace(model, domains=tuple(domains)))


def _clean_name(model: MentoringModel, name: str, *, besides: str | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ModelError(["Enter the domain's name."])
    if len(name) > NAME_MAX:
        raise ModelError([f"Keep the domain's name to {NAME_MAX} characters or fewer."])
    for domain in model.domains:
        if domain.code != besides and domain.name.casefold() == name.casefold():
            raise ModelError([f"There is already a domain called {domain.name!r}."])
    return name


def _clean_definition(definition: str) -> str:
    definition = definition.strip()
    if len(definition) > DEFINITION_MAX:
        raise ModelError([f"Keep the definition to {DEFINITION_MAX} characters or fewer."])
    return definition


def code_for(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """Returns a domain code made from the name ("Peer support" -> "peer-support"), unique
    among `taken` (a number is added when needed)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:32] or "domain"
    code, number = base, 2
    while code in taken:
        code = f"{base}-{number}"
        number += 1
    return code


def rename_domain(model: MentoringModel, code: str, name: str) -> MentoringModel:
    """Returns the model with the domain renamed (its code, and so its themes, stay)."""
    model.domain(code)
    name = _clean_name(model, name, besides=code)
    return _with_domains(
        model, [replace(d, name=name) if d.code == code else d for d in model.domains]
    )


def define_domain(model: MentoringModel, code: str, definition: str) -> MentoringModel:
    """Returns the model with the domain's definition replaced."""
    model.domain(code)
    definition = _clean_definition(definition)
    return _with_domains(
        model,
        [replace(d, definition=definition) if d.code == code else d for d in model.domains],
    )


def add_domain(
    model: MentoringModel, name: str, definition: str = "", code: str | None = None
) -> MentoringModel:
    """Returns the model with a new domain, after the others; its code is made from the name
    unless given."""
    name = _clean_name(model, name)
    taken = {d.code for d in model.domains}
    if code is not None and code in taken:
        raise ModelError([f"There is already a domain with the code {code!r}."])
    domain = Domain(code or code_for(name, taken), name, _clean_definition(definition))
    return _with_domains(model, [*model.domains, domain])


def merge_domains(
    model: MentoringModel, keep: str, absorb: str, *, name: str | None = None
) -> MentoringModel:
    """Returns the model with domain `absorb` merged into `keep`: its themes follow keep's,
    its definition is added to keep's, and it is removed. `name` renames the merged domain."""
    kept, absorbed = model.domain(keep), model.domain(absorb)
    if keep == absorb:
        raise ModelError(["Choose two different domains to merge."])
    definition = "\n\n".join(d for d in (kept.definition, absorbed.definition) if d.strip())
    others = replace(model, domains=tuple(d for d in model.domains if d.code not in (keep, absorb)))
    merged = replace(
        kept,
        name=kept.name if name is None else _clean_name(others, name),
        definition=definition,
        themes=kept.themes + absorbed.themes,
    )
    return _with_domains(
        model,
        [merged if d.code == keep else d for d in model.domains if d.code != absorb],
    )


def place(model: MentoringModel, theme: ThemeRef, domain: str, question: str) -> MentoringModel:
    """Returns the model with the theme placed in the domain under the question. A theme
    already placed (the same key) moves: it is never in the model twice."""
    model.domain(domain)
    model.question(question)
    theme = replace(theme, question=question)
    domains = [
        replace(d, themes=tuple(t for t in d.themes if t.key != theme.key)) for d in model.domains
    ]
    domains = [replace(d, themes=(*d.themes, theme)) if d.code == domain else d for d in domains]
    return _with_domains(model, domains)


def unplace(model: MentoringModel, key: str) -> MentoringModel:
    """Returns the model without the theme with this key (unchanged when it is not placed)."""
    return _with_domains(
        model,
        [replace(d, themes=tuple(t for t in d.themes if t.key != key)) for d in model.domains],
    )


def without_themes(model: MentoringModel) -> MentoringModel:
    """Returns the model's frame: its domains, questions and qualities, with no themes placed."""
    return replace(model, domains=tuple(replace(d, themes=()) for d in model.domains))

"""The study's model of allyship, as data: the qualities a mentor reflects on, the training
modules a programme can start from, and small pure helpers for showing both.

Allies "combine kindness and courage; believing, challenging, disrupting to bring about
change". They lead with authenticity and integrity, have the humility to say what they do not
know, understand racism and related issues, and do not expect mentees to keep justifying their
experiences. Allies need not be perfect: the reflection is for learning, not for a score.

No Django here: the app in `allied/allyship/` stores reflections and modules and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NOT_PERFECT = (
    "Allies need not be perfect. Rate yourself honestly: a low rating you can act on is worth "
    "more than a high one you are not sure of. Only you see your reflections unless you choose "
    "to share one."
)

RATINGS = (1, 2, 3, 4, 5)
RATING_LABELS = {
    1: "1 – I rarely do this yet",
    2: "2 – Sometimes",
    3: "3 – About half the time",
    4: "4 – Usually",
    5: "5 – Consistently",
}


@dataclass(frozen=True)
class Quality:
    code: str
    name: str
    description: str


QUALITIES: tuple[Quality, ...] = (
    Quality(
        "kindness",
        "Kindness",
        "Warmth and care for the mentee as a whole person, not only their career.",
    ),
    Quality(
        "courage",
        "Courage",
        "Speaking up when it would be easier to stay quiet, including with senior colleagues.",
    ),
    Quality(
        "believing",
        "Believing",
        "Taking the mentee's account of their experience as true, without asking for proof.",
    ),
    Quality(
        "challenging",
        "Challenging",
        "Questioning decisions, processes and remarks that hold the mentee back.",
    ),
    Quality(
        "disrupting",
        "Disrupting to bring about change",
        "Using your position to change how things are done, not just to comment on them.",
    ),
    Quality(
        "humility",
        "Humility",
        "Acknowledging what you do not know, and learning without making the mentee teach you.",
    ),
    Quality(
        "authenticity",
        "Authenticity and integrity",
        "Being yourself, doing what you say you will do, and being open about your mistakes.",
    ),
    Quality(
        "awareness",
        "Awareness of bias and race issues",
        "Understanding racism and related issues, and noticing your own biases as they act.",
    ),
    Quality(
        "no_justifying",
        "Not asking mentees to keep justifying their experiences",
        "Accepting what the mentee has told you once, so they do not have to prove it again.",
    ),
)

CODES: tuple[str, ...] = tuple(q.code for q in QUALITIES)
BY_CODE: dict[str, Quality] = {q.code: q for q in QUALITIES}


@dataclass(frozen=True)
class DefaultModule:
    title: str
    content: str
    reflection_prompt: str
    required: bool = True


DEFAULT_MODULES: tuple[DefaultModule, ...] = (
    DefaultModule(
        "Bias awareness",
        "Everyone has biases. They are shortcuts the mind takes, shaped by where we grew up, "
        "who we worked with and what we were told. They are not a moral failing, but left "
        "unexamined they shape who we encourage, who we recommend and whose account we doubt.\n\n"
        "In mentoring, bias can show up quietly:\n"
        "- assuming a mentee wants the same career path you took;\n"
        "- hearing confidence as arrogance, or directness as aggression;\n"
        "- offering opportunities to the mentee who reminds you of yourself.\n\n"
        "Notice when you reach a quick judgement about a person. Ask what it rests on. When you "
        "are unsure, ask the mentee what they want rather than guessing.",
        "Think of a recent time you made a quick judgement about a colleague. What did it rest "
        "on, and would you make it again?",
    ),
    DefaultModule(
        "Race and racism in mentoring conversations",
        "Many Black and minoritised staff have experienced racism at work, and many have learnt "
        "that raising it carries a cost. A mentor can make it safe to talk about, or can make it "
        "one more place where it is not heard.\n\n"
        "Some things that help:\n"
        "- say early on that race and racism can be part of your conversations, when the mentee "
        "wishes;\n"
        "- let the mentee decide when and how much to say;\n"
        "- believe what you are told: do not ask for proof or look for another explanation;\n"
        "- if you do not understand, say so, and find out for yourself afterwards.\n\n"
        "You will sometimes get it wrong. Acknowledge it, apologise simply, and carry on. "
        "Avoiding the subject to stay comfortable leaves the mentee to carry it alone.",
        "What would make it easier for your mentee to raise race with you, and what might make "
        "it harder?",
    ),
    DefaultModule(
        "Allyship in practice",
        "Allyship is what you do, not what you call yourself. It combines kindness and courage: "
        "believing the mentee, challenging what holds them back and disrupting it to bring about "
        "change.\n\n"
        "In practice that can mean:\n"
        "- putting the mentee's name forward for an opportunity, and saying why;\n"
        "- challenging a shortlist, a rota or a remark, even when nobody else does;\n"
        "- introducing the mentee to people who can open doors;\n"
        "- using what you learn to change how your own team works.\n\n"
        "Allies need not be perfect. What matters is that you keep learning, keep acting, and "
        "do not expect the mentee to keep justifying their experiences.",
        "Name one barrier your mentee faces that you could challenge in the next month. What "
        "will you do?",
    ),
)


@dataclass(frozen=True)
class Block:
    """A block of a module's text: a paragraph ("p") or a bulleted list ("ul")."""

    kind: str
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """Returns the text as paragraphs and bulleted lists, for safe rendering.

    Markdown-lite: blank lines separate blocks; lines starting with "- " or "* " form a list.
    Nothing else is interpreted, so nothing a coordinator writes can become markup."""
    out: list[Block] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if line[:2] in ("- ", "* "):
                if paragraph:
                    out.append(Block("p", (" ".join(paragraph),)))
                    paragraph = []
                items.append(line[2:].strip())
            else:
                if items:
                    out.append(Block("ul", tuple(items)))
                    items = []
                paragraph.append(line)
        if paragraph:
            out.append(Block("p", (" ".join(paragraph),)))
        if items:
            out.append(Block("ul", tuple(items)))
    return out


@dataclass(frozen=True)
class Row:
    """One quality across a person's reflections, oldest first: the ratings (None where a
    reflection did not rate it) and the change from the first rating to the last."""

    quality: Quality
    ratings: tuple[int | None, ...]
    change: int | None


def over_time(ratings: Sequence[Mapping[str, int]]) -> list[Row]:
    """Returns a row per quality for reflections given oldest first, each as {code: rating}."""
    rows = []
    for quality in QUALITIES:
        series = tuple(r.get(quality.code) for r in ratings)
        given = [x for x in series if x is not None]
        change = given[-1] - given[0] if len(given) >= 2 else None
        rows.append(Row(quality, series, change))
    return rows


def change_text(change: int | None) -> str:
    """Returns a change in words, so that it never rests on colour or a sign alone."""
    if change is None:
        return "Not enough reflections yet"
    if change == 0:
        return "No change"
    points = "point" if abs(change) == 1 else "points"
    return f"Up {change} {points}" if change > 0 else f"Down {-change} {points}"


def all_required_done(required: Iterable[int], done: Iterable[int]) -> bool:
    """Whether every required module is done. A programme with no required modules has no
    training to complete, so nobody is marked trained by default."""
    wanted = set(required)
    return bool(wanted) and wanted <= set(done)

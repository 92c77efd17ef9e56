"""The questionnaire as pages show it: sections (dimensions), questions with their choices in
the respondent's language, current answers and errors. Used by the customer's page, staff
entry, self-evaluation, corrections and the printable form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Answer, ItemLevel, Scale, SurveyTemplate, TemplateItem


def scale_choices(item: TemplateItem) -> list[tuple[str, str]]:
    """(value, label), best first; "unable to comment" comes separately."""
    if item.scale == Scale.FIVE:
        labels = [_("Extremely satisfied"), _("Satisfied"), _("Neutral"), _("Dissatisfied"),
                  _("Extremely dissatisfied")]
    elif item.scale == Scale.AGREE:
        labels = [_("Strongly agree"), _("Agree"), _("Neutral"), _("Disagree"),
                  _("Strongly disagree")]
    elif item.scale == Scale.VERBAL:
        labels = [_("Very satisfied"), _("Satisfied"), _("Basically satisfied"),
                  _("Dissatisfied"), _("Very dissatisfied")]
    elif item.scale == Scale.TEN:
        return [(str(v), str(v)) for v in range(10, -1, -1)]
    else:
        return []
    return [(str(5 - n), f"{5 - n} · {label}") for n, label in enumerate(labels)]


@dataclass
class Question:
    item: TemplateItem
    text: str
    depth: int
    name: str  # form field name
    na_name: str
    choices: list[tuple[str, str]]
    value: str = ""  # current value ("" none, "na", a number or the text)
    errors: list[str] = field(default_factory=list)
    competitor: bool = False

    @property
    def is_heading(self) -> bool:
        return self.item.scale == Scale.NONE

    @property
    def is_text(self) -> bool:
        return self.item.scale == Scale.TEXT

    @property
    def is_points(self) -> bool:
        return self.item.scale == Scale.POINTS

    @property
    def scored(self) -> bool:
        return self.item.scored

    @property
    def rated(self) -> bool:
        return self.item.rated


@dataclass
class Section:
    index: int
    title: str
    questions: list[Question]
    competitor: bool = False

    @property
    def has_errors(self) -> bool:
        return any(q.errors for q in self.questions)


def _text(item: TemplateItem, lang: str) -> str:
    return item.text_en if lang.startswith("en") and item.text_en else item.text


def _current_values(answers: Iterable[Answer], posted: Mapping[str, Any] | None
                    ) -> dict[str, str]:
    """The value each field shows (by field name): the stored answer, overridden by what was
    posted ("na" for a ticked not-applicable box)."""
    current: dict[str, str] = {}
    for a in answers:
        prefix = "c_" if a.competitor else "a_"
        key = prefix + a.item.key
        current[key] = "na" if a.na else (a.text if a.item.scale == Scale.TEXT else
                                          ("" if a.value is None else str(a.value)))
    if posted:
        for k in list(posted.keys()):
            if k.startswith(("a_", "c_")):
                current[k] = str(posted.get(k) or "")
            elif k.startswith(("na_", "cna_")) and posted.get(k):
                current["a_" + k[3:] if k.startswith("na_") else "c_" + k[4:]] = "na"
    return current


def build_sections(
    template: SurveyTemplate,
    items: Iterable[TemplateItem],
    *,
    lang: str,
    answers: Iterable[Answer] = (),
    posted: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    competitor: bool = True,
) -> list[Section]:
    items = sorted(items, key=lambda i: (i.position, i.pk or 0))
    by_parent: dict[int | None, list[TemplateItem]] = {}
    for i in items:
        by_parent.setdefault(i.parent_id, []).append(i)
    current = _current_values(answers, posted)
    errors = errors or {}

    with override(lang):
        def question(item: TemplateItem, depth: int, comp: bool = False) -> Question:
            name = ("c_" if comp else "a_") + item.key
            return Question(
                item=item, text=_text(item, lang), depth=depth, name=name,
                na_name=("cna_" if comp else "na_") + item.key, choices=scale_choices(item),
                value=current.get(name, ""), errors=list(errors.get(name, [])), competitor=comp,
            )

        def walk(parent: int | None, depth: int, out: list[Question]) -> None:
            for item in by_parent.get(parent, []):
                out.append(question(item, depth))
                walk(item.pk, depth + 1, out)

        sections: list[Section] = []
        loose: list[Question] = []
        texts: list[Question] = []
        for top in by_parent.get(None, []):
            if top.level == ItemLevel.DIMENSION:
                qs: list[Question] = []
                walk(top.pk, 0, qs)
                sections.append(Section(index=0, title=_text(top, lang), questions=qs))
            elif top.level == ItemLevel.TEXT:
                texts.append(question(top, 0))
            else:
                loose.append(question(top, 0))
                walk(top.pk, 1, loose)
        if loose:
            sections.insert(0, Section(index=0, title=_("Questions"), questions=loose))
        if competitor and template.competitor_block:
            comp = [question(i, 0, True) for i in items if i.competitor and i.rated]
            if comp:
                sections.append(Section(index=0, title=_("Compared with a competitor"),
                                        questions=comp, competitor=True))
        if texts:
            sections.append(Section(index=0, title=_("Your opinion and suggestions"),
                                    questions=texts))
        for n, s in enumerate(sections):
            s.index = n
    return sections


def first_section_with_errors(sections: list[Section]) -> int:
    for s in sections:
        if s.has_errors:
            return s.index
    return 0

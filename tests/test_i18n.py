"""Chinese first: the zh-Hans catalogue is complete and its placeholders match the English."""

from __future__ import annotations

import re
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "manyi/locale/zh_Hans/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sdf]|\{\{ *[\w.]+ *\}\}")


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 500
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_placeholders_are_kept() -> None:
    catalogue = polib.pofile(str(PO))
    wrong = []
    for entry in catalogue.translated_entries():
        translation = entry.msgstr or entry.msgstr_plural.get(0, "")
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translation)):
            wrong.append(entry.msgid)
    assert wrong == []


def test_the_ui_renders_in_chinese(client, make_user) -> None:
    client.force_login(make_user("customer_service", department="CS"))
    html = client.get("/customers/").content.decode()
    assert "顾客档案" in html and "新建客户" in html

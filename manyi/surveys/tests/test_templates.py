"""Templates: built-ins from the seeds, versioning, copies, draft edits, JSON/xlsx round trip."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.surveys import services, transfer
from manyi.surveys.builtin import BUILTIN
from manyi.surveys.models import ItemLevel, SurveyTemplate, TemplateStatus

pytestmark = pytest.mark.django_db


def test_builtin_templates_from_the_seeds(survey_template) -> None:
    codes = set(SurveyTemplate.objects.values_list("code", flat=True))
    assert codes == {d["code"] for d in BUILTIN}
    assert services.templates_install_builtin() == 0  # idempotent
    seed004 = survey_template
    factors = [i for i in seed004.items.all() if i.scored]
    dims = [i for i in seed004.items.all() if i.level == ItemLevel.DIMENSION]
    assert len(factors) == 14 and len(dims) == 4
    assert [d.text for d in dims] == ["人员", "服务", "产品", "技术"]
    ecss = SurveyTemplate.objects.get(code="ECSS")
    assert ecss.items.filter(level=ItemLevel.DIMENSION).count() == 5
    details = ecss.items.filter(level=ItemLevel.DETAIL)
    assert details.exists() and not any(i.scored for i in details)
    assert all(i.text_en for i in ecss.items.all())
    points = SurveyTemplate.objects.get(code="SEED002")
    assert sum(i.max_points or 0 for i in points.items.all()) == 100


def test_new_version_keeps_the_old_one_for_campaigns(cs_user, running_campaign) -> None:
    campaign = running_campaign(customers=1)
    old = campaign.template
    new = services.template_new_version(actor=cs_user, template=old)
    assert (new.code, new.version_no, new.status) == (old.code, 2, TemplateStatus.DRAFT)
    with pytest.raises(ValidationError):  # one draft at a time
        services.template_new_version(actor=cs_user, template=old)
    item = new.items.get(key="P1")
    services.item_save(actor=cs_user, template=new, item=item, data={
        "key": "P1", "level": "factor", "text": "销售人员的专业素质", "text_en": "Sales staff",
        "scale": "verbal", "weight": "2",
    })
    services.template_publish(actor=cs_user, template=new)
    campaign.refresh_from_db()
    assert campaign.template_id == old.pk
    assert old.items.get(key="P1").text == "市场人员素质"
    assert new.items.get(key="P1").text == "销售人员的专业素质"
    with pytest.raises(ValidationError):  # a published version is frozen
        services.item_save(actor=cs_user, template=new, item=None, data={
            "key": "X1", "level": "factor", "text": "x", "text_en": "x", "scale": "five"})


def test_copy_and_edit_a_builtin(cs_user, survey_template) -> None:
    copy = services.template_copy(actor=cs_user, template=survey_template, code="MY-004",
                                  name="我们的调查表")
    assert copy.copied_from == survey_template and copy.status == "draft"
    assert copy.items.count() == survey_template.items.count()
    with pytest.raises(ValidationError) as exc:
        services.item_save(actor=cs_user, template=copy, item=None, data={
            "key": "N1", "level": "factor", "text": "新问题", "text_en": "", "scale": "five"})
    assert "text_en" in exc.value.message_dict
    services.item_save(actor=cs_user, template=copy, item=None, data={
        "key": "N1", "parent": "T", "level": "factor", "text": "新问题", "text_en": "New",
        "scale": "ten"})
    parent = copy.items.get(key="N1").parent
    assert parent is not None and parent.key == "T"
    with pytest.raises(ValidationError):
        services.template_copy(actor=cs_user, template=survey_template, code="MY-004", name="x")


def test_template_refused_without_permission(make_user, survey_template) -> None:
    viewer = make_user("viewer", department="R-NORTH")
    with pytest.raises(PermissionDenied):
        services.template_copy(actor=viewer, template=survey_template, code="V", name="v")


def test_json_and_xlsx_round_trip(cs_user, survey_template) -> None:
    doc = transfer.template_document(SurveyTemplate.objects.get(code="ECSS"))
    imported = services.template_create_from_document(actor=cs_user, document=doc)
    assert imported.code == "ECSS" and imported.version_no == 2
    assert transfer.template_document(imported)["items"] == doc["items"]
    content = transfer.template_xlsx(imported)
    again = services.template_create_from_document(
        actor=cs_user, document=transfer.read_xlsx(content))
    assert again.version_no == 3
    assert transfer.template_document(again)["items"] == doc["items"]


def test_import_errors_name_the_field(cs_user) -> None:
    doc = {"code": "BAD", "name": "坏", "items": [
        {"key": "A", "level": "factor", "text": "a", "text_en": "a", "scale": "points"},
        {"key": "A", "level": "nope", "text": "b", "text_en": "b", "scale": "five"},
    ]}
    with pytest.raises(ValidationError) as exc:
        services.template_create_from_document(actor=cs_user, document=doc)
    errors = exc.value.message_dict
    assert "items[0].max_points" in errors
    assert "items[1].key" in errors and "items[1].level" in errors
    assert not SurveyTemplate.objects.filter(code="BAD").exists()

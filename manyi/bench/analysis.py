"""Benchmark: the campaign analysis from the rollups against DuckDB's full scan of the answers,
and the complaint control chart + Pareto over 200 000 complaints.

Method (`python -m manyi.bench analysis`):
1. a fresh PostgreSQL database (BENCH_PG_URL, default the local server as `postgres`), migrated;
   a 20-item questionnaire (4 dimensions × 5 factors, 1–5 verbal scale, 5 items also rated for
   a competitor), 8 quarterly campaigns (2018…2025) with BENCH_ANALYSIS_RESPONSES responses in
   all (default 1 000 000, i.e. 20 M answers of the customers' own ratings, plus the competitor
   block on 10 % of the forms and 100 self-evaluations per campaign), 25 % silent respondents,
   customers with product lines — written with COPY into the real surveys tables;
2. the rollups (cube, customer sums, tally) built from the answers with one INSERT … SELECT …
   GROUP BY each (what `rollups_recompute` does, in SQL);
3. the application's full campaign analysis of the latest campaign — every scoring method, the
   item rows, dimensions, the seven breakdowns, the trend over 8 campaigns with targets and
   significance marks, competitors, histogram, Pareto, importance–performance — through
   `analysis.selectors.campaign_analysis` (best of BENCH_REPEAT runs after one warm-up);
4. the same figures computed by DuckDB (in process) from a full scan of the answers and the
   responses exported to Parquet (only the queries are timed; best of BENCH_REPEAT), and a
   check that both give the same numbers;
5. 200 000 complaints over 24 months (+ deliveries): `complaint_analysis` (c chart, u chart,
   closure p chart, Pareto by category / product / customer, seasonality).
"""

from __future__ import annotations

import bisect
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

DB_NAME = "manyi_bench_analysis"
CAMPAIGNS = 8
ITEMS = 20
FUNCTIONS = ("gm", "product_manager", "quality", "purchasing", "marketing")


def _env(db_url: str, var: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_DJANGO_SETTINGS",
                                                 "manyi.config.settings"),
        "DATABASE_URL": db_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "TASK_BACKEND": "immediate", "LOG_LEVEL": "ERROR", "MANYI_VAR_DIR": var,
    })
    return env


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _db_url(admin_url: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{DB_NAME}"))


# --- inside Django (subprocesses) ----------------------------------------------------------


def _copy(cursor: Any, model: Any, rows: Any, fields: list[str] | None = None,
          with_id: bool = False) -> int:
    """COPY rows (dicts of attnames) into the model's table; absent fields get their default;
    the id comes from the rows only with `with_id` (else the table's identity)."""
    from django.db.models import NOT_PROVIDED

    concrete = [f for f in model._meta.concrete_fields
                if fields is None or f.attname in fields]
    defaults = {}
    for f in concrete:
        if f.default is not NOT_PROVIDED:
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        elif f.attname != "id":
            defaults[f.attname] = "" if f.get_internal_type() in ("CharField", "TextField") \
                else None
    columns = [f for f in concrete if f.attname != "id" or with_id]
    names = ", ".join(f'"{f.column}"' for f in columns)
    n = 0
    raw = cursor.cursor
    with raw.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[f.attname] if f.attname in row else defaults.get(f.attname)
                            for f in columns])
            n += 1
    return n


def _copy_text(cursor: Any, model: Any, columns: list[str], chunks: Any) -> None:
    """COPY tab-separated text chunks (the fast path for the 20 M answers)."""
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
        for chunk in chunks:
            copy.write(chunk)


def _reset_ids(cursor: Any, *models: Any) -> None:
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
        )


def setup(total: int) -> None:
    import datetime as dt
    from decimal import Decimal

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from manyi.accounts.models import Department
    from manyi.customers.models import Customer, ProductLine
    from manyi.surveys.models import (
        Answer,
        Campaign,
        Invitation,
        Response,
        SurveyTemplate,
        TemplateItem,
    )
    from manyi.surveys.services import campaign_deadlines

    rng = random.Random(20250601)
    per_campaign = total // CAMPAIGNS
    n_customers = max(per_campaign // len(FUNCTIONS), 1)
    offices = list(Department.objects.filter(kind="branch_office").order_by("code"))
    units = list(Department.objects.filter(kind="business_unit").order_by("code"))
    now = timezone.now()
    with transaction.atomic():
        template = SurveyTemplate.objects.create(code="BENCH20", name="基准问卷（20项）",
                                                 status="published", published_at=now)
        items = []
        for d in range(4):
            dim = TemplateItem.objects.create(template=template, key=f"D{d + 1}",
                                              level="dimension", position=d * 10,
                                              text=f"维度{d + 1}", text_en=f"Dimension {d + 1}",
                                              scale="none")
            for f in range(5):
                items.append(TemplateItem.objects.create(
                    template=template, key=f"D{d + 1}F{f + 1}", parent=dim,
                    position=d * 10 + f + 1, level="factor", text=f"项目{d + 1}-{f + 1}",
                    text_en=f"Item {d + 1}-{f + 1}", scale="verbal", competitor=f == 0))
        lines = [ProductLine.objects.create(code=f"BL{i}", name=f"产品线{i}",
                                            business_unit=units[i % 3]) for i in range(6)]
        customers = Customer.objects.bulk_create([
            Customer(code=f"BA{i:06d}", name=f"分析基准客户{i}", branch_office=offices[i % 9],
                     region=offices[i % 9].parent, business_unit=units[(i // 9) % 3],
                     customer_class="ABC"[(i // 27) % 3], key_account=i % 17 == 0,
                     annual_revenue=Decimal(100000 + i))
            for i in range(n_customers)
        ], batch_size=5000)
        through = Customer.product_lines.through
        _copy(connection.cursor(), through, (
            {"customer_id": c.pk, "productline_id": lines[(i + k) % 6].pk}
            for i, c in enumerate(customers) for k in range(1 + (i % 4 == 0))
        ), fields=["customer_id", "productline_id"])
        campaigns = []
        for k in range(CAMPAIGNS):
            start = dt.date(2018 + k, 12, 1)
            campaigns.append(Campaign.objects.create(
                number=f"SV-BENCH-{2018 + k}", title=f"{2018 + k} 年度调查", template=template,
                kind="quarterly", period_year=2018 + k, period="Q4", status="closed",
                start_date=start, round=1, sent_at=now, closed_at=now,
                min_return_rate=Decimal("60"), **campaign_deadlines(start)))
    # value distributions: campaign trend, item and business-unit effects
    unit_effect = {u.pk: e for u, e in zip(units, (0.15, -0.2, 0.05), strict=True)}
    item_effect = [rng.uniform(-0.6, 0.5) for _ in items]
    tables: dict[tuple[int, int, int], list[float]] = {}

    def cdf(mean: float) -> list[float]:
        weights = [max(0.02, 1.2 - abs(level - mean)) ** 2 for level in range(1, 6)]
        total_w = sum(weights)
        out, acc = [], 0.0
        for w in weights:
            acc += w / total_w
            out.append(acc)
        return out

    for k in range(CAMPAIGNS):
        for j in range(ITEMS):
            for u in units:
                mean = 3.7 + 0.04 * k + item_effect[j] + unit_effect[u.pk]
                if k == CAMPAIGNS - 1 and j == 7:
                    mean -= 0.7  # a clear fall of one item in the latest campaign
                tables[(k, j, u.pk)] = cdf(mean)
    response_id = 0
    invitation_id = 0
    cursor = connection.cursor()
    # the generated rows reference each other correctly: skip the per-row foreign-key triggers
    # of the bulk load (superuser only; without it the load is just slower)
    try:
        with transaction.atomic():
            cursor.execute("SET session_replication_role = replica")
    except Exception:  # noqa: S110
        pass
    t0 = time.perf_counter()
    answers_written = 0
    for k, campaign in enumerate(campaigns):
        responses: list[dict[str, Any]] = []
        invitations: list[dict[str, Any]] = []
        answers: list[str] = []  # COPY text lines of the Answer table
        for i in range(per_campaign):
            c = customers[i // len(FUNCTIONS) % n_customers]
            invitation_id += 1
            response_id += 1
            base = {"campaign_id": campaign.pk, "customer_id": c.pk,
                    "business_unit_id": c.business_unit_id,
                    "branch_office_id": c.branch_office_id,
                    "customer_class": c.customer_class, "key_account": c.key_account}
            function = FUNCTIONS[i % len(FUNCTIONS)]
            decision = "ABC"[i % 3]
            invitations.append({**base, "id": invitation_id, "name": f"受访者{i}",
                                "function": function, "decision_class": decision,
                                "channel": "email", "status": "completed", "round": 1,
                                "sent_at": now, "opened_at": now, "started_at": now,
                                "completed_at": now})
            competitor = rng.random() < 0.1
            answered = na = value_sum = top2 = low = 0
            for j, item in enumerate(items):
                if rng.random() < 0.05:
                    answers.append(f"{response_id}\t{item.pk}\tf\t\\N\tt\t\tf\t\n")
                    na += 1
                    continue
                v = min(bisect.bisect(tables[(k, j, c.business_unit_id)], rng.random()) + 1, 5)
                answers.append(f"{response_id}\t{item.pk}\tf\t{v}\tf\t\tf\t\n")
                answered += 1
                value_sum += v
                top2 += v >= 4
                low += v <= 2
                if competitor and item.competitor:
                    answers.append(f"{response_id}\t{item.pk}\tt\t{rng.randint(2, 5)}\tf\t\tf\t\n")
            responses.append({**base, "id": response_id, "invitation_id": invitation_id,
                              "source": "customer", "channel": "web", "status": "submitted",
                              "respondent": f"受访者{i}", "function": function,
                              "decision_class": decision, "submitted_at": now,
                              "competitor_name": "竞品" if competitor else "",
                              "answered": answered, "not_applicable": na,
                              "value_sum": value_sum, "max_sum": answered * 5, "top2": top2,
                              "low": low})
        for i in range(per_campaign // 4):  # silent respondents: return rate 80 %
            c = customers[i % n_customers]
            invitation_id += 1
            invitations.append({"id": invitation_id, "campaign_id": campaign.pk,
                                "customer_id": c.pk, "business_unit_id": c.business_unit_id,
                                "branch_office_id": c.branch_office_id,
                                "customer_class": c.customer_class,
                                "key_account": c.key_account, "name": "未回复",
                                "function": "gm", "decision_class": "B", "channel": "email",
                                "status": "sent", "round": 1, "sent_at": now})
        for i in range(min(100, n_customers)):  # self-evaluations by sales (blend)
            c = customers[i]
            response_id += 1
            values = [bisect.bisect(tables[(k, j, c.business_unit_id)], rng.random()) + 1
                      for j in range(ITEMS)]
            values = [min(v + 1, 5) for v in values]
            for item, v in zip(items, values, strict=True):
                answers.append(f"{response_id}\t{item.pk}\tf\t{v}\tf\t\tf\t\n")
            responses.append({"id": response_id, "campaign_id": campaign.pk,
                              "customer_id": c.pk, "business_unit_id": c.business_unit_id,
                              "branch_office_id": c.branch_office_id,
                              "customer_class": c.customer_class,
                              "key_account": c.key_account, "source": "self",
                              "channel": "staff", "status": "submitted",
                              "submitted_at": now, "answered": ITEMS,
                              "value_sum": sum(values), "max_sum": ITEMS * 5,
                              "top2": sum(v >= 4 for v in values),
                              "low": sum(v <= 2 for v in values)})
        with transaction.atomic():
            _copy(cursor, Invitation, invitations, with_id=True)
            _copy(cursor, Response, responses, with_id=True)
            # every column is written: Django keeps the defaults in Python, not in the table
            _copy_text(cursor, Answer, ["response", "item", "competitor", "value", "na",
                                        "text", "complaint_requested", "complaint_ref"],
                       ("".join(answers[i:i + 200_000]) for i in range(0, len(answers), 200_000)))
            answers_written += len(answers)
        print(f"campaign {k + 1}/{CAMPAIGNS}: {answers_written:,} answers written "
              f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    _reset_ids(cursor, Invitation, Response)
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute("ANALYZE")
    print(json.dumps({"answers": answers_written, "responses": response_id,
                      "seconds": round(time.perf_counter() - t0, 1)}))


def build_rollups() -> None:
    """The three rollups of every campaign from the answers, in SQL (= rollups_recompute)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from manyi.surveys.models import (
        Answer,
        CampaignTally,
        CustomerRollup,
        Invitation,
        ItemRollup,
        Response,
    )

    a, r, i = Answer._meta.db_table, Response._meta.db_table, Invitation._meta.db_table
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO {ItemRollup._meta.db_table} (campaign_id, item_id, source, competitor,
                bu, office, customer_class, key_account, function, decision_class, value, count)
            SELECT r.campaign_id, a.item_id, r.source, a.competitor, r.business_unit_id,
                   r.branch_office_id, r.customer_class, r.key_account, r.function,
                   r.decision_class, CASE WHEN a.na THEN -1 ELSE a.value END, COUNT(*)
            FROM {a} a JOIN {r} r ON r.id = a.response_id
            WHERE r.status = 'submitted' AND (a.na OR a.value IS NOT NULL)
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11""")  # noqa: S608
        cur.execute(f"""
            INSERT INTO {CustomerRollup._meta.db_table} (campaign_id, customer_id, source,
                competitor, key_account, forms, answered, not_applicable, value_sum, max_sum,
                weighted_value, weighted_max, top2, top2_answered, low)
            SELECT campaign_id, customer_id, source, FALSE, key_account, COUNT(*),
                   SUM(answered), SUM(not_applicable), SUM(value_sum), SUM(max_sum),
                   SUM(value_sum), SUM(max_sum), SUM(top2), SUM(answered), SUM(low)
            FROM {r} WHERE status = 'submitted' GROUP BY 1, 2, 3, 5""")  # noqa: S608
        cur.execute(f"""
            INSERT INTO {CustomerRollup._meta.db_table} (campaign_id, customer_id, source,
                competitor, key_account, forms, answered, not_applicable, value_sum, max_sum,
                weighted_value, weighted_max, top2, top2_answered, low)
            SELECT r.campaign_id, r.customer_id, r.source, TRUE, r.key_account,
                   COUNT(DISTINCT r.id), COUNT(a.value), SUM(CASE WHEN a.na THEN 1 ELSE 0 END),
                   COALESCE(SUM(a.value), 0), 5 * COUNT(a.value), COALESCE(SUM(a.value), 0),
                   5 * COUNT(a.value), SUM(CASE WHEN a.value >= 4 THEN 1 ELSE 0 END),
                   COUNT(a.value), SUM(CASE WHEN a.value <= 2 THEN 1 ELSE 0 END)
            FROM {a} a JOIN {r} r ON r.id = a.response_id
            WHERE r.status = 'submitted' AND a.competitor GROUP BY 1, 2, 3, 5""")  # noqa: S608
        cur.execute(f"""
            INSERT INTO {CampaignTally._meta.db_table} (campaign_id, business_unit_id,
                branch_office_id, customer_class, decision_class, delegated, invited, sent,
                opened, started, completed, proxy, competitor_forms)
            SELECT i.campaign_id, i.business_unit_id, i.branch_office_id, i.customer_class,
                   i.decision_class, i.channel = 'delegated', COUNT(*), COUNT(i.sent_at),
                   COUNT(i.opened_at), COUNT(i.started_at), COUNT(i.completed_at), 0,
                   SUM(CASE WHEN r.competitor_name <> '' THEN 1 ELSE 0 END)
            FROM {i} i LEFT JOIN {r} r ON r.invitation_id = i.id AND r.source = 'customer'
            GROUP BY 1, 2, 3, 4, 5, 6""")  # noqa: S608
        cur.execute("ANALYZE")
        cur.execute(f"SELECT COUNT(*) FROM {ItemRollup._meta.db_table}")  # noqa: S608
        cells = cur.fetchone()[0]
    print(json.dumps({"cube_cells": cells, "seconds": round(time.perf_counter() - t0, 1)}))


def time_app(repeat: int) -> None:
    import django

    django.setup()
    from manyi.analysis.selectors import campaign_analysis
    from manyi.surveys.models import Campaign

    latest = Campaign.objects.filter(number__startswith="SV-BENCH").order_by("-start_date")[0]
    campaign_analysis(latest)  # warm-up: imports, connection, plans
    times = []
    for _ in range(repeat):
        latest = Campaign.objects.select_related("template").get(pk=latest.pk)
        t0 = time.perf_counter()
        a = campaign_analysis(latest)
        times.append(time.perf_counter() - t0)
    figures = {
        "degrees": [p.figures.degree for p in a.trend],
        "rates": [p.figures.rate for p in a.trend],
        "top2": [p.figures.top2_pct for p in a.trend],
        "return_rates": [p.return_rate for p in a.trend],
        "bu_answered": {str(f.key): f.answered for f in a.breakdowns["business_unit"]},
        "office_value_sum": {str(f.key): f.value_sum for f in a.breakdowns["office"]},
        "items_mean": {r.meta.key: r.stats.mean for r in a.items},
        "competitor_mean": {r.meta.key: r.competitor_percent for r in a.items if r.competitor_n},
        "rate_loyalty": a.results["rate-loyalty"].rate,
        "top2box_ka": a.results["top2box-ka"].score,
        "line_answered": {str(f.key): f.answered for f in a.breakdowns["product_line"]},
        "falls": [r.meta.key for r in a.falls][:1],
        "breakdowns": len(a.breakdowns), "items": len(a.items), "campaigns": len(a.trend),
    }
    print(json.dumps({"seconds": times, "figures": figures}))


def export(out_dir: str) -> None:
    """Answers, responses, invitations and product lines as CSV (COPY TO STDOUT)."""
    import django

    django.setup()
    from django.db import connection

    from manyi.customers.models import Customer
    from manyi.surveys.models import Answer, Invitation, Response

    queries = {
        "answers": f"SELECT response_id, item_id, competitor, value, na FROM "  # noqa: S608
                   f"{Answer._meta.db_table}",
        "responses": f"SELECT id, campaign_id, customer_id, source, status, business_unit_id, "  # noqa: S608
                     f"branch_office_id, customer_class, key_account, function, decision_class"
                     f" FROM {Response._meta.db_table}",
        "invitations": f"SELECT campaign_id, completed_at IS NOT NULL AS completed FROM "  # noqa: S608
                       f"{Invitation._meta.db_table}",
        "lines": f"SELECT customer_id, productline_id FROM "  # noqa: S608
                 f"{Customer.product_lines.through._meta.db_table}",
    }
    with connection.cursor() as cur:
        for name, sql in queries.items():
            with Path(out_dir, f"{name}.csv").open("wb") as fh, cur.cursor.copy(
                    f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for block in copy:
                    fh.write(block)


DUCK_QUERIES = {
    # trend, items, methods and blend: every campaign × source × item × value
    "cube": """
        SELECT r.campaign_id, r.source, a.item_id,
               CASE WHEN a.na THEN -1 ELSE a.value END AS v, COUNT(*) AS n
        FROM answers a JOIN responses r ON r.id = a.response_id
        WHERE NOT a.competitor AND r.status = 'submitted' GROUP BY ALL""",
    # the six breakdowns of the latest campaign
    "breakdowns": """
        SELECT r.business_unit_id, r.branch_office_id, r.customer_class, r.key_account,
               r.function, r.decision_class, a.item_id,
               CASE WHEN a.na THEN -1 ELSE a.value END AS v, COUNT(*) AS n,
               GROUPING(r.business_unit_id, r.branch_office_id, r.customer_class,
                        r.key_account, r.function, r.decision_class) AS g
        FROM answers a JOIN responses r ON r.id = a.response_id
        WHERE r.campaign_id = $latest AND r.source = 'customer' AND NOT a.competitor
              AND r.status = 'submitted'
        GROUP BY GROUPING SETS ((r.business_unit_id, a.item_id, v),
            (r.branch_office_id, a.item_id, v), (r.customer_class, a.item_id, v),
            (r.key_account, a.item_id, v), (r.function, a.item_id, v),
            (r.decision_class, a.item_id, v))""",
    "competitor": """
        SELECT a.item_id, AVG(a.value) AS mean, COUNT(a.value) AS n
        FROM answers a JOIN responses r ON r.id = a.response_id
        WHERE r.campaign_id = $latest AND r.source = 'customer' AND a.competitor
        GROUP BY ALL""",
    # per customer: rate-loyalty, top-2-box KA, histogram, customer sums
    "customers": """
        SELECT r.customer_id, r.key_account, COUNT(DISTINCT r.id) AS forms,
               SUM(a.value) AS value_sum, 5 * COUNT(a.value) AS max_sum,
               COUNT(*) FILTER (WHERE a.value >= 4) AS top2, COUNT(a.value) AS answered
        FROM answers a JOIN responses r ON r.id = a.response_id
        WHERE r.campaign_id = $latest AND r.source = 'customer' AND NOT a.competitor
        GROUP BY ALL""",
    "lines": """
        SELECT l.productline_id, COUNT(a.value) AS answered, SUM(a.value) AS value_sum
        FROM answers a JOIN responses r ON r.id = a.response_id
             JOIN lines l ON l.customer_id = r.customer_id
        WHERE r.campaign_id = $latest AND r.source = 'customer' AND NOT a.competitor
        GROUP BY ALL""",
    "returns": """
        SELECT campaign_id, COUNT(*) AS invited, COUNT(*) FILTER (WHERE completed) AS completed
        FROM invitations GROUP BY ALL""",
}


def duckdb_run(data_dir: str, latest: int, repeat: int) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    for name in ("answers", "responses", "invitations", "lines"):
        csv = Path(data_dir, f"{name}.csv")
        parquet = Path(data_dir, f"{name}.parquet")
        con.execute(f"COPY (SELECT * FROM read_csv_auto('{csv}')) TO '{parquet}' "  # noqa: S608
                    f"(FORMAT parquet)")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{parquet}')")  # noqa: S608
    times = []
    results: dict[str, Any] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        for name, sql in DUCK_QUERIES.items():
            results[name] = con.execute(sql.replace("$latest", str(latest))).fetchall()
        times.append(time.perf_counter() - t0)
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    return {"seconds": times, "results": results, "threads": threads[0] if threads else None}


def _duck_figures(results: dict[str, Any], campaign_ids: list[int], latest: int,
                  scored: set[int]) -> dict[str, Any]:
    """The app's headline figures recomputed from DuckDB's rows (for the equality check)."""
    per: dict[int, list[tuple[int, int]]] = {c: [] for c in campaign_ids}
    for cid, source, item_id, v, n in results["cube"]:
        if source == "customer" and item_id in scored and cid in per:
            per[cid].append((v, n))
    degrees = []
    for cid in campaign_ids:
        given = [(v, n) for v, n in per[cid] if v >= 0]
        degrees.append(sum(v * n for v, n in given) * 100 / (5 * sum(n for _v, n in given)))
    bu: dict[str, int] = {}
    for row in results["breakdowns"]:
        bu_id, v, n, g = row[0], row[7], row[8], row[9]
        if g == 0b011111 and v >= 0:
            bu[str(bu_id)] = bu.get(str(bu_id), 0) + n
    returns = {cid: completed * 100 / invited for cid, invited, completed in results["returns"]}
    return {"degrees": degrees, "bu_answered": bu,
            "return_rates": [returns[c] for c in campaign_ids]}


# --- complaints -----------------------------------------------------------------------------


def complaints_setup(n: int) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from manyi.common.calendar import local_tz
    from manyi.complaints.models import Complaint
    from manyi.customers.models import Customer, Order, Product, ProductLine

    rng = random.Random(7)
    customers = list(Customer.objects.values_list("pk", flat=True)[:5000])
    line = ProductLine.objects.first()
    products = Product.objects.bulk_create([
        Product(model=f"BM-{i:03d}", name=f"基准产品{i}", product_line=line) for i in range(60)])
    first = timezone.localdate().replace(day=1)
    months = []
    y, m = first.year, first.month
    for _ in range(24):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        months.append((y, m))
    categories = ["product_quality"] * 6 + ["service_quality"] * 3 + ["service_attitude"] * 2 \
        + ["sudden_event"]
    states = ["closed"] * 6 + ["called_back"] * 2 + ["escalated", "received", "cancelled"]
    season = [0.8, 0.7, 1.0, 1.0, 1.1, 1.2, 1.3, 1.2, 1.0, 0.9, 0.9, 1.1]
    weights = [season[mm - 1] for _yy, mm in months]
    chosen = rng.choices(range(24), weights=weights, k=n)
    tz = local_tz()

    def rows() -> Any:
        for k, idx in enumerate(chosen):
            yy, mm = months[idx]
            at = dt.datetime(yy, mm, rng.randint(1, 28), rng.randint(8, 18), tzinfo=tz)
            yield {"number": f"TS-B-{k:07d}", "year": yy, "sequence": k + 1,
                   "customer_id": customers[int(rng.paretovariate(1.2)) % len(customers)],
                   "channel": "phone", "received_at": at, "description": "基准投诉",
                   "content_category": rng.choice(categories), "severity": "general",
                   "state": rng.choice(states),
                   "product_id": products[int(rng.paretovariate(1.1)) % len(products)].pk,
                   "created_at": at, "changed_at": at}

    def orders() -> Any:
        k = 0
        for yy, mm in months:
            for _ in range(2000):
                k += 1
                day = dt.date(yy, mm, rng.randint(1, 28))
                yield {"number": f"BO-{k:07d}", "customer_id": rng.choice(customers),
                       "order_date": day - dt.timedelta(days=20),
                       "product_id": rng.choice(products).pk, "quantity": rng.randint(50, 500),
                       "promised_date": day, "delivered_date": day}

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        written = _copy(cur, Complaint, rows())
        deliveries = _copy(cur, Order, orders())
        _reset_ids(cur, Complaint, Order)
        cur.execute("ANALYZE")
    print(json.dumps({"complaints": written, "orders": deliveries,
                      "seconds": round(time.perf_counter() - t0, 1)}))


def complaints_time(repeat: int) -> None:
    import django

    django.setup()
    from manyi.analysis.selectors import complaint_analysis, default_window

    first, last = default_window()
    complaint_analysis(first, last)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c = complaint_analysis(first, last)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": times, "total": c.total,
                      "vital_few": list(c.by_category.vital_few) if c.by_category else [],
                      "c_chart_points": len(c.counts)}))


# --- driver ---------------------------------------------------------------------------------


def _sub(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "manyi.bench.analysis", *args], env=env,
                         check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run() -> dict[str, Any]:
    total = int(os.environ.get("BENCH_ANALYSIS_RESPONSES", "1000000"))
    complaints = int(os.environ.get("BENCH_ANALYSIS_COMPLAINTS", "200000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    admin_url = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db_url = _db_url(admin_url)
    var = tempfile.mkdtemp(prefix="manyi-bench-analysis-")
    env = _env(db_url, var)
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    _admin(admin_url, f'CREATE DATABASE "{DB_NAME}"')
    try:
        subprocess.run([sys.executable, "-m", "manyi.cli", "migrate", "--noinput", "-v", "0"],
                       env=env, check=True)
        generated = _sub(env, "setup", str(total))
        rollups = _sub(env, "rollups")
        app = _sub(env, "app", str(repeat))
        subprocess.run([sys.executable, "-m", "manyi.bench.analysis", "export", var], env=env,
                       check=True)
        ids = _sub(env, "ids")
        duck = duckdb_run(var, ids["latest"], repeat)
        duck_fig = _duck_figures(duck["results"], ids["campaigns"], ids["latest"],
                                 set(ids["scored"]))
        comp_setup = _sub(env, "complaints-setup", str(complaints))
        comp = _sub(env, "complaints-time", str(repeat))
    finally:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(var, ignore_errors=True)
    fig = app["figures"]
    same = (
        all(abs(a - b) < 1e-9 for a, b in zip(fig["degrees"], duck_fig["degrees"], strict=True))
        and fig["bu_answered"] == duck_fig["bu_answered"]
        and all(abs(a - b) < 1e-9 for a, b in zip(fig["return_rates"], duck_fig["return_rates"],
                                                   strict=True))
    )
    app_s, duck_s = min(app["seconds"]), min(duck["seconds"])
    return {
        "responses": generated["responses"], "answers": generated["answers"],
        "generate_seconds": generated["seconds"], "rollup_build_seconds": rollups["seconds"],
        "cube_cells": rollups["cube_cells"], "campaigns": fig["campaigns"],
        "app_seconds": round(app_s, 3), "app_runs": [round(x, 3) for x in app["seconds"]],
        "duckdb_seconds": round(duck_s, 3), "duckdb_runs": [round(x, 3) for x in duck["seconds"]],
        "duckdb_threads": duck["threads"], "ratio": round(app_s / duck_s, 3),
        "same_figures": same, "complaints": comp_setup["complaints"],
        "orders": comp_setup["orders"], "complaint_seconds": round(min(comp["seconds"]), 3),
        "complaint_vital_few": comp["vital_few"],
    }


def ids() -> None:
    import django

    django.setup()
    from manyi.surveys.models import Campaign, TemplateItem

    campaigns = list(Campaign.objects.filter(number__startswith="SV-BENCH")
                     .order_by("start_date").values_list("pk", flat=True))
    scored = [i.pk for i in TemplateItem.objects.filter(template__code="BENCH20") if i.scored]
    print(json.dumps({"campaigns": campaigns, "latest": campaigns[-1], "scored": scored}))


def main() -> None:
    r = run()
    print(f"campaign analysis ({r['responses']:,} responses, {r['answers']:,} answers, "
          f"{r['campaigns']} campaigns on the trend, {r['cube_cells']:,} rollup cells, "
          f"PostgreSQL): application {r['app_seconds']} s vs DuckDB full scan "
          f"{r['duckdb_seconds']} s ({r['duckdb_threads']} threads) → ratio {r['ratio']}; "
          f"same figures: {r['same_figures']}")
    print(f"complaint c chart + Pareto + u/p charts + seasonality over {r['complaints']:,} "
          f"complaints ({r['orders']:,} deliveries): {r['complaint_seconds']} s")
    print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        setup(int(sys.argv[2]))
    elif command == "rollups":
        build_rollups()
    elif command == "app":
        time_app(int(sys.argv[2]))
    elif command == "export":
        export(sys.argv[2])
    elif command == "ids":
        ids()
    elif command == "complaints-setup":
        complaints_setup(int(sys.argv[2]))
    elif command == "complaints-time":
        complaints_time(int(sys.argv[2]))
    else:
        main()

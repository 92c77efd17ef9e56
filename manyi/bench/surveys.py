"""Benchmark: customers submitting survey responses through the public page.

Method (`python -m manyi.bench surveys`):
1. create a fresh PostgreSQL database (BENCH_PG_URL, default the local server as `postgres`),
   migrate it, and create a running campaign (004 template, 14 scored items + 2 text fields
   + 6 competitor items) with N respondents (BENCH_SURVEY_N, default 6000), each with a
   personal link (only the SHA-256 digest is stored);
2. start gunicorn on 127.0.0.1 (gthread workers, DEBUG off, persistent DB connections);
3. 32 client threads (BENCH_SURVEY_CLIENTS) POST complete answers (random values, some
   "unable to comment", a competitor block on some forms) to /s/<token>/ with keep-alive;
   5 % of the links are posted twice in a row (a retry) and 2 % are posted by two clients at
   the same time (a double click), with the same submission key;
4. stop the server and count rows: one submitted response per link, none lost or duplicated,
   the answers, the tracking tally and the rollup cube equal to a full recomputation.
The figure is unique responses per second of wall time over the whole run. Because the
machine may be shared, the bench also reports the CPU time the web workers and PostgreSQL
spent per response (from /proc) and the rate two otherwise idle cores would sustain at that
cost, with the load average seen during the run.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

DB_NAME = "manyi_bench_surveys"
WARM = 64  # links answered before the measurement: every worker has loaded and connected
PORT = int(os.environ.get("BENCH_SURVEY_PORT", "8765"))


def _env(db_url: str, var: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "manyi.config.settings",
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DB_CONN_MAX_AGE": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "TASK_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
        "MANYI_VAR_DIR": var,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # every simulated respondent comes from 127.0.0.1: the per-address limit is for
        # guessers, not for this load; the per-link limit and the counters stay on
        "MANYI_SURVEY_ADDRESS_REQUESTS": str(10**9),
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


def setup(n: int, out: str) -> None:
    import datetime as dt
    from decimal import Decimal

    import django

    django.setup()
    from django.utils import timezone

    from manyi.accounts.models import Department
    from manyi.customers.models import Customer
    from manyi.surveys import tokens
    from manyi.surveys.models import Campaign, Invitation, SurveyLink, SurveyTemplate
    from manyi.surveys.rollups import tally_key
    from manyi.surveys.services import campaign_deadlines, templates_install_builtin

    templates_install_builtin()
    template = SurveyTemplate.objects.get(code="SEED004", version_no=1)
    offices = list(Department.objects.filter(kind="branch_office").order_by("code"))
    units = list(Department.objects.filter(kind="business_unit").order_by("code"))
    per = 5
    customers = Customer.objects.bulk_create([
        Customer(code=f"B{i:06d}", name=f"基准客户{i}有限公司", branch_office=offices[i % 9],
                 region=offices[i % 9].parent, business_unit=units[i % 3],
                 customer_class="ABC"[i % 3], key_account=i % 17 == 0,
                 annual_revenue=Decimal(100000 + i))
        for i in range((n + per - 1) // per)
    ])
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        number="SV-BENCH", title="benchmark", template=template, kind="quarterly",
        period_year=today.year, period="Q4", status="running", start_date=today,
        round=1, sent_at=timezone.now(), **campaign_deadlines(today),
    )
    invitations = []
    for i in range(n):
        c = customers[i // per]
        invitations.append(Invitation(
            campaign=campaign, customer=c, name=f"受访者{i}", email=f"r{i}@bench.example.cn",
            function=["gm", "product_manager", "quality", "purchasing", "marketing"][i % per],
            decision_class="ABC"[i % 3], channel="email" if i % 3 == 0 else "delegated",
            delegated_office=None if i % 3 == 0 else c.branch_office,
            business_unit=c.business_unit, branch_office=c.branch_office,
            customer_class=c.customer_class, key_account=c.key_account, status="sent",
            round=1, sent_at=timezone.now(),
        ))
    invitations = Invitation.objects.bulk_create(invitations, batch_size=5000)
    from manyi.surveys.models import CampaignTally

    tally: dict[tuple[Any, ...], int] = {}
    for inv in invitations:
        tally[tally_key(inv)] = tally.get(tally_key(inv), 0) + 1
    CampaignTally.objects.bulk_create([
        CampaignTally(campaign_id=k[0], business_unit_id=k[1], branch_office_id=k[2],
                      customer_class=k[3], decision_class=k[4], delegated=k[5], invited=v,
                      sent=v)
        for k, v in tally.items()
    ])
    raw = [tokens.new_token() for _ in invitations]
    now = timezone.now()
    SurveyLink.objects.bulk_create([
        SurveyLink(invitation=inv, digest=tokens.digest(t), purpose="bench", issued_at=now,
                   expires_at=now + dt.timedelta(days=30))
        for inv, t in zip(invitations, raw, strict=True)
    ], batch_size=5000)
    items = template.items.order_by("position")
    form = {
        "rated": [i.key for i in items if i.rated],
        "text": [i.key for i in items if i.scale == "text"],
        "competitor": [i.key for i in items if i.competitor and i.rated],
    }
    Path(out).write_text(json.dumps({"tokens": raw, "form": form}))


def verify(n: int) -> None:
    import django

    django.setup()
    from django.db.models import Count, Sum

    from manyi.surveys.models import (
        Answer,
        Campaign,
        CampaignTally,
        Invitation,
        ItemRollup,
        Response,
    )
    from manyi.surveys.rollups import rollups_current, rollups_recompute

    campaign = Campaign.objects.get(number="SV-BENCH")
    responses = Response.objects.filter(campaign=campaign)
    per_invitation = responses.values("invitation_id").annotate(n=Count("id")).filter(n__gt=1)
    started = time.perf_counter()
    consistent = rollups_current(campaign) == rollups_recompute(campaign, write=False)
    result = {
        "links": n,
        "responses": responses.count(),
        "submitted": responses.filter(status="submitted").count(),
        "invitations_completed": Invitation.objects.filter(
            campaign=campaign, completed_at__isnull=False).count(),
        "invitations_with_two_responses": per_invitation.count(),
        "answers": Answer.objects.filter(response__campaign=campaign).count(),
        "tally_completed": CampaignTally.objects.filter(campaign=campaign).aggregate(
            s=Sum("completed"))["s"],
        "rollup_answers": ItemRollup.objects.filter(campaign=campaign).aggregate(
            s=Sum("count"))["s"],
        "rollups_equal_recomputation": consistent,
        "recompute_seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(result))


# --- the clients ---------------------------------------------------------------------------


def _body(rng: random.Random, form: dict[str, list[str]], key: str) -> bytes:
    fields: dict[str, str] = {"action": "submit", "section": "0", "submission_key": key}
    for k in form["rated"]:
        fields["a_" + k] = "na" if rng.random() < 0.06 else str(rng.randint(1, 5))
    if rng.random() < 0.2:
        fields["competitor_name"] = "竞品"
        for k in form["competitor"]:
            fields["c_" + k] = str(rng.randint(1, 5))
    for k in form["text"]:
        if rng.random() < 0.3:
            fields["a_" + k] = "交货及时，服务很好。"
    return urllib.parse.urlencode(fields).encode()


class Client(threading.Thread):
    def __init__(self, jobs: list[tuple[str, bytes, int]], start_gate: threading.Barrier) -> None:
        super().__init__(daemon=True)
        self.jobs = jobs
        self.gate = start_gate
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self.gate.wait()
        for token, body, repeat in self.jobs:
            for _ in range(repeat):
                t0 = time.perf_counter()
                try:
                    conn.request("POST", f"/s/{token}/", body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                    if status == 302 and "/thanks/" not in (response.getheader("Location") or ""):
                        status = -302
                except (OSError, http.client.HTTPException) as exc:
                    self.errors.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                    continue
                self.latencies.append(time.perf_counter() - t0)
                self.statuses[status] = self.statuses.get(status, 0) + 1
        conn.close()


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (Linux /proc), 0 for those that are gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[int]:
    out = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for kid in kids:
        out.extend(_children(int(kid)))
    return out


def _pg_backends(admin_url: str) -> list[int]:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (DB_NAME,)
        ).fetchall()
    return [int(r[0]) for r in rows]


def _wait_for_server(proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def run() -> dict[str, Any]:
    n = int(os.environ.get("BENCH_SURVEY_N", "6000"))
    clients = int(os.environ.get("BENCH_SURVEY_CLIENTS", "32"))
    workers = os.environ.get("BENCH_SURVEY_WORKERS", "4")
    threads = os.environ.get("BENCH_SURVEY_THREADS", "8")
    admin_url = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db_url = _db_url(admin_url)
    var = tempfile.mkdtemp(prefix="manyi-bench-surveys-")
    os.makedirs(os.path.join(var, "static"))  # STATIC_ROOT: whitenoise warns when it is missing
    env = _env(db_url, var)
    py = sys.executable
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    _admin(admin_url, f'CREATE DATABASE "{DB_NAME}"')
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([py, "-m", "manyi.cli", "migrate", "--noinput", "-v", "0"], env=env,
                       check=True)
        data_file = os.path.join(var, "tokens.json")
        subprocess.run([py, "-m", "manyi.bench.surveys", "setup", str(n + WARM), data_file],
                       env=env, check=True)
        data = json.loads(Path(data_file).read_text())
        gunicorn = str(Path(py).with_name("gunicorn"))
        server = subprocess.Popen(
            [gunicorn, "manyi.config.wsgi:application", "-b", f"127.0.0.1:{PORT}",
             "-k", "gthread", "-w", workers, "--threads", threads, "--keep-alive", "30",
             "--backlog", "256", "--log-level", "warning"],
            env=env,
        )
        _wait_for_server(server)
        rng = random.Random(20261121)
        warm: list[str] = data["tokens"][:WARM]
        tokens: list[str] = data["tokens"][WARM:]
        warm_gate = threading.Barrier(9)
        warmers = [Client([(t, _body(rng, data["form"], secrets.token_hex(8)), 1)
                           for t in warm[k::8]], warm_gate) for k in range(8)]
        for c in warmers:
            c.start()
        warm_gate.wait()
        for c in warmers:
            c.join(timeout=120)
        web_cpu0 = _cpu_seconds(_children(server.pid))
        db_cpu0 = _cpu_seconds(_pg_backends(admin_url))
        jobs: list[list[tuple[str, bytes, int]]] = [[] for _ in range(clients)]
        duplicates = retries = 0
        for i, token in enumerate(tokens):
            body = _body(rng, data["form"], secrets.token_hex(8))
            roll = rng.random()
            if roll < 0.05:
                jobs[i % clients].append((token, body, 2))  # posted twice in a row: a retry
                retries += 1
            elif roll < 0.07:  # two clients post the same form at the same time
                jobs[i % clients].append((token, body, 1))
                jobs[(i + 1) % clients].append((token, body, 1))
                duplicates += 1
            else:
                jobs[i % clients].append((token, body, 1))
        gate = threading.Barrier(clients + 1)
        pool = [Client(j, gate) for j in jobs]
        for c in pool:
            c.start()
        gate.wait()
        started = time.perf_counter()
        client_cpu = time.process_time()
        for c in pool:
            c.join(timeout=600)
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        # CPU used by the web workers and by PostgreSQL for this database (its backends
        # persist: DB_CONN_MAX_AGE), whatever else the machine was doing meanwhile
        web_cpu = _cpu_seconds(_children(server.pid)) - web_cpu0
        db_cpu = _cpu_seconds(_pg_backends(admin_url)) - db_cpu0
        load = os.getloadavg()[0]
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    check = subprocess.run([py, "-m", "manyi.bench.surveys", "verify", str(n + WARM)], env=env,
                           check=True, capture_output=True, text=True)
    counts = json.loads(check.stdout.strip().splitlines()[-1])
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    shutil.rmtree(var, ignore_errors=True)
    latencies = sorted(x for c in pool for x in c.latencies)
    statuses: dict[int, int] = {}
    for c in pool:
        for k, v in c.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    errors = [e for c in pool for e in c.errors]
    requests = sum(statuses.values())
    answers_per_form_min = len(data["form"]["rated"])
    total = n + WARM
    ok = (
        counts["submitted"] == counts["responses"] == total
        and counts["invitations_completed"] == total
        and counts["invitations_with_two_responses"] == 0
        and counts["tally_completed"] == total
        and counts["rollups_equal_recomputation"]
        and counts["answers"] >= total * answers_per_form_min
        and not errors
        and set(statuses) == {302}
    )
    return {
        "responses": n, "clients": clients, "server": f"gunicorn gthread {workers}x{threads}",
        "requests": requests, "retried_links": retries, "double_posted_links": duplicates,
        "seconds": round(elapsed, 2),
        "responses_per_second": round(n / elapsed, 1),
        "requests_per_second": round(requests / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1)
        if latencies else None,
        "statuses": statuses, "errors": errors[:5], "counts": counts,
        "cpu_ms_per_response": {
            "web": round(web_cpu * 1000 / n, 2), "postgres": round(db_cpu * 1000 / n, 2),
            "clients": round(client_cpu * 1000 / n, 2),
        },
        "capacity_per_second_on_2_cores": round(2 * n / (web_cpu + db_cpu), 1)
        if web_cpu + db_cpu else None,
        "load_average_1min_at_end": round(load, 2),
        "none_lost_or_duplicated": ok,
    }


def main() -> None:
    result = run()
    print(f"survey submissions: {result['responses_per_second']} responses/s "
          f"({result['responses']} responses, {result['requests']} POSTs incl. "
          f"{result['retried_links']} retries and {result['double_posted_links']} double posts, "
          f"{result['clients']} clients, {result['server']}, PostgreSQL) "
          f"p50 {result['latency_ms_p50']} ms, p95 {result['latency_ms_p95']} ms; "
          f"none lost or duplicated: {result['none_lost_or_duplicated']}; "
          f"server CPU {result['cpu_ms_per_response']} ms per response → "
          f"{result['capacity_per_second_on_2_cores']} responses/s on 2 free cores "
          f"(load average during the run {result['load_average_1min_at_end']})")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "setup":
        setup(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "verify":
        verify(int(sys.argv[2]))
    else:
        main()

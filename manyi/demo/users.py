"""Demo accounts: one per main role, in departments that make the permission scopes visible.

FOR LOCAL USE ONLY: every demo account has the same published password.
"""

from __future__ import annotations

from typing import NamedTuple

from .context import DemoContext

DEMO_PASSWORD = "manyi-demo-2026"  # noqa: S105 — published on purpose, local demo only


class DemoUser(NamedTuple):
    username: str
    last_name: str
    first_name: str
    role: str
    department: str
    sees_zh: str
    sees_en: str
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "赵", "志强", "admin", "OFFICE", "全部数据，系统管理（超级用户）",
             "everything, administration (superuser)", superuser=True),
    DemoUser("gm", "陈", "国华", "gm", "GM", "全部顾客（只读）", "all customers (read-only)"),
    DemoUser("dgm", "郑", "建军", "deputy_gm", "DGM", "全部顾客（只读）；索赔初步分析、追偿",
             "all customers (read-only); claim analysis and supplier recourse"),
    DemoUser("quality", "李", "文静", "quality_manager", "QA", "全部顾客；维护产品",
             "all customers; maintains products"),
    DemoUser("service", "王", "芳", "customer_service", "CS", "全部顾客；维护顾客和联系人",
             "all customers; edits customers and contacts"),
    DemoUser("sales", "张", "伟", "sales_manager", "SALES", "全部顾客、订单和产品",
             "all customers, orders and products"),
    DemoUser("shanghai", "刘", "洋", "branch_manager", "BO-SH", "仅上海办事处的顾客",
             "only the Shanghai office's customers"),
    DemoUser("clerk_gz", "黄", "丽娟", "sales_clerk", "BO-GZ", "仅广州分公司的顾客",
             "only the Guangzhou branch's customers"),
    DemoUser("bu_power", "周", "海峰", "bu_head", "BU-PWR", "仅电源事业部的顾客",
             "only the Power supply BU's customers"),
    DemoUser("finance", "吴", "敏", "finance", "FIN", "全部顾客和订单（只读）",
             "all customers and orders (read-only)"),
    DemoUser("legal", "冯", "律", "legal", "LEGAL", "全部顾客（只读）；法律事务",
             "all customers (read-only); legal matters"),
    DemoUser("viewer", "孙", "晓东", "viewer", "R-NORTH", "仅华北大区（北京、天津）的顾客（只读）",
             "only the North China region (Beijing, Tianjin), read-only"),
)


def step_users(ctx: DemoContext) -> None:
    """Create the demo accounts that do not exist yet (existing accounts are left alone)."""
    from django.contrib.auth.hashers import make_password

    from manyi.accounts.models import Department, Role, User

    password = ""  # hashed once: hashing is slow on purpose, and all demo accounts share it
    ctx.departments = {d.code: d for d in Department.objects.all()}
    roles = {r.code: r for r in Role.objects.all()}
    created = 0
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User(
                username=spec.username,
                last_name=spec.last_name,
                first_name=spec.first_name,
                email=f"{spec.username}@manyi-demo.example.cn",
                department=ctx.departments[spec.department],
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            password = password or make_password(DEMO_PASSWORD)
            user.password = password
            user.save()
            user.roles.set([roles[spec.role]])
            created += 1
        dept = ctx.departments[spec.department]
        if spec.role in {"gm", "quality_manager", "branch_manager", "bu_head"} and (
            dept.manager_id is None
        ):
            dept.manager = user
            dept.save(update_fields=["manager"])
        if spec.username == "admin":
            ctx.actor = user
    ctx.counts["users"] = created


def demo_accounts_table(*, only_existing: bool = True) -> str:
    """The demo logins as a text table (Chinese and English), for the console."""
    from manyi.accounts.models import Department, Role, User

    usernames = [u.username for u in DEMO_USERS]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    rows = [u for u in DEMO_USERS if u.username in existing or not only_existing]
    if not rows:
        return ""
    role_names = {r.code: (r.name, r.name_en) for r in Role.objects.all()}
    dept_names = {d.code: (d.name, d.name_en) for d in Department.objects.all()}
    header = ("用户名 username", "姓名", "角色 role", "部门 department", "可见范围 / scope")
    body = []
    for u in rows:
        role_zh, role_en = role_names.get(u.role, (u.role, u.role))
        dept_zh, dept_en = dept_names.get(u.department, (u.department, u.department))
        body.append((
            u.username,
            f"{u.last_name}{u.first_name}",
            f"{role_zh} {role_en}",
            f"{dept_zh} {dept_en}",
            f"{u.sees_zh} / {u.sees_en}",
        ))
    widths = [max(_width(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    out = [
        "演示账号（仅供本地使用） / Demo accounts (local use only)",
        f"密码 password: {DEMO_PASSWORD}",
        line(header),
        line(tuple("-" * w for w in widths)),
        *(line(r) for r in body),
    ]
    return "\n".join(s.rstrip() for s in out)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

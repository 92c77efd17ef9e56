"""Roles and the departments the procedures name (SPEC §1). Seeded by a data migration."""

from __future__ import annotations

from typing import Any

ROLES: list[tuple[str, str, str]] = [
    ("admin", "系统管理员", "Administrator"),
    ("gm", "总经理", "General manager"),
    ("deputy_gm", "副总经理", "Deputy general manager"),
    ("management_rep", "管理者代表", "Management representative"),
    ("quality_manager", "质量经理", "Quality manager"),
    ("quality_engineer", "质量工程师", "Quality engineer"),
    ("customer_service", "客户服务专员", "Customer service"),
    ("sales_manager", "营销经理", "Sales manager"),
    ("sales_clerk", "销售内勤", "Sales clerk"),
    ("branch_manager", "办事处主任", "Branch office manager"),
    ("bu_head", "事业部负责人", "Business unit head"),
    ("finance", "财务", "Finance"),
    ("legal", "法务", "Legal"),
    ("engineer", "技术/生产人员", "Engineering / production"),
    ("viewer", "只读用户", "Read-only"),
]

# (code, name, English name, kind, parent code)
DEPARTMENTS: list[tuple[str, str, str, str, str | None]] = [
    ("GM", "总经理", "General manager", "management", None),
    ("DGM", "副总经理", "Deputy general manager", "management", "GM"),
    ("MR", "管理者代表", "Management representative", "management", "GM"),
    ("OFFICE", "办公室", "Office", "office", "GM"),
    ("SALES", "营销部", "Marketing and sales", "sales", "GM"),
    ("CS", "客户服务部", "Customer service", "customer_service", "GM"),
    ("QA", "品质部", "Quality", "quality", "GM"),
    ("ENG", "技术部", "Engineering", "engineering", "GM"),
    ("PROD", "生产部", "Production", "production", "GM"),
    ("PUR", "采购部", "Purchasing", "purchasing", "GM"),
    ("FIN", "财务部", "Finance", "finance", "GM"),
    ("LEGAL", "法务", "Legal", "legal", "GM"),
    ("R-EAST", "华东大区", "East China region", "region", "SALES"),
    ("R-SOUTH", "华南大区", "South China region", "region", "SALES"),
    ("R-NORTH", "华北大区", "North China region", "region", "SALES"),
    ("R-WEST", "西部大区", "West region", "region", "SALES"),
    ("BO-SH", "上海办事处", "Shanghai office", "branch_office", "R-EAST"),
    ("BO-HZ", "杭州办事处", "Hangzhou office", "branch_office", "R-EAST"),
    ("BO-NJ", "南京办事处", "Nanjing office", "branch_office", "R-EAST"),
    ("BO-GZ", "广州分公司", "Guangzhou branch", "branch_office", "R-SOUTH"),
    ("BO-SZ", "深圳办事处", "Shenzhen office", "branch_office", "R-SOUTH"),
    ("BO-BJ", "北京分公司", "Beijing branch", "branch_office", "R-NORTH"),
    ("BO-TJ", "天津办事处", "Tianjin office", "branch_office", "R-NORTH"),
    ("BO-CD", "成都办事处", "Chengdu office", "branch_office", "R-WEST"),
    ("BO-XA", "西安办事处", "Xi'an office", "branch_office", "R-WEST"),
    ("BU-PWR", "电源事业部", "Power supply BU", "business_unit", "GM"),
    ("BU-CTL", "控制器事业部", "Controller BU", "business_unit", "GM"),
    ("BU-SVC", "工程服务事业部", "Engineering services BU", "business_unit", "GM"),
]


def seed_reference_data(role_model: Any = None, department_model: Any = None) -> None:
    """Create the roles and departments above if missing (used by the data migration, and by
    tests after a transactional test flushed the database)."""
    if role_model is None or department_model is None:
        from .models import Department, Role

        role_model, department_model = Role, Department
    for code, name, name_en in ROLES:
        role_model.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    by_code: dict[str, Any] = {}
    for code, name, name_en, kind, parent in DEPARTMENTS:
        dept, _created = department_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "parent": by_code.get(parent) if parent else None,
            },
        )
        by_code[code] = dept

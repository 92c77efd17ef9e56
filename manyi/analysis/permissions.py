"""Analysis actions and who holds them: quality, management and customer service see the
analyses; quality manages the problems; the GM approves targets (001 §六)."""

from manyi.accounts.permissions import Scope, register_actions

A = Scope.ALL

ACTIONS = [
    ("analysis.view", "查看统计分析 / view analyses"),
    ("analysis.configure", "设定评分方法 / choose scoring methods"),
    ("analysis.target", "提出目标值 / propose targets"),
    ("analysis.target_approve", "批准目标值 / approve targets"),
    ("problem.view", "查看问题记录 / view problems"),
    ("problem.manage", "处理问题记录 / manage problems"),
]

_SEE = {"analysis.view": A, "problem.view": A}

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": {code: A for code, _label in ACTIONS},
    "gm": {**_SEE, "analysis.target_approve": A},
    "deputy_gm": dict(_SEE),
    "management_rep": {**_SEE, "analysis.target": A},
    "quality_manager": {
        **_SEE, "analysis.configure": A, "analysis.target": A, "problem.manage": A,
    },
    "quality_engineer": {**_SEE, "problem.manage": A},
    "customer_service": {**_SEE, "analysis.configure": A, "analysis.target": A},
}

register_actions(ACTIONS, GRANTS)

"""Read-only questions about people and the department tree, asked by every module."""

from __future__ import annotations

from .models import Department, User


def department_manager(
    department: Department | None, *, exclude: User | None = None
) -> User | None:
    """The department's manager, else the nearest active manager up the department tree
    (never `exclude`, e.g. the person whose manager is sought); None if there is none."""
    seen: set[int] = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        manager = department.manager
        if manager is not None and manager.is_active:
            if exclude is None or manager.pk != exclude.pk:
                return manager
        department = department.parent
    return None


def manager_of(user: User) -> User | None:
    """The user's manager: the manager of the user's department, else of the nearest parent
    department that has one (never the user themself)."""
    return department_manager(getattr(user, "department", None), exclude=user)

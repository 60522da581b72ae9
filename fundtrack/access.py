"""Who may do what: every view declares its rule, checked on the server.

The role table (README "What it does, for whom" says the same in words):

| role    | read | money | milestones | history | findings (整改)                  | users |
|---------|------|-------|------------|---------|---------------------------------|-------|
| admin   | all  | yes   | yes        | yes     | record, evidence, close, reopen | yes   |
| finance | all  | yes   | no         | no      | record, evidence, close, reopen | no    |
| manager | all  | no    | own unit   | no      | evidence on own unit's only     | no    |
| auditor | all  | no    | no         | yes     | record, evidence, close, reopen | no    |
| viewer  | all  | no    | no         | no      | no                              | no    |

Findings: auditors record what their audits find (and add evidence, close and reopen);
a manager adds evidence of their own unit's rectification but never closes (marks
rectified) a finding about their own unit: someone outside the unit judges it done.
Every user changes their own password and revokes their own API tokens (我的账户).

``@allow(*roles)`` guards a view; ``@public`` marks one anyone may open. A view with
neither fails the route x role test (tests/test_access.py), so no new route goes out
without a rule. Finer checks (a manager and *their own* unit's projects) are methods of
the models and are called by the views after loading the object.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .enums import Role

#: Every signed-in role.
READ = tuple(Role)
#: Who may change money: channels, arrivals, allocations, payments, imports.
FINANCE = (Role.FINANCE, Role.ADMIN)
#: Who may keep milestones (managers only for their own unit's projects).
MILESTONES = (Role.MANAGER, Role.ADMIN)
#: Who may read the change history.
AUDIT = (Role.AUDITOR, Role.ADMIN)
#: 对账: finance and admin reconcile and act on it; auditors reconcile and read.
TREASURY = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)
ADMIN = (Role.ADMIN,)
#: Who record findings (整改), close them (mark rectified) and reopen them: the checkers,
#: never the unit that rectifies.
FINDINGS = (Role.ADMIN, Role.AUDITOR, Role.FINANCE)
#: Who add evidence to a finding (managers only to their own unit's findings).
FINDING_EVIDENCE = (*FINDINGS, Role.MANAGER)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def allow(*roles: Role):
    """Only signed-in users with one of ``roles`` may use the view."""
    allowed = frozenset(roles)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if _is_api():
                    abort(401)
                return redirect(url_for("accounts.login", next=request.full_path))
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.access = allowed
        return wrapper

    return decorate


def public(view):
    """Anyone may use the view, signed in or not."""
    view.access = "public"
    return view


def has_role(*roles: Role) -> bool:
    return current_user.is_authenticated and current_user.role in roles

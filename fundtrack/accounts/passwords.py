"""The one password rule, for every way a password is set: ``create-user``,
``set-password``, the admin's users page (new user, reset) and a user changing their
own. The forms show the same message the command line prints.

A password has at least ``MIN_LENGTH`` and at most ``MAX_LENGTH`` characters, is not the
user name, is not one character repeated, and is not one of the passwords every guesser
tries first (a run of digits or keys, "password", ...).
"""

from __future__ import annotations

from ..errors import Refused

MIN_LENGTH = 8
#: Hashing a very long password costs the server; nobody types more.
MAX_LENGTH = 128

#: What the forms say under the field.
RULE_TEXT = (f"至少 {MIN_LENGTH} 个字符,不能与用户名相同,"
             "不能是单一字符重复或 12345678 之类的常见密码")

_COMMON = {
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "iloveyou", "admin123",
    "administrator", "qwertyui", "qwertyuiop", "asdfghjk", "zxcvbnm", "1qaz2wsx", "abc12345",
    "a1234567", "aa123456", "abcd1234", "woaini520", "woaini1314", "5201314520",
    "fundtrack",
}
_RUNS = ("01234567890", "09876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop",
         "asdfghjkl", "zxcvbnm")


def _is_run(text: str) -> bool:
    """A stretch of a digit or key row ("12345678", "87654321", "abcdefgh")."""
    return any(text in run or text in run[::-1] for run in _RUNS)


def problem(password: str | None, username: str | None = None) -> str | None:
    """Why the password may not be used (in Chinese), or None when it may."""
    password = password or ""
    if not password:
        return "密码不能为空"
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过 {MAX_LENGTH} 个字符"
    lowered = password.lower()
    if username and lowered == username.strip().lower():
        return "密码不能与用户名相同"
    if len(set(password)) == 1:
        return "密码不能是同一个字符的重复"
    if lowered in _COMMON or _is_run(lowered) or (lowered.isdigit() and len(set(lowered)) <= 2):
        return "密码过于常见,容易被猜中,请换一个"
    return None


def check(password: str | None, username: str | None = None) -> None:
    """Refused (field ``password``) when the password may not be used."""
    message = problem(password, username)
    if message is not None:
        raise Refused(message, "password")


class Strong:
    """A WTForms validator applying the rule; ``username_field`` names the form's user
    name field, when it has one (else the signed-in user's name is used, if any)."""

    def __init__(self, username_field: str | None = None):
        self.username_field = username_field

    def __call__(self, form, field):
        from flask_login import current_user
        from wtforms.validators import StopValidation

        if self.username_field:
            username = form[self.username_field].data
        else:
            username = getattr(form, "target_username", None) or (
                current_user.username if current_user.is_authenticated else None)
        message = problem(field.data, username)
        if message is not None:
            raise StopValidation(message)

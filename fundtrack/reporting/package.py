"""The report package file (上报): what it holds, its canonical bytes, its signature and
the checks that need nothing but the file itself.

A package is one UTF-8 JSON object:

- ``format`` (1), ``region`` (the sender's FUNDTRACK_REGION), ``level`` (县, 市 or 省),
  ``month`` ("YYYY-MM") and ``ends_on`` (its last day);
- ``summary``: the month-end figures: ``amount_issued``, ``arrived``, ``spent``,
  ``recovered`` (strings, two decimals) and ``projects``, ``started``, ``completed``,
  ``overdue_count`` (whole numbers);
- a county's ``fund_ledger``: the 资金台账 stored by its close (``rows`` per channel,
  ``total``, ``digest``); a city's ``regions``: one row per lower region, the figures
  of that region's latest package (its ``digest`` names the file it came from);
- ``public_key`` and ``signature``: Ed25519 over the canonical JSON (sorted keys, no
  spaces, UTF-8) of everything but ``signature``.

The figures must add up: the ledger's rows (or the regions) to their total, the
summary's amounts to the ledger's total (or to the regions' sums).
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

from ..clock import today
from ..errors import Refused
from ..periods.service import parse_month
from . import keys

FORMAT = 1
LEVELS = ("县", "市", "省")
AMOUNTS = ("amount_issued", "arrived", "spent", "recovered")
COUNTS = ("projects", "started", "completed", "overdue_count")
LEDGER_AMOUNTS = ("amount_issued", "arrived", "allocated", "spent")
_AMOUNT = re.compile(r"^-?\d{1,16}\.\d{2}$")


def canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def unsigned(package: dict) -> dict:
    return {k: v for k, v in package.items() if k != "signature"}


def digest(package: dict) -> str:
    return hashlib.sha256(canonical(package)).hexdigest()


def sign(content: dict) -> dict:
    """``content`` with this instance's public key and signature added."""
    body = {**content, "public_key": keys.public_text(keys.private_key().public_key())}
    body["signature"] = keys.sign(canonical(body))
    return body


def text(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


# --- checking a file -------------------------------------------------------------------


def _amount(value, where: str) -> Decimal:
    if not isinstance(value, str) or not _AMOUNT.match(value):
        raise Refused(f"{where} 应为两位小数的金额字符串(如 \"1234.50\"),收到 {value!r}",
                      "package")
    return Decimal(value)


def _count(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Refused(f"{where} 应为非负整数,收到 {value!r}", "package")
    return value


def _object(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise Refused(f"上报包缺少 {where} 或其格式不对", "package")
    return value


def parse(raw: bytes | str | dict) -> dict:
    """The package as a dict; Refused when the file is not a JSON object."""
    if isinstance(raw, dict):
        return raw
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Refused("上报包不是有效的 UTF-8 JSON 文件", "package") from None
    return _object(body, "内容(应为一个 JSON 对象)")


def check(body: dict) -> dict:
    """Everything the file alone can prove: its form, its signature (by the key it
    carries) and that its figures add up. Returns the summary as Decimals and ints."""
    if body.get("format") != FORMAT:
        raise Refused(f"上报包格式版本应为 {FORMAT},收到 {body.get('format')!r}", "package")
    region = body.get("region")
    if not isinstance(region, str) or not region.strip() or len(region) > 100:
        raise Refused("上报包缺少地区(region)", "region")
    if body.get("level") not in LEVELS:
        raise Refused(f"级别(level)应为 {'、'.join(LEVELS)} 之一,收到 {body.get('level')!r}",
                      "level")
    month, ends_on = parse_month(body.get("month") if isinstance(body.get("month"), str)
                                 else None)
    if body.get("month") != month or body.get("ends_on") != ends_on.isoformat():
        raise Refused(f"月份 {body.get('month')!r} 与月末 {body.get('ends_on')!r} 不符",
                      "month")
    if ends_on >= today():
        raise Refused(f"{month} 尚未结束,不能上报", "month")
    if not isinstance(body.get("public_key"), str) or not isinstance(body.get("signature"),
                                                                      str):
        raise Refused("上报包缺少公钥或签名", "signature")
    if not keys.verify(body["public_key"], body["signature"], canonical(unsigned(body))):
        raise Refused("签名不符:上报包在签名后被改动过,或不是用所附公钥签名的", "signature")
    raw = _object(body.get("summary"), "月末数字(summary)")
    summary = {k: _amount(raw.get(k), f"summary.{k}") for k in AMOUNTS}
    summary.update({k: _count(raw.get(k), f"summary.{k}") for k in COUNTS})
    for k in ("started", "completed"):
        if summary[k] > summary["projects"]:
            raise Refused(f"summary.{k} ({summary[k]}) 大于项目数 ({summary['projects']})",
                          "summary")
    if "fund_ledger" in body:
        _check_ledger(_object(body["fund_ledger"], "资金台账(fund_ledger)"), summary)
    elif "regions" in body:
        _check_regions(body["regions"], summary)
    else:
        raise Refused("上报包缺少资金台账(fund_ledger)或下级地区数字(regions)", "package")
    return {"region": region, "level": body["level"], "month": month, "ends_on": ends_on,
            **summary}


def _differs(name: str, stated, summed) -> Refused:
    return Refused(f"数字不相符:{name} 为 {stated},各行合计为 {summed}", "summary")


def _check_ledger(ledger: dict, summary: dict) -> None:
    rows = ledger.get("rows")
    if not isinstance(rows, list):
        raise Refused("资金台账缺少行(rows)", "fund_ledger")
    total = _object(ledger.get("total"), "资金台账合计(fund_ledger.total)")
    for k in LEDGER_AMOUNTS:
        summed = sum((_amount(_object(r, "资金台账的行").get(k), f"fund_ledger.rows[].{k}")
                      for r in rows), Decimal("0.00"))
        stated = _amount(total.get(k), f"fund_ledger.total.{k}")
        if stated != summed:
            raise _differs(f"资金台账合计 {k}", stated, summed)
        if k in summary and summary[k] != stated:
            raise Refused(f"数字不相符:summary.{k} 为 {summary[k]},资金台账合计为 {stated}",
                          "summary")


def _check_regions(regions, summary: dict) -> None:
    if not isinstance(regions, list) or not regions:
        raise Refused("上报包的下级地区数字(regions)应为非空列表", "regions")
    names = [_object(r, "下级地区的行").get("region") for r in regions]
    if not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
        raise Refused("下级地区(regions)的名称缺失或重复", "regions")
    for k in (*AMOUNTS, *COUNTS):
        parse_one = _amount if k in AMOUNTS else _count
        summed = sum((parse_one(r.get(k), f"regions[].{k}") for r in regions),
                     Decimal("0.00") if k in AMOUNTS else 0)
        if summary[k] != summed:
            raise _differs(f"summary.{k}", summary[k], summed)


def level_below(level: str) -> str | None:
    """The level whose packages an instance of ``level`` receives: 市 → 县, 省 → 市; a 县
    (or an unknown level) has none."""
    if level not in LEVELS or level == LEVELS[0]:
        return None
    return LEVELS[LEVELS.index(level) - 1]

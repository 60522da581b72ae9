"""What entered text may be, one rule per field: how it is normalised, how long it may
be, and which characters a code may hold (issue 14, items 5, 6, 12 and 15).

Every service that stores or looks up such a value passes it through ``clean`` first,
so the web forms, the API, the importer and the command line get the same value and the
same refusal; forms also check the length as they are filled in (``fits``),
with the same limit. The limits of stored names come from the models' column lengths;
free text (备注, 摘要, 建设内容), stored as TEXT, has its own cap here.

Normalising: codes, voucher numbers and names are read in Unicode NFKC (full-width
２０２６－０００１ is 2026-0001), without zero-width characters (U+200B ...), without
surrounding spaces; so a look-alike is the same value, and found as a duplicate. Free
text keeps its characters (full-width punctuation is Chinese writing) and loses only
the surrounding spaces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .contracts.models import Contract
from .errors import Refused
from .funds.models import Allocation, Disbursement, FundArrival, FundSource
from .milestones.models import Milestone
from .projects.models import Project, Unit

#: Characters that show as nothing: removed from every value.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"
             "\u180e\u034f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    None)
#: A code (资金来源编号, 项目编号) appears in page addresses: letters of any script
#: (汉字 too), digits, and - _ . after the first character, which is a letter or a digit.
_CODE = re.compile(r"[^\W_][\w.\-]*")
_CODE_RULE = "编号只能由字母、数字、汉字和 - _ . 组成,并以字母、数字或汉字开头"

CODE, VOUCHER, NAME, TEXT = "code", "voucher", "name", "text"


@dataclass(frozen=True)
class Field:
    label: str
    #: code (normalised, limited characters), voucher (normalised, any visible
    #: characters), name (normalised), text (free text, kept as typed).
    kind: str
    max_length: int


def _length(column) -> int:
    return column.type.length


#: Free text is stored as TEXT: these caps keep a workbook from storing a book in a note.
NOTE_MAX = 500
SCOPE_MAX = 2000

#: By the English key the workbook, the JSON API and the forms use.
FIELDS: dict[str, Field] = {
    "source_code": Field("资金来源编号", CODE, _length(FundSource.code)),
    "project_code": Field("项目编号", CODE, _length(Project.code)),
    "voucher_no": Field("凭证号", VOUCHER, _length(Disbursement.voucher_no)),
    "reverses": Field("冲销凭证号", VOUCHER, _length(Disbursement.voucher_no)),
    # FundSource.name and Project.name: the longer of the two would let one fail
    "name": Field("名称", NAME, min(_length(FundSource.name), _length(Project.name))),
    "unit": Field("责任单位", NAME, _length(Unit.name)),
    "category": Field("项目类别", NAME, _length(Project.category)),
    "township": Field("乡镇", NAME, _length(Project.township)),
    "village": Field("村", NAME, _length(Project.village)),
    "responsible_person": Field("责任人", NAME, _length(Project.responsible_person)),
    "phone": Field("联系电话", NAME, _length(Project.phone)),
    "payee": Field("收款单位", NAME, _length(Disbursement.payee)),
    "payee_account": Field("收款账号", VOUCHER, _length(Disbursement.payee_account)),
    "budget_subject": Field("预算科目", NAME, _length(Disbursement.budget_subject)),
    "contract_no": Field("合同编号", VOUCHER, _length(Contract.contract_no)),
    "contractor": Field("承建单位", NAME, _length(Contract.contractor)),
    "document_no": Field("文号", TEXT, min(_length(FundSource.document_no),
                                          _length(Allocation.document_no))),
    "note": Field("备注", TEXT, NOTE_MAX),
    "memo": Field("摘要", TEXT, NOTE_MAX),
    "reason": Field("原因", TEXT, NOTE_MAX),
    "scope": Field("建设内容", TEXT, SCOPE_MAX),
}
# The TEXT columns the caps stand for (a renamed column breaks here, not silently).
assert FundArrival.note and Milestone.note and Disbursement.memo and Project.scope


class FieldError(Refused):
    """A value its field does not allow; ``reason`` says why without naming the field
    (the importer names the column itself)."""

    def __init__(self, key: str, reason: str, label: str | None = None):
        super().__init__(f"{label or FIELDS[key].label}{reason}", key)
        self.reason = reason


def normalize(text: str) -> str:
    """NFKC, without invisible characters and surrounding spaces (see the docstring)."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()


def clean(key: str, value, *, required: bool = False) -> str | None:
    """The value of field ``key`` as it is stored and compared: normalised, None when
    nothing is left; raises FieldError when it is too long, holds characters it may
    not, or (``required``) is empty."""
    return _clean(FIELDS[key], key, value, required)


def clean_name(label: str, max_length: int, key: str, value, *,
               required: bool = False) -> str | None:
    """A name-like value (normalised as a name) of a field that only one record type has
    and so no entry of its own in FIELDS (a target's 计量单位, an asset's 管护主体):
    ``clean``'s rule with the record's own label and column length. A value that is not
    text (a JSON list, a true) is refused."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise Refused(f"{label}应为文本", key)
    return _clean(Field(label, NAME, max_length), key, value, required)


def _clean(field: Field, key: str, value, required: bool) -> str | None:
    if value is None:
        text = ""
    elif field.kind == TEXT:
        text = str(value).strip()
    else:
        text = normalize(str(value))
    if not text:
        if required:
            raise FieldError(key, "不能为空", field.label)
        return None
    if len(text) > field.max_length:
        raise FieldError(key, f"长度为 {len(text)} 个字符,超过上限 {field.max_length} 个字符",
                         field.label)
    if field.kind == CODE:
        if _CODE.fullmatch(text) is None:
            bad = next((ch for ch in text if not (ch.isalnum() or ch in "-_.")), text[0])
            raise FieldError(key, f"「{text}」含有不允许的字符「{bad}」:{_CODE_RULE}", field.label)
    elif not text.isprintable():
        hidden = next((ch for ch in text if _hidden(ch, field.kind)), None)
        if hidden is not None:
            raise FieldError(key, f"含有不可见的控制字符(U+{ord(hidden):04X}),请删除",
                             field.label)
    return text


def _hidden(ch: str, kind: str) -> bool:
    if kind == TEXT and ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def fits(key: str):
    """A WTForms validator: the field's length limit, as the service checks it."""
    from wtforms.validators import Length

    field = FIELDS[key]
    return Length(max=field.max_length,
                  message=f"{field.label}不能超过 {field.max_length} 个字符")

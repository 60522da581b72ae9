"""POST /api/v1/contracts (a contract, with the fields of the 合同 sheet), PUT
/api/v1/contracts/<contract_no> (a correction: the fields given change) and
GET /api/v1/projects/<project_code>/contracts (a project's contracts beside its money).

Every value is read as the importer reads a cell of the 合同 sheet (same readers and
messages); the rules are contracts/service.py's."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from .. import sheets
from ..access import FINANCE, READ, allow
from ..clock import today
from ..contracts import service as contracts
from ..database import unit_of_work
from ..dates import parse_date
from ..errors import Refused
from ..ledger.contracts import project_figures
from ..projects.service import get_project
from ..workbook.reading import read_record
from . import bp, encode, error, refused


def contract_json(c) -> dict:
    return {
        "contract_no": c.contract_no,
        "project_code": c.project.code,
        "contractor": c.contractor,
        "amount": encode.value("money", c.amount),
        "signed_on": encode.value("date", c.signed_on),
        "tender_method": encode.value("enum", c.tender_method),
        "retention_rate": encode.value("rate", c.retention_rate),
        "retention_due_on": encode.value("date", c.retention_due_on),
    }


@bp.post("/contracts")
@allow(*FINANCE)
def post_contract():
    try:
        values = _read(request.get_json(silent=True), given_only=False)
        with unit_of_work(current_user.username):
            contract = contracts.register_contract(
                get_project(values["project_code"]), contract_no=values["contract_no"],
                contractor=values["contractor"], amount=values["amount"],
                signed_on=values["signed_on"], tender_method=values["tender_method"],
                retention_rate=values["retention_rate"],
                retention_due_on=values["retention_due_on"])
            body = contract_json(contract)
    except Refused as e:
        return refused(e)
    return jsonify(body), 201


@bp.put("/contracts/<path:contract_no>")
@allow(*FINANCE)
def put_contract(contract_no: str):
    """Correct a contract: only the keys given change (null clears an optional one); the
    合同编号 is its name everywhere and is not changed."""
    try:
        values = _read(request.get_json(silent=True), given_only=True)
        with unit_of_work(current_user.username):
            contract = contracts.find_contract(contract_no)
            if contract is None:
                return error(404, f"合同编号「{contract_no}」不存在", "contract_no")
            if values.pop("contract_no", contract.contract_no) != contract.contract_no:
                raise Refused("合同编号不能修改:它是合同在各处的名称", "contract_no")
            if "project_code" in values:
                values["project"] = get_project(values.pop("project_code"))
            contracts.update_contract(contract, values)
            body = contract_json(contract)
    except Refused as e:
        return refused(e)
    return jsonify(body)


def _read(data, *, given_only: bool) -> dict:
    """The contract's values from a JSON object, each read as the importer reads a cell
    of the 合同 sheet; ``given_only``: only the keys sent (a correction), others not
    required. Refused on the first key that cannot be read."""
    sheet = sheets.CONTRACTS
    if not isinstance(data, dict):
        raise Refused("请求内容应为 JSON 对象", None)
    unknown = set(data) - set(sheet.keys)
    if unknown:
        key = sorted(unknown)[0]
        raise Refused(f"未知字段「{key}」", key)
    values, errors = read_record(sheet, data)
    if given_only:
        values = {key: value for key, value in values.items() if key in data}
        errors = {key: message for key, message in errors.items() if key in data}
    if errors:
        key = next(iter(errors))
        raise Refused(f"{sheet.column(key).header}:{errors[key]}", key)
    return values


@bp.get("/projects/<project_code>/contracts")
@allow(*READ)
def project_contracts(project_code: str):
    try:
        project = get_project(project_code)
    except Refused as e:
        return error(404, e.message, "project_code")
    try:
        raw = request.args.get("as_of")
        as_of = parse_date(raw, "as_of") if raw else today()
    except Refused as e:
        return refused(e)
    figures = project_figures(project.id, as_of)
    return jsonify({
        "project_code": project.code,
        "as_of": as_of.isoformat(),
        "allocated": encode.value("money", figures.allocated),
        "contracted": encode.value("money", figures.contracted),
        "spent": encode.value("money", figures.spent),
        "beyond_contracts": encode.value("money", figures.beyond),
        "contracts": [contract_json(c) for c in contracts.contracts_of(project)],
    })

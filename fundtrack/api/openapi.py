"""GET /api/v1/openapi.json: the OpenAPI 3 description of every /api/v1 route, built
from the same sheet definitions the API answers with."""

from __future__ import annotations

from flask import jsonify

from .. import sheets
from ..access import public
from ..enums import (
    NO,
    NO_SPELLINGS,
    YES,
    YES_SPELLINGS,
    MilestoneKind,
    PaymentKind,
    RecoveryDestination,
    TenderMethod,
)
from ..ledger.params import YEARS
from ..ledger.reports import REGISTRY, ReportKind
from ..paging import MAX_PAGE, MAX_PER_PAGE
from . import bp


def _schema(column: sheets.Column) -> dict:
    kind = column.kind
    if kind == "money":
        s = {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}
    elif kind == "rate":
        s = {"type": ["number", "null"]}
    elif kind == "int":
        s = {"type": ["integer", "null"]}
    elif kind == "date":
        s = {"type": ["string", "null"], "format": "date"}
    else:
        s = {"type": ["string", "null"]}
    s["description"] = column.header
    return s


def _object(sheet: sheets.Sheet) -> dict:
    return {
        "type": "object",
        "properties": {c.key: _schema(c) for c in sheet.columns},
        "required": list(sheet.keys),
    }


_ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        }
    },
    "required": ["errors"],
}


def _or_empty(schema: dict) -> dict:
    """A query parameter that may also be sent empty (a blank form field): as if absent."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


#: Free text in a query: anything but NUL, which every request refuses (web.py).
_TEXT = {"type": "string", "pattern": r"^[^\x00]*$"}

_FILTERS = [
    {"name": "as_of", "in": "query", "schema": _or_empty({"type": "string", "format": "date"}),
     "description": "截至日期,默认今天"},
    {"name": "year", "in": "query",
     "schema": _or_empty({"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}),
     "description": "年度"},
    {"name": "township", "in": "query", "schema": _TEXT, "description": "乡镇"},
    {"name": "unit", "in": "query", "schema": _TEXT, "description": "责任单位"},
    {"name": "category", "in": "query", "schema": _TEXT,
     "description": "项目类别"},
    {"name": "priority", "in": "query",
     "schema": {"type": "string", "enum": [YES, NO, *YES_SPELLINGS[1:], *NO_SPELLINGS[2:], ""]},
     "description": "重点村:是 或 否(也接受 Y/N、yes/no、true/false、1/0)"},
]
_PAGING = [
    {"name": "page", "in": "query",
     "schema": _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PAGE})},
    {"name": "per_page", "in": "query",
     "schema": _or_empty({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE})},
]


def _err(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _ledger_path(kind: ReportKind) -> dict:
    name, sheet = kind.name, kind.sheet
    props = {
        "region": {"type": "string"},
        "as_of": {"type": "string", "format": "date"},
        "rows": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}_row"}},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "count": {"type": "integer"},
    }
    required = ["region", "as_of", "rows"]
    if kind.has_total:
        props["total"] = {"$ref": f"#/components/schemas/{name}_row"}
        required.append("total")
    return {
        "get": {
            "summary": f"{sheet.name}(截至某日)",
            "parameters": _FILTERS + _PAGING,
            "responses": {
                "200": {"description": sheet.name, "content": {"application/json": {
                    "schema": {"type": "object", "properties": props, "required": required}}}},
                "401": _err("未登录"),
                "422": _err("参数无效"),
            },
        }
    }


def _payment_in() -> dict:
    s = _object(sheets.DISBURSEMENTS)
    s["properties"]["amount"] = {"type": ["string", "number"], "description": "支付金额(元)"}
    s["properties"]["kind"] = {"type": "string", "enum": PaymentKind.labels()}
    s["required"] = ["voucher_no", "project_code", "source_code", "paid_on", "amount", "kind"]
    s["additionalProperties"] = False
    return s


def _recovery_in() -> dict:
    s = _object(sheets.RECOVERIES)
    s["properties"]["amount"] = {"type": ["string", "number"], "description": "收回金额(元)"}
    s["properties"]["destination"] = {"type": "string", "enum": RecoveryDestination.labels()}
    s["required"] = ["source_code", "recovered_on", "amount", "destination"]
    s["additionalProperties"] = False
    return s


def _contract_in() -> dict:
    s = _object(sheets.CONTRACTS)
    s["properties"]["amount"] = {"type": ["string", "number"], "description": "合同金额(元)"}
    s["properties"]["tender_method"] = {
        "type": ["string", "null"], "enum": [*TenderMethod.labels(), "", None],
        "description": "招标方式"}
    s["properties"]["retention_rate"] = {
        "type": ["string", "number", "null"],
        "description": "质保金比例:数字为比率本身(0.03 即 3%),或文本如 \"3%\""}
    s["required"] = ["contract_no", "project_code", "contractor", "amount"]
    s["additionalProperties"] = False
    return s


def _contract_paths(paths: dict, schemas: dict) -> None:
    """POST /api/v1/contracts, PUT /api/v1/contracts/{contract_no} and
    GET /api/v1/projects/{project_code}/contracts (合同)."""
    schemas["contract_in"] = _contract_in()
    schemas["contract"] = _object(sheets.CONTRACTS)
    money = {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}
    paths["/api/v1/contracts"] = {"post": {
        "summary": "登记一份合同(财政局、管理员)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/contract_in"}}}},
        "responses": {
            "201": {"description": "已登记", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/contract"}}}},
            "401": _err("未登录"), "403": _err("无权"), "409": _err("合同编号已存在"),
            "422": _err("输入无效"),
        },
    }}
    schemas["contract_change"] = {**_contract_in(), "required": [],
                                  "description": "只修改给出的字段;null 清空可选字段"}
    paths["/api/v1/contracts/{contract_no}"] = {"put": {
        "summary": "更正一份合同(财政局、管理员):只修改给出的字段,合同编号不能修改",
        "parameters": [{"name": "contract_no", "in": "path", "required": True,
                        "schema": {"type": "string", "minLength": 1},
                        "description": "合同编号"}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/contract_change"}}}},
        "responses": {
            "200": {"description": "更正后的合同", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/contract"}}}},
            "401": _err("未登录"), "403": _err("无权"), "404": _err("合同不存在"),
            "422": _err("输入无效"),
        },
    }}
    paths["/api/v1/projects/{project_code}/contracts"] = {"get": {
        "summary": "项目的合同,及截至某日的安排资金、合同金额、已支出",
        "parameters": [
            {"name": "project_code", "in": "path", "required": True, "schema": {"type": "string"}},
            _FILTERS[0],
        ],
        "responses": {
            "200": {"description": "合同", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "project_code": {"type": "string"},
                    "as_of": {"type": "string", "format": "date"},
                    "allocated": money, "contracted": money, "spent": money,
                    "beyond_contracts": money,
                    "contracts": {"type": "array",
                                  "items": {"$ref": "#/components/schemas/contract"}},
                },
                "required": ["project_code", "as_of", "allocated", "contracted", "spent",
                             "beyond_contracts", "contracts"],
            }}}},
            "401": _err("未登录"), "404": _err("项目不存在"), "422": _err("参数无效"),
        },
    }}


def spec() -> dict:
    schemas = {"Errors": _ERRORS, "payment_in": _payment_in(),
               "payment": _object(sheets.DISBURSEMENTS),
               "recovery_in": _recovery_in(), "recovery": _object(sheets.RECOVERIES)}
    for kind in REGISTRY:
        schemas[f"{kind.name}_row"] = _object(kind.sheet)
    milestone = {
        "type": "object",
        "properties": {
            "project_code": {"type": "string"},
            "milestone": {"type": "string", "enum": MilestoneKind.labels()},
            "planned_on": {"type": ["string", "null"], "format": "date"},
            "done_on": {"type": ["string", "null"], "format": "date"},
            "note": {"type": ["string", "null"]},
        },
        "required": ["project_code", "milestone", "planned_on", "done_on", "note"],
    }
    schemas["milestone"] = milestone
    paths = {kind.api_path: _ledger_path(kind) for kind in REGISTRY}
    paths["/api/v1/openapi.json"] = {"get": {
        "summary": "本接口说明", "security": [],
        "responses": {"200": {"description": "OpenAPI 3",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}
    paths["/api/v1/export.xlsx"] = {"get": {
        "summary": "审计台账工作簿(截至某日)",
        "parameters": _FILTERS,
        "responses": {
            "200": {"description": "xlsx", "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}}}},
            "401": _err("未登录"), "422": _err("参数无效"),
        },
    }}
    paths["/api/v1/disbursements"] = {"post": {
        "summary": "登记一笔支付或冲销(财政局、管理员)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/payment_in"}}}},
        "responses": {
            "201": {"description": "已登记", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/payment"}}}},
            "401": _err("未登录"), "403": _err("无权"), "409": _err("与台账冲突(超支、重复凭证号)"),
            "422": _err("输入无效"),
        },
    }}
    paths["/api/v1/projects"] = {"post": {
        "summary": "登记项目(管理员、财政局;项目责任单位只能申报本单位项目,状态为储备)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _object(sheets.PROJECTS)}}},
        "responses": {
            "201": {"description": "已登记", "content": {"application/json": {
                "schema": _object(sheets.PROJECTS)}}},
            "401": _err("未登录"), "403": _err("无权"), "409": _err("项目编号已存在"),
            "422": _err("输入无效"),
        },
    }}
    paths["/api/v1/recoveries"] = {"post": {
        "summary": "登记一笔资金收回(财政局、管理员)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/recovery_in"}}}},
        "responses": {
            "201": {"description": "已登记", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/recovery"}}}},
            "401": _err("未登录"), "403": _err("无权"),
            "409": _err("与台账冲突(超出可收回额度或到位资金)"), "422": _err("输入无效"),
        },
    }}
    paths["/api/v1/projects/{project_code}/milestones/{milestone}"] = {"put": {
        "summary": "设置项目节点的计划日期、实际日期、备注(本单位项目负责人、管理员)",
        "parameters": [
            {"name": "project_code", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "milestone", "in": "path", "required": True,
             "schema": {"type": "string", "enum": MilestoneKind.labels()}},
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False, "properties": {
                "planned_on": {"type": ["string", "null"], "format": "date"},
                "done_on": {"type": ["string", "null"], "format": "date"},
                "note": {"type": ["string", "null"]},
                "reason": {"type": ["string", "null"]},
            }}}}},
        "responses": {
            "200": {"description": "节点", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/milestone"}}}},
            "401": _err("未登录"), "403": _err("无权"), "404": _err("项目或节点不存在"),
            "409": _err("与台账冲突(节点日期倒序、结算款)"), "422": _err("输入无效"),
        },
    }}
    _registry_paths(paths, schemas)
    _warnings_path(paths, schemas)
    _attachment_paths(paths, schemas)
    _bundle_paths(paths, schemas)
    _contract_paths(paths, schemas)
    from ..reporting.views import openapi_paths

    paths.update(openapi_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "fundtrack 财政涉农资金统筹整合台账 API", "version": "1"},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


_NULLABLE_TEXT = {"type": ["string", "null"]}
_YES_NO = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": [YES, NO]}]}


def _registry_paths(paths: dict, schemas: dict) -> None:
    """The registry's writes beyond creating a project: a step of its status; 绩效目标
    (POST a target, PUT its actual value)."""
    from ..enums import ProjectStatus, TargetCategory

    schemas["target"] = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "project_code": {"type": "string"},
            "category": {"type": "string", "enum": TargetCategory.labels()},
            "name": {"type": "string"},
            "measure": _NULLABLE_TEXT,
            "target": {"type": "string"},
            "actual": _NULLABLE_TEXT,
            "met": {"type": ["string", "null"], "enum": [YES, NO, None]},
            "gap_reason": _NULLABLE_TEXT,
        },
        "required": ["id", "project_code", "category", "name", "measure", "target",
                     "actual", "met", "gap_reason"],
    }
    code = {"name": "project_code", "in": "path", "required": True,
            "schema": {"type": "string"}}
    answers = {"401": _err("未登录"), "403": _err("无权"), "404": _err("项目或绩效目标不存在"),
               "409": _err("与项目状态冲突(已终止;未实施不能填写实际值)"),
               "422": _err("输入无效")}
    target = {"content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/target"}}}}
    paths["/api/v1/projects/{project_code}/targets"] = {"post": {
        "summary": "添加项目的一项绩效目标(管理员、财政局、本单位项目负责人)",
        "parameters": [code],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "category": {"type": "string", "enum": TargetCategory.labels(),
                             "description": "指标类别"},
                "name": {"type": "string", "description": "指标名称"},
                "measure": {**_NULLABLE_TEXT, "description": "计量单位"},
                "target": {"type": "string", "description": "目标值"},
            },
            "required": ["category", "name", "target"]}}}},
        "responses": {"201": {"description": "已添加", **target}, **answers},
    }}
    status = {**_object(sheets.PROJECTS)}
    status["properties"] = {**status["properties"],
                            "status": {"type": "string", "enum": ProjectStatus.labels()},
                            "stop_reason": _NULLABLE_TEXT, "approved_by": _NULLABLE_TEXT,
                            "approved_at": {"type": ["string", "null"], "format": "date-time"}}
    status["required"] = [*status["required"], "stop_reason", "approved_by", "approved_at"]
    schemas["project_status"] = status
    paths["/api/v1/projects/{project_code}/status"] = {"post": {
        "summary": "项目状态的一步:审定列入计划(计划)、开始实施(实施)、完工、终止(须填写原因)。"
                   "审定和终止:管理员、财政局;实施和完工:也可由本单位项目负责人",
        "parameters": [code],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "status": {"type": "string", "enum": ProjectStatus.labels(),
                           "description": "新的项目状态"},
                "reason": {**_NULLABLE_TEXT, "description": "终止原因(终止时必填)"},
            },
            "required": ["status"]}}}},
        "responses": {
            "200": {"description": "项目", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/project_status"}}}},
            "401": _err("未登录"), "403": _err("无权"), "404": _err("项目不存在"),
            "409": _err("状态不能这样变更(如储备不能直接实施;审定须先填写绩效目标)"),
            "422": _err("输入无效(如终止未填写原因)"),
        },
    }}
    from ..enums import AssetClass

    handover_props = {
        "name": {"type": "string", "description": "资产名称"},
        "asset_class": {"type": "string", "enum": AssetClass.labels(), "description": "资产类别"},
        "owner": {"type": "string", "description": "产权归属(接收单位)"},
        "maintainer": {"type": "string", "description": "管护主体"},
        "caretaker": {**_NULLABLE_TEXT, "description": "管护责任人"},
        "handed_over_on": {"type": "string", "format": "date", "description": "移交日期"},
        "document_no": {**_NULLABLE_TEXT, "description": "移交文号"},
    }
    schemas["asset_handover"] = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "project_code": {"type": "string"},
                       **handover_props,
                       "value": {"type": "string", "pattern": r"^-?\d+\.\d{2}$",
                                 "description": "资产价值(元)"}},
        "required": ["id", "project_code", "name", "asset_class", "value", "owner",
                     "maintainer", "caretaker", "handed_over_on", "document_no"],
    }
    paths["/api/v1/projects/{project_code}/assets"] = {"post": {
        "summary": "登记报账后移交的一项资产(管理员、财政局、本单位项目负责人)",
        "parameters": [code],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {**handover_props,
                           "value": {"type": ["string", "number", "null"],
                                     "description": "资产价值(元),默认为项目已支出"}},
            "required": ["name", "asset_class", "owner", "maintainer", "handed_over_on"]}}}},
        "responses": {
            "201": {"description": "已登记", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/asset_handover"}}}},
            "401": _err("未登录"), "403": _err("无权"), "404": _err("项目不存在"),
            "409": _err("项目尚未报账"), "422": _err("输入无效"),
        },
    }}
    paths["/api/v1/projects/{project_code}/targets/{target_id}"] = {"put": {
        "summary": "填写绩效目标的实际值、是否达成、未达成原因(项目实施或完工后)",
        "parameters": [code, {"name": "target_id", "in": "path", "required": True,
                              "schema": {"type": "integer"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "actual": {"type": "string", "description": "实际值"},
                "met": {**_YES_NO, "description": "是否达成"},
                "gap_reason": {**_NULLABLE_TEXT, "description": "未达成原因(未达成时必填)"},
            },
            "required": ["actual", "met"]}}}},
        "responses": {"200": {"description": "绩效目标", **target}, **answers},
    }}


def _attachment_paths(paths: dict, schemas: dict) -> None:
    """POST /api/v1/attachments and GET /api/v1/attachments/{id} (报账要件)."""
    from ..attachments.models import DocumentKind

    schemas["attachment"] = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "size": {"type": "integer", "description": "字节数"},
            "filename": {"type": "string", "description": "上传时的文件名(仅用于显示)"},
            "kind": {"type": "string", "enum": DocumentKind.labels(), "description": "要件类型"},
            "owner": {"type": "string", "description": "所属"},
        },
        "required": ["id", "sha256", "size", "filename", "kind", "owner"],
    }
    paths["/api/v1/attachments"] = {"post": {
        "summary": "上传附件(资金渠道、支出:财政局资金股、管理员;项目:本单位项目负责人、"
                   "财政局资金股、管理员;整改事项:可补充整改证据者)",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file", "owner", "kind"], "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "PDF、JPEG、PNG、OFD、XLSX 或 DOCX,按内容识别类型"},
                "owner": {"type": "string", "pattern": "^(project|disbursement|source|finding):.+$",
                          "description": "project:项目编号、disbursement:凭证号、source:渠道编号、"
                                         "finding:整改编号"},
                "kind": {"type": "string", "enum": DocumentKind.labels()},
                "supersedes": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1,
                               "description": "被替换的同一所属的附件编号"},
            }}}}},
        "responses": {
            "201": {"description": "已保存的附件", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/attachment"}}}},
            "401": _err("未登录"), "403": _err("无权"), "413": _err("上传内容过大"),
            "422": _err("输入无效(所属、要件类型、文件类型或大小)"),
        },
    }}
    paths["/api/v1/attachments/{id}"] = {"get": {
        "summary": "下载附件(领导督查以外的已登录角色);先按 SHA-256 校验",
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0,
                                   "maximum": 2**31 - 1}}],
        "responses": {
            "200": {"description": "文件内容", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}},
            "401": _err("未登录"), "403": _err("无权"), "404": _err("附件不存在"),
            "409": _err("文件与上传时的 SHA-256 不符或已丢失(已记入修改记录)"),
        },
    }}


def _bundle_paths(paths: dict, schemas: dict) -> None:
    """GET …/documents.zip: a payment's or a project's documents (要件包)."""
    answers = {
        "200": {"description": "ZIP:各文件、清单.csv 与 SHA256SUMS",
                "content": {"application/zip": {"schema": {"type": "string",
                                                           "format": "binary"}}}},
        "401": _err("未登录"), "403": _err("无权"),
        "409": _err("有文件与上传时的 SHA-256 不符或已丢失(已记入修改记录)"),
    }
    text = {"type": "string", "minLength": 1}
    paths["/api/v1/disbursements/{voucher_no}/documents.zip"] = {"get": {
        "summary": "一笔支出的要件包(领导督查以外的已登录角色)",
        "parameters": [{"name": "voucher_no", "in": "path", "required": True,
                        "schema": text, "description": "凭证号"}],
        "responses": {**answers, "404": _err("支出不存在")},
    }}
    paths["/api/v1/projects/{project_code}/documents.zip"] = {"get": {
        "summary": "一个项目的要件包:项目、其各笔支出与整改事项的附件,按所属分文件夹"
                   "(领导督查以外的已登录角色)",
        "parameters": [{"name": "project_code", "in": "path", "required": True,
                        "schema": text, "description": "项目编号"}],
        "responses": {**answers, "404": _err("项目不存在")},
    }}


def _warnings_path(paths: dict, schemas: dict) -> None:
    """GET /api/v1/warnings (预警)."""
    from ..warnings.report import SORTS
    from ..warnings.rules import RULES, Level

    nullable = {"type": ["string", "null"]}
    schemas["warning"] = {
        "type": "object",
        "properties": {
            "level": {"type": "string", "enum": Level.labels(), "description": "预警等级"},
            "rule": {"type": "string", "enum": [r.code for r in RULES]},
            "rule_label": {"type": "string", "description": "预警类型"},
            "project_code": nullable, "project_name": nullable, "unit": nullable,
            "source_code": nullable, "source_name": nullable,
            "finding_id": {"type": ["integer", "null"], "description": "整改事项编号"},
            "reason": {"type": "string", "description": "预警说明(含依据数字)"},
            "days": {"type": ["integer", "null"]},
            "amount": {"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$"},
            "link": {"type": "string", "description": "相关页面"},
        },
        "required": ["level", "rule", "rule_label", "project_code", "project_name", "unit",
                     "source_code", "source_name", "finding_id", "reason", "days", "amount",
                     "link"],
    }
    counts = {"type": "object", "properties": {lv.value: {"type": "integer"} for lv in Level},
              "required": [lv.value for lv in Level]}
    paths["/api/v1/warnings"] = {"get": {
        "summary": "预警(截至某日)",
        "parameters": _FILTERS + _PAGING + [
            {"name": "level", "in": "query", "description": "预警等级",
             "schema": {"type": "string", "enum": [lv.value for lv in Level] + Level.labels()}},
            {"name": "sort", "in": "query",
             "schema": {"type": "string",
                        "enum": ["", *SORTS, *(f"-{key}" for key in SORTS)]},
             "description": "排序:level、rule、project_code、unit、source_code、days、amount,"
                            "前加 - 为降序"},
        ],
        "responses": {
            "200": {"description": "预警", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "region": {"type": "string"},
                    "as_of": {"type": "string", "format": "date"},
                    "counts": counts,
                    "rows": {"type": "array", "items": {"$ref": "#/components/schemas/warning"}},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "count": {"type": "integer"},
                },
                "required": ["region", "as_of", "counts", "rows"]}}}},
            "401": _err("未登录"),
            "422": _err("参数无效"),
        },
    }}


@bp.get("/openapi.json")
@public
def openapi_json():
    return jsonify(spec())

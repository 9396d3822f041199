"""GET /v1/parameters[/{id}] and /v1/parameters.csv: every figure the policies state, dated and cited."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Page

from bingpin.api.catalog.data import find_parameter, parameter_data, parameters_data
from bingpin.api.open_data import PagedBlueprint, not_found
from bingpin.api.schemas.parameters import ParameterDateArgsSchema, ParameterQueryArgsSchema, ParameterSchema

blp = PagedBlueprint(
    "parameters",
    __name__,
    url_prefix="/v1",
    description="参数：政策规定的每个数额和比例，含单位、分时段取值、是否为下限和条款依据。",
)

CSV_COLUMNS = (
    "id",
    "policy",
    "jurisdiction_code",
    "jurisdiction_name",
    "key",
    "description",
    "unit",
    "value",
    "start",
    "end",
    "floor",
    "comparator",
    "kind",
    "calculation",
    "clause",
    "quote",
)


@blp.route("/parameters")
@blp.etag
class Parameters(MethodView):
    @blp.arguments(ParameterQueryArgsSchema, location="query")
    @blp.response(200, ParameterSchema(many=True))
    @blp.paginate(Page, page_size=50)
    def get(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        """列出参数及其分时段取值；?date= 只列该日有效的取值，?policy= 只列一项政策的参数"""
        return parameters_data(args.get("policy"), args.get("date"))


@blp.route("/parameters/<string:parameter_id>")
@blp.etag
class ParametersById(MethodView):
    @blp.arguments(ParameterDateArgsSchema, location="query")
    @blp.response(200, ParameterSchema)
    def get(self, args: dict[str, Any], parameter_id: str) -> dict[str, Any]:
        """一个参数（id 为 <政策 id>:<参数键>）"""
        found = find_parameter(parameter_id)
        if found is None:
            not_found(f"未知参数 {parameter_id} / unknown parameter")
        return parameter_data(*found, args.get("date"))


def csv_text(rows: list[dict[str, Any]]) -> str:
    """One line per dated value; UTF-8 with a byte-order mark so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in rows:
        for v in p["values"]:
            writer.writerow(
                [
                    p["id"],
                    p["policy"],
                    p["jurisdiction"]["code"],
                    p["jurisdiction"]["name"],
                    p["key"],
                    p["description"],
                    p["unit"],
                    "" if v["value"] is None else v["value"],
                    v["start"].isoformat(),
                    v["end"].isoformat() if v["end"] else "",
                    "true" if p["floor"] else "false",
                    p["comparator"] or "",
                    p["kind"] or "",
                    p["calculation"] or "",
                    p["citation"]["clause"],
                    p["citation"]["quote"],
                ]
            )
    return out.getvalue()


@blp.route("/parameters.csv")
class ParametersCsv(MethodView):
    @blp.arguments(ParameterQueryArgsSchema, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "CSV（UTF-8，带 BOM）：每行一个分时段取值；列为 " + "、".join(CSV_COLUMNS),
                "headers": {"ETag": {"description": "按内容计算的标签", "schema": {"type": "string"}}},
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            "304": {"description": "Not Modified（If-None-Match 与 ETag 相同）"},
        }
    )
    def get(self, args: dict[str, Any]) -> Response:
        """以 CSV 下载全部参数（可用 ?date=、?policy= 筛选）"""
        text = csv_text(parameters_data(args.get("policy"), args.get("date")))
        return Response(
            text,
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="bingpin-parameters.csv"'},
        )

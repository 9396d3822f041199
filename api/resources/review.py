"""GET /review: the review page for legal staff, and its script and style sheet (no CDN)."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app

from bingpin.api.catalog.results import load_results, report_path
from bingpin.api.review import render_page

#: The page is HTML for people, not part of the JSON API: a plain Flask blueprint, like /docs.
page = FlaskBlueprint("review", __name__, static_folder="../static", static_url_path="/review/assets")


@page.route("/review")
@page.route("/review/")
def review() -> Response:
    """Clauses beside their scenarios, review states, the last conformance result and ambiguities.

    The conformance report is read from ``CONFORMANCE_REPORT`` (app config), else
    ``$BINGPIN_CONFORMANCE_REPORT``, else reports/conformance/report.json."""
    results = load_results(report_path(current_app.config.get("CONFORMANCE_REPORT")))
    return Response(render_page(results), mimetype="text/html")

"""GET /review: the review page for legal staff, and its script and style sheet (no CDN)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import Response, abort, current_app

from bingpin.api.catalog.data import by_id
from bingpin.api.catalog.results import load_results, report_path
from bingpin.api.dossier import render_dossier
from bingpin.api.open_data import public_path
from bingpin.api.review import render_page, served_dossier

#: The page is HTML for people, not part of the JSON API: a plain Flask blueprint, like /docs.
page = FlaskBlueprint("review", __name__, static_folder="../static", static_url_path="/review/assets")

#: Reports whose page is kept, by path: the page is rendered again only when the report changes.
MAX_CACHED = 16
_pages: dict[tuple[Path, str | None, str], tuple[tuple[int, int, int] | None, bytes]] = {}


def _fingerprint(path: Path) -> tuple[int, int, int] | None:
    """What changes when the report is rewritten (``None``: no report there)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def page_for(path: Path, policy_id: str | None = None) -> bytes:
    """The page (or one policy's dossier) with the statuses of the report at ``path``, read and
    rendered once per version of it."""
    fingerprint = _fingerprint(path)
    root = public_path("")  # where the service is reached (its pages link under it)
    key = (path, policy_id, root)
    cached = _pages.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    results = load_results(path)
    assets = f"{root}/review/assets/"
    if policy_id is None:
        rendered = render_page(results, assets=assets, dossier_href=lambda policy: root + served_dossier(policy))
    else:
        rendered = render_dossier(policy_id, results, assets=assets)
    html = rendered.encode("utf-8")
    if key not in _pages and len(_pages) >= MAX_CACHED:
        _pages.pop(next(iter(_pages)))
    _pages[key] = (fingerprint, html)
    return html


@page.route("/review")
@page.route("/review/")
def review() -> Response:
    """Clauses beside their scenarios, review states, the last conformance result and ambiguities.

    The conformance report is read from ``CONFORMANCE_REPORT`` (app config), else
    ``$BINGPIN_CONFORMANCE_REPORT``, else reports/conformance/report.json; a report that cannot be
    read, or is not in the shape ``bingpin conformance`` writes, is named on the page with the reason."""
    return Response(page_for(report_path(current_app.config.get("CONFORMANCE_REPORT"))), mimetype="text/html")


@page.route("/review/<policy_id>/dossier")
def dossier(policy_id: str) -> Response:
    """One policy's dossier for 会签: print-ready (A4), clause by clause, with a sign-off block."""
    if policy_id not in by_id():
        abort(404)
    report = report_path(current_app.config.get("CONFORMANCE_REPORT"))
    return Response(page_for(report, policy_id), mimetype="text/html")

"""The ``bingpin`` command: ``serve`` (gunicorn), ``openapi`` (write or check the spec), ``conformance``
(run the suite), ``review`` (write the review page as static HTML) and ``audit`` (run the policy
over a file of records: bingpin.api.audit)."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata
from pathlib import Path

SPEC_PATH = Path("openapi/openapi.json")


def spec_text() -> str:
    """The OpenAPI document of the app, as committed in openapi/openapi.json: the same wherever a
    deployment is reached (``BINGPIN_PUBLIC_BASE_URL`` goes into the served document only)."""
    from bingpin.api import create_app

    app = create_app({"PUBLIC_BASE_URL": ""})
    with app.test_request_context():
        spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _openapi(args: argparse.Namespace) -> int:
    text = spec_text()
    path = Path(args.output)
    if args.check:
        if not path.is_file():
            print(
                f"there is no {path} here to check: run `bingpin openapi --check` from the root of a checkout, "
                "or give --output PATH; the installed service serves its spec at /openapi.json",
                file=sys.stderr,
            )
            return 2
        if path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run `bingpin openapi` and commit it", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


def port_number(text: str) -> int:
    """``--port``: a TCP port, 1 to 65535."""
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(text)
    return port


port_number.__name__ = "port"  # argparse says "invalid port value: '70000'"


def worker_count(text: str) -> int:
    """``--workers``: at least one (0 used to start the default number, -3 to fail in gunicorn)."""
    count = int(text)
    if count < 1:
        raise ValueError(text)
    return count


worker_count.__name__ = "worker count"  # argparse says "invalid worker count value: '0'"


def _serve(args: argparse.Namespace) -> int:
    from bingpin.api.serving import AddressError, serve

    try:
        serve(
            host=args.host,
            port=args.port,
            workers=args.workers,
            header_timeout=args.header_timeout,
            timeout=args.timeout,
        )
    except AddressError as error:
        print(f"bingpin serve: {error}", file=sys.stderr)
        return 2
    return 0


def _conformance(argv: list[str]) -> int:
    from bingpin.features.conformance.cli import main as conformance_main

    return conformance_main(argv)


def _review_status(args: argparse.Namespace) -> int:
    from bingpin.api.catalog.data import by_id
    from bingpin.api.review_status import EXIT_USAGE, status

    if args.policy is not None and args.policy not in by_id():
        print(f"bingpin review status: unknown policy {args.policy!r}; known: {', '.join(by_id())}", file=sys.stderr)
        return EXIT_USAGE
    return status(args.policy, args.strict)


def _review_check(args: argparse.Namespace) -> int:
    from bingpin.api.review_status import check

    return check(args.file)


def _review(args: argparse.Namespace) -> int:
    from bingpin.api.catalog.results import load_results, report_path
    from bingpin.api.catalog.reviews import ReviewFileError
    from bingpin.api.review import write_site

    if not args.output:
        print("bingpin review: give --output DIR (the page), or a command: status, check", file=sys.stderr)
        return 2
    output = Path(args.output)
    report = report_path(args.report)
    if args.run_conformance:
        report = output / "conformance" / "report.json"
        status = _conformance(["--report", str(report.parent)])
        if status not in (0, 1):
            print("the conformance run did not produce a report", file=sys.stderr)
            return status
    try:
        index = write_site(output, load_results(report))
    except ReviewFileError as exc:
        print(f"bingpin review: 审核记录无法读取 / cannot read the review records: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {index}")
    return 0


def version_text() -> str:
    """``bingpin 4.0.0 (suite 3.0.0)``: the installed distribution and the suite it ships."""
    from bingpin.features.conformance.suite import version as suite_version

    try:
        installed = metadata.version("bingpin")
    except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
        from bingpin.api import VERSION as installed
    return f"bingpin {installed} (suite {suite_version()})"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["conformance"]:
        return _conformance(argv[1:])
    parser = argparse.ArgumentParser(prog="bingpin", description="病贫 Bingpin reference service")
    parser.add_argument("--version", action="version", version=version_text())
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API with gunicorn")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every interface)",
    )
    serve.add_argument("--port", type=port_number, default=8000, help="TCP port to listen on (default 8000)")
    serve.add_argument(
        "--workers",
        type=worker_count,
        default=None,
        help="worker processes (gevent workers; default: CPU cores + 1, at most 8)",
    )
    serve.add_argument(
        "--header-timeout",
        type=int,
        default=5,
        help="seconds a client has to send a request's line and headers, or to start its next request (default 5)",
    )
    serve.add_argument(
        "--timeout",
        type=int,
        default=30,
        help="seconds a request may wait on its client (body, answer) and a worker may stay silent (default 30)",
    )
    serve.set_defaults(run=_serve)
    openapi = commands.add_parser("openapi", help="write (or --check) openapi/openapi.json")
    openapi.add_argument(
        "--output",
        default=str(SPEC_PATH),
        help=f"the file to write or check (default {SPEC_PATH}, relative to the current directory)",
    )
    openapi.add_argument("--check", action="store_true", help="fail if the file differs from the code")
    openapi.set_defaults(run=_openapi)
    commands.add_parser(
        "conformance", help="run the acceptance suite against a service (see: bingpin conformance --help)"
    )
    review = commands.add_parser(
        "review",
        help="the review page for legal staff as static HTML (--output), or the review records (status, check)",
        description="bingpin review --output DIR writes the review page; bingpin review status prints the legal "
        "review status; bingpin review check FILE reads a review file the page exported",
    )
    review.add_argument("--output", help="directory for index.html, the dossiers and their assets")
    review.add_argument(
        "--report",
        default=None,
        help="report.json to show (default: $BINGPIN_CONFORMANCE_REPORT or reports/conformance/report.json)",
    )
    review.add_argument(
        "--run-conformance",
        action="store_true",
        help="first run the suite against the built-in service and show that result",
    )
    review.set_defaults(run=_review)
    records = review.add_subparsers(dest="records", metavar="{status,check}")
    status = records.add_parser(
        "status", help="per policy and clause, how many scenarios are 拟定, 已审核, 有异议 or 需复核"
    )
    status.add_argument("--policy", default=None, help="one policy id (default: every policy)")
    status.add_argument(
        "--strict", action="store_true", help="exit 1 when any verdict is 有异议 (disputed) or 需复核 (stale)"
    )
    status.set_defaults(run=_review_status)
    check = records.add_parser("check", help="read a review file exported by the review page, as the service would")
    check.add_argument("file", type=Path, help="the exported review file (.yaml)")
    check.set_defaults(run=_review_check)
    from bingpin.api.audit.cli import add_parser as add_audit

    add_audit(commands)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())

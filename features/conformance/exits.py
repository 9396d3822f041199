"""The exit codes of ``bingpin conformance`` (``os.EX_*`` where one fits), shared by the command
line, the runner and the steps; documented in --help and docs/vendors.md."""

from __future__ import annotations

EXIT_CONFORMANT = 0  # every selected @core scenario passed or is waived; diff: no regression
EXIT_NOT_CONFORMANT = 1  # a selected @core scenario failed; diff: a regression
EXIT_USAGE = 2  # a bad option, waiver file, selection or report directory (argparse uses 2 too)
EXIT_INCOMPLETE = 3  # diff: NEW did not run scenarios that OLD ran (without --allow-missing)
EXIT_UNAVAILABLE = 69  # os.EX_UNAVAILABLE: the service did not answer, before or during the run
EXIT_SOFTWARE = 70  # os.EX_SOFTWARE: the suite could not be collected, or the runner failed
EXIT_INTERRUPTED = 130  # 128 + SIGINT: stopped before the end; no report written
EXIT_HANGUP = 129  # 128 + SIGHUP: the terminal went away; no report written
EXIT_TERMINATED = 143  # 128 + SIGTERM: stopped (kill, CI cancel, container stop); no report written

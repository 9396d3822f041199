"""``bingpin conformance``: the step machinery built from ``grammar.yaml``, the HTTP client the
steps use, the pytest plugin that runs and records the scenarios, the reports and the diff."""

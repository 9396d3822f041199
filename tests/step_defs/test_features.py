"""Every feature file under features/ runs here, through the HTTP client."""

from pytest_bdd import scenarios

scenarios(".")

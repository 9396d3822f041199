"""Every feature file of the installed suite runs here, through the shipped steps and client."""

from bingpin.features.conformance.scenarios import *  # noqa: F403 - the scenarios as test functions

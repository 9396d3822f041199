"""Every feature file of the installed suite, as pytest-bdd scenarios (collected by the runner)."""

from pytest_bdd import scenarios

from bingpin.api.catalog.features import features_dir

scenarios(str(features_dir()))

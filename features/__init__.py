"""The acceptance suite: Chinese Gherkin per jurisdiction, the grammar its steps are built
from, and (in ``conformance``) the runner that judges a service by it."""

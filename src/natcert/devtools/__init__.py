"""Developer tooling (test runner); not used at run time."""

"""Development and test tooling that is not part of the application (fakes of external services)."""

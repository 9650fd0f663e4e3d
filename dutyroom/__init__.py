"""dutyroom — 应急值班系统."""

__version__ = "0.3.0"  # the same as pyproject.toml (a test checks); the bundle is named after it

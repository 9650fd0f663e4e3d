"""The error type of environment problems the user can act on (kept apart so that every store module can raise it
without importing the engine)."""

APP_NAME = "dutyroom"


class DatabaseError(RuntimeError):
    """An environment problem the user can act on; the message says what to do (Chinese / English)."""

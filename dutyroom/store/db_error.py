"""The error type of environment problems the user can act on (kept apart so that every store module can raise it
without importing the engine)."""

APP_NAME = "dutyroom"


class DatabaseError(RuntimeError):
    """An environment problem the user can act on; the message says what to do (Chinese / English)."""


# A multi-seat room's PostgreSQL server gone (stopped, network cut): what the driver says, in lower case.
SERVER_LOST_NEEDLES = ("connection to server", "server closed the connection", "terminating connection",
                       "connection is bad", "connection is lost", "connection refused", "could not connect",
                       "consuming input failed", "the connection is closed", "connection has been closed",
                       "ssl syscall error", "connection timed out", "timeout expired", "no route to host")
SERVER_LOST_ZH = ("与数据库服务器的连接已断开，本次操作未保存。请检查网络，或请管理员检查数据库服务器；"
                  "恢复后再保存即可，已输入的内容仍在窗口中。")
SERVER_LOST_EN = ("The connection to the database server is lost; this action was not saved. Check the network or "
                  "ask the administrator to check the database server, then save again: what you typed is still "
                  "in the window.")


def is_server_lost(exc: BaseException) -> bool:
    """A failure that means the database server cannot be reached (not a refusal, not a bug)."""
    if getattr(exc, "connection_invalidated", False):
        return True
    text = str(exc).lower()
    return any(n in text for n in SERVER_LOST_NEEDLES) and type(exc).__module__.split(".")[0] in (
        "sqlalchemy", "psycopg", "psycopg2")


class ServerLost(DatabaseError):
    """Raised without asking the server while it was lost a moment ago (store/database.py: no retry storm)."""

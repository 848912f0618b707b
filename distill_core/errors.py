"""The engine's two exceptions: DistillError (a problem a user can fix; the app and the CLI show its
message as is) and Cancelled (a run stopped on request)."""


class DistillError(Exception):
    """A clear, user-facing problem: bad input, a model that cannot be loaded, a full queue."""


class Cancelled(Exception):
    """Raised inside a loop when its cancel flag is set; the caller keeps what was saved."""


def first_line(exc: BaseException) -> str:
    """An exception's message in one line (its first), or its type's name when it has none."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def one_line(exc: BaseException) -> str:
    """"TypeName: first line of the message", for unexpected errors shown to a user without a traceback."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"

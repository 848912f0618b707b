"""One exception type for problems a user can fix; the app and the CLI show its message as is."""


class DistillError(Exception):
    """A clear, user-facing problem: bad input, a model that cannot be loaded, a full queue."""

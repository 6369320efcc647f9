"""Errors a component raises to tell the host what happened.

The names and constructors match the official Redpanda Connect SDK's
`redpanda_connect.errors`, so a ported plugin keeps raising the same things.
Each maps to the wire contract's `Error`: a plain `BaseError` (or any other
exception) is a failure with a message, `BackoffError` asks the host to wait
before retrying, `NotConnectedError` makes the host call `connect` again and
`EndOfInputError` ends an input.
"""

from datetime import timedelta

__all__ = ["BaseError", "BackoffError", "NotConnectedError", "EndOfInputError"]


class BaseError(Exception):
    """A failure the host should see, with a human-readable message."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BackoffError(BaseError):
    """The call failed; the host waits `duration` before trying again."""

    duration: timedelta

    def __init__(self, message: str, duration: timedelta) -> None:
        super().__init__(message)
        self.duration = duration


class NotConnectedError(BaseError):
    """The component lost (or never had) its connection; the host calls `connect` again."""

    def __init__(self, message: str = "Client is not connected to the server.") -> None:
        super().__init__(message)


class EndOfInputError(BaseError):
    """The input has nothing more to read; the host finishes the input."""

    def __init__(self, message: str = "End of input reached.") -> None:
        super().__init__(message)

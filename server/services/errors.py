"""Domain errors with a machine code and a message in Vietnamese and English.

Services raise ``ServiceError``; the web and socket layers turn it into a JSON error or
an ack in the caller's language. Messages are lazy gettext strings.
"""


class ServiceError(Exception):
    """A refusal the user can understand. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, code, message, status=None, **details):
        super().__init__(code)
        self.code = code
        self.message = message  # a lazy_gettext string, rendered in the request's language
        if status is not None:
            self.status = status
        self.details = details

    def to_dict(self):
        out = {"error": self.code, "message": str(self.message)}
        out.update(self.details)
        return out


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403

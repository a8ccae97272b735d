"""The one error services raise when a request is valid but the object's state does not allow it now
(approving a draft that is not in review, confirming an import that was already imported, merging accounts
whose rows collide). It is a Django ``ValidationError``, so pages that show a service's refusal as a message
keep working unchanged; the API answers it 409 Conflict (``finemanwest.api_errors``), not 400: the same
request may succeed once the state changes, and a client must not "fix" a body that was right."""

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    pass

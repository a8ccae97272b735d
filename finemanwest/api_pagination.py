from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    """Every list pages by an opaque cursor (``next`` / ``previous`` links).

    Unlike page numbers, a cursor does not skip or repeat rows when an import adds invoices while an
    integration is paging through them, and it never counts the whole collection (no ``COUNT(*)`` over
    100,000 invoices per page). The order is the view's ``ordering`` or ``?ordering=``; newest first by default.
    """

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """A page size that is not a whole number from 1 to ``max_page_size`` is a 400 (DRF would quietly
        answer 50 rows), as the schema says."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[0]
        if len(values) > 1 or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({"page_size": [f"A whole number from 1 to {self.max_page_size}."]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters

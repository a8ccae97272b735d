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

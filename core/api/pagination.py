from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination on an indexed ordering: no COUNT(*), stable under inserts.

    A view sets ``cursor_ordering`` (a tuple ending in a unique field) to page on its own index.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

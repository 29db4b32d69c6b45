"""Row links for long tables: reverse a URL once per page, not once per row.

A `{% url %}` tag costs a full reverse (resolver lookup, converters, quoting) each time; a roster
page of 100 youth with seven links a row spent a third of its rendering there (docs/performance.md,
Finding 5). `row_link("participant_edit", group.pk)` reverses once with a marker in the row's place
and returns a function that puts the row's id there.
"""

from collections.abc import Callable

from django.urls import reverse

# An id no row will have, digits only so that `<int:…>` converters accept it.
_MARK = "9081726354"


def row_link(viewname: str, *leading_args) -> Callable[[int], str]:
    """`link(pk)` == `reverse(viewname, args=[*leading_args, pk])`, for integer pks."""
    url = reverse(viewname, args=[*leading_args, int(_MARK)])
    head, found, tail = url.rpartition(_MARK)
    if not found or _MARK in head:
        raise ValueError(f"{viewname}: the row id must appear once in its URL")

    def link(pk: int) -> str:
        return f"{head}{int(pk)}{tail}"

    return link

"""A bad `_sort` or `_sort_desc` (a column that does not exist, or both at once) is the
client's mistake: answer 400 with Datasette's usual error page, not 0.65's 500."""

from datasette import hookimpl
from datasette.views.base import DatasetteError

SORT_ERRORS = ("Cannot sort table by ", "Cannot use _sort and _sort_desc")


@hookimpl(tryfirst=True)
def handle_exception(exception):
    if isinstance(exception, DatasetteError) and str(exception.message).startswith(SORT_ERRORS):
        exception.status = 400  # then Datasette's own handler renders it

"""The legal parameters in force, read from the `LegalParameter` table that directors maintain.

A page may ask for them several times (the home page's panels each compute deadlines): during a request, the
table is read once and the same rules are handed out; a write to the table forgets them. Outside a request (a
command, a task, a test calling a service) every call reads the table."""

from asgiref.local import Local
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save

from .legal import LegalParameterRow, LegalParameters
from .models import LegalParameter

# In the order of `LegalParameterRow`'s fields: the rows are built from plain tuples, about three times cheaper than
# model instances (the table has a couple of hundred rows and every page with a deadline or a rent reads it).
FIELDS = ("key", "territory", "value", "valid_from", "valid_to", "status", "rule", "source_url", "label")

_request = Local()


def legal_parameters() -> LegalParameters:
    """The whole table (about a hundred rows, one query per request), as the pure rules expect it."""
    if not getattr(_request, "active", False):
        return _read_table()
    params = getattr(_request, "params", None)
    if params is None:
        params = _request.params = _read_table()
    return params


def _read_table() -> LegalParameters:
    return LegalParameters(LegalParameterRow(*values) for values in LegalParameter.objects.values_list(*FIELDS))


def _request_starts(**kwargs):
    _request.active, _request.params = True, None


def _request_ends(**kwargs):
    _request.active, _request.params = False, None


def _table_written(**kwargs):
    _request.params = None


request_started.connect(_request_starts, dispatch_uid="legal_parameters_request_starts")
request_finished.connect(_request_ends, dispatch_uid="legal_parameters_request_ends")
post_save.connect(_table_written, sender=LegalParameter, dispatch_uid="legal_parameters_saved")
post_delete.connect(_table_written, sender=LegalParameter, dispatch_uid="legal_parameters_deleted")

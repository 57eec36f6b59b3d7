"""Deleting a whole demo state without loading it into memory.

Django's QuerySet.delete() loads every row and then looks up what refers to it, a batch of
rows at a time. That is right for a few rows, but it takes minutes for the full state's
375,000 users. delete_all() instead handles each kind of reference to the rows with one
statement for all of them, as the database's own ON DELETE rules would: CASCADE is followed,
SET_NULL is cleared, DO_NOTHING is left, and anything else (PROTECT, RESTRICT, SET_DEFAULT,
SET(...)) that still points at one of the rows stops the reset.

No delete signals are sent. The one that matters is simple_history's, which would write a
"deleted" history row for every made-up enrolment being removed.
"""

from typing import cast

from django.db import models
from django.db.models.deletion import get_candidate_relations_to_delete


class StillReferenced(Exception):
    """A row outside the demo refers to one about to be deleted, and must not lose it."""


def delete_all(queryset: models.QuerySet) -> int:
    """Delete the rows of queryset and, first, whatever cascades from them."""
    for relation in get_candidate_relations_to_delete(queryset.model._meta):
        field = cast(models.ForeignObjectRel, relation).field
        referring = field.model._base_manager.filter(**{f"{field.name}__in": queryset})
        on_delete = field.remote_field.on_delete
        if on_delete is models.DO_NOTHING or not referring.exists():
            continue  # (checking for rows first also ends a cascade that refers to itself)
        if on_delete is models.CASCADE:
            delete_all(referring)
        elif on_delete is models.SET_NULL:
            referring.update(**{field.name: None})
        else:
            raise StillReferenced(
                f"{referring.count():,} rows of {field.model._meta.label} still "
                f"refer to {queryset.model._meta.label} through {field.name}."
            )
    # The references are dealt with, so the rows can go in one statement; this is what
    # Django's own delete() does when nothing refers to a model.
    return queryset._raw_delete(queryset.db)

"""The change history of every work object, written in ONE place.

``save_form(form, user, area)`` saves a ModelForm and records a :class:`ChangeLog` entry with the
field values before and after; ``record(obj, user, area, kind, before)`` records any other change
(signing, publishing). ``state(obj)`` is the JSON-safe field values of an object.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.fields.files import FieldFile

from .models import ChangeLog


def _json(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, set)):
        return sorted(_json(v) for v in value)
    return str(value)


def state(obj) -> dict:
    """Field values of ``obj`` (foreign keys as their ids, many-to-many as sorted id lists)."""
    if obj is None or obj.pk is None:
        return {}
    out = {}
    for f in obj._meta.concrete_fields:
        if f.name in ("id", "created_at", "created_by"):
            continue
        out[f.name] = _json(f.value_from_object(obj))
    for f in obj._meta.many_to_many:
        out[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
    return out


def record(obj, user, area, kind, before: dict) -> ChangeLog:
    return ChangeLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, area=area, kind=kind,
        user=user if user and user.is_authenticated else None, before=before, after=state(obj),
    )


@transaction.atomic
def save_form(form, user, area):
    """Save ``form`` (a ModelForm, already valid) and log the change. Returns the saved object."""
    instance = form.instance
    before = state(type(instance).objects.get(pk=instance.pk)) if instance.pk else {}
    obj = form.save()
    record(obj, user, area, ChangeLog.Kind.CHANGED if before else ChangeLog.Kind.CREATED, before)
    return obj


def history_of(obj):
    return ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                    object_id=obj.pk).select_related("user")

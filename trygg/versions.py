"""Numbered versions ("v1, v2 …" per scope) that two simultaneous saves cannot both take.

The model carries a unique constraint on its scope and ``version``; :func:`save_as_next_version`
takes the highest version in the scope plus one and, when another save took that number in the
meantime (the constraint refuses the insert), tries the next one inside a savepoint.
"""

from django.db import IntegrityError, models, router, transaction

ATTEMPTS = 5


def next_version(scope: models.QuerySet) -> int:
    return (scope.aggregate(v=models.Max("version"))["v"] or 0) + 1


def save_as_next_version(instance, scope: models.QuerySet, save, *args, **kwargs) -> None:
    """Give a new ``instance`` the next version in ``scope`` and ``save()`` it (the model's
    ``super().save``); an existing one is saved as it is."""
    if instance.pk:
        save(*args, **kwargs)
        return
    using = kwargs.get("using") or router.db_for_write(type(instance), instance=instance)
    for attempt in range(ATTEMPTS):
        instance.version = next_version(scope)
        try:
            with transaction.atomic(using=using):
                save(*args, **kwargs)
            return
        except IntegrityError:
            instance.pk = None
            instance._state.adding = True
            if attempt == ATTEMPTS - 1 or not scope.filter(version=instance.version).exists():
                raise

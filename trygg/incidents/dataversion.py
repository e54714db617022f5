"""The data version: one number that goes up whenever the data behind any figure changes, so that
computed figures can be cached until then (``trygg.numbers.figure_cache``).

It goes up after every save or delete of an incident, import run, Brå statistic, theme, category, police
event type or Brå crime type and of any row of
the areas, surveys and work apps (signals, connected in ``IncidentsConfig.ready``) and after the bulk writes that send no
signals (imports' ``write_phase``, re-placing police events, synthetic demo rows: :func:`bump`).
Inside a transaction the bump waits for the commit and happens once per savepoint level however many rows changed; a
rolled-back transaction bumps nothing.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

WATCHED = ("incidents.Incident", "incidents.ImportRun", "incidents.CrimeStatistic",
           # figures hold the themes' and categories' labels and group categories by theme
           "incidents.Theme", "incidents.Category", "incidents.PoliceEventType",
           "incidents.BraCrimeType")
# every model of these apps: areas and population, and what the annual report shows besides the
# counts (survey results, the work cycle's actions, goals and promises)
WATCHED_APPS = ("areas", "surveys", "work")


def current(using: str = "default") -> int:
    """The data version now (0 before the first change)."""
    from .models import DataVersion

    return DataVersion.objects.using(using).filter(pk=1).values_list("number", flat=True).first() or 0


def _bump_now(using: str) -> None:
    from .models import DataVersion

    if not DataVersion.objects.using(using).filter(pk=1).update(number=F("number") + 1):
        DataVersion.objects.using(using).get_or_create(pk=1, defaults={"number": 1})


def bump(using: str = "default") -> None:
    """Raise the data version (after the commit of the current transaction, once per transaction)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_now(using)
        return
    here = set(connection.savepoint_ids)
    if any(sids == here and getattr(func, "trygg_data_version", False)
           for sids, func, *_rest in connection.run_on_commit):
        return  # already waiting for the commit (registered at this savepoint level)

    def after_commit():
        _bump_now(using)

    after_commit.trygg_data_version = True
    transaction.on_commit(after_commit, using=using)


def _changed(sender, using="default", **kwargs):
    if kwargs.get("raw"):
        return  # fixtures being loaded
    bump(using)


def _links_changed(sender, action, using="default", **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump(using)


def connect_signals() -> None:
    from django.apps import apps

    models = [apps.get_model(label) for label in WATCHED]
    models += [m for app in WATCHED_APPS if apps.is_installed(f"trygg.{app}")
               for m in apps.get_app_config(app).get_models()]
    for model in models:
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"trygg.dataversion.save.{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"trygg.dataversion.delete.{label}")
        for f in model._meta.many_to_many:
            m2m_changed.connect(_links_changed, sender=f.remote_field.through,
                                dispatch_uid=f"trygg.dataversion.m2m.{label}.{f.name}")

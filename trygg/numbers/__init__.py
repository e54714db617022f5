"""The numbers every page, export, report, the API and the CLI show, computed from the database:
no views, no models, no templates. ``picture``, ``work``, ``reports``, ``api`` and the CLI depend
on this package, never the other way round (``tests/test_import_graph.py``).

* :mod:`.queries` – THE aggregation queries (every count starts in ``queries.counted``);
* :mod:`.figures` – the situation picture's key figures (``compute_picture``, ``incident_counts``, …);
* :mod:`.params` – the picture's period, comparison and theme choices, and the data end;
* :mod:`.wording` – the sentences about changes and effects;
* :mod:`.followup` – goal indicators and action effect evaluations of the work cycle.

Statistics themselves are in the Django-free :mod:`trygg.analysis`.
"""

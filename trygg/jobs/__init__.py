"""Background jobs: long work (the annual report) built outside the web request, with its progress
shown on the page and its result kept until the data change.

A :class:`~trygg.jobs.models.Job` is one piece of work of a registered ``kind`` (``kinds.register``)
with JSON ``params``; the page that needs it enqueues it (:func:`trygg.jobs.queue.get_or_enqueue`:
never two identical jobs at once, a database constraint), and the job runner – the ``trygg
scheduler`` loop, ``trygg jobs work`` (which ``trygg serve`` starts beside gunicorn) or ``trygg
jobs run`` for one pass – takes it, reports progress on the row and stores the result with
Django's default storage. A result belongs to the data version it was built for
(``trygg.incidents.dataversion``): after an import or edit the next visit builds it again.
"""

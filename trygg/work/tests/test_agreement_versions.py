"""Agreement versions are unique per area and kind, also when two saves race; change history and
signatures point at objects by 64-bit keys."""

import datetime as dt
import threading
import unittest
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from trygg import versions
from trygg.areas.models import Area
from trygg.testing.personas import BaseTestCase
from trygg.work import models as m


class AgreementVersionTestCase(BaseTestCase):
    def agreement(self, area=None, kind="local"):
        return m.Agreement.objects.create(area=area or self.nordost, kind=kind, title="Avtal",
                                          start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))

    def test_two_saves_give_two_versions(self):
        first, second = self.agreement(), self.agreement()
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertEqual(self.agreement(kind="central").version, 1)  # its own count per kind
        self.assertEqual(self.agreement(area=self.centrum).version, 1)  # and per area

    def test_a_save_that_loses_the_race_takes_the_next_version(self):
        self.agreement()
        real = versions.next_version
        calls = iter([1])  # what a save that read the scope before the first one committed would take

        def stale_then_real(scope):
            return next(calls, None) or real(scope)

        with mock.patch.object(versions, "next_version", side_effect=stale_then_real) as patched:
            second = self.agreement()
        self.assertEqual(patched.call_count, 2)
        self.assertEqual(second.version, 2)
        self.assertEqual(sorted(m.Agreement.objects.values_list("version", flat=True)), [1, 2])

    def test_a_deleted_version_is_not_reused(self):
        self.agreement()
        second = self.agreement()
        m.Agreement.objects.filter(version=1).delete()
        self.assertEqual(self.agreement().version, second.version + 1)

    def test_the_database_refuses_a_duplicate_version(self):
        self.agreement()
        second = self.agreement()
        with self.assertRaises(IntegrityError), transaction.atomic():
            m.Agreement.objects.filter(pk=second.pk).update(version=1)

    def test_other_integrity_errors_are_not_retried(self):
        with mock.patch.object(versions, "next_version", wraps=versions.next_version) as patched:
            with self.assertRaises(IntegrityError), transaction.atomic():
                m.Agreement.objects.create(area=self.nordost, title="Avtal", start=dt.date(2026, 1, 1),
                                           end=None)
        self.assertEqual(patched.call_count, 1)

    def test_history_and_signatures_take_64_bit_keys(self):
        big = 2**40
        ct = ContentType.objects.get_for_model(m.Agreement)
        m.ChangeLog.objects.create(content_type=ct, object_id=big, area=self.nordost, kind="created")
        m.Signature.objects.create(content_type=ct, object_id=big, side="city", user=self.dina, role="r")
        self.assertEqual(m.ChangeLog.objects.get(object_id=big).object_id, big)
        self.assertEqual(m.Signature.objects.get(object_id=big).object_id, big)


@unittest.skipUnless(connection.vendor == "postgresql", "two concurrent transactions need PostgreSQL")
class ConcurrentAgreementsTestCase(TransactionTestCase):
    """Two requests save a new agreement of the same area and kind at the same moment: both read
    the scope before either inserts (a barrier holds them there), and both end up saved, as v1 and v2."""

    def test_two_simultaneous_saves_give_two_versions(self):
        nordost = Area.objects.create(code="1", name="Nordost", level="stadsomrade")
        real = versions.next_version
        barrier = threading.Barrier(2, timeout=20)
        first_read = threading.local()

        def read_together(scope):
            n = real(scope)
            if not getattr(first_read, "done", False):
                first_read.done = True
                barrier.wait()
            return n

        results, errors = [], []

        def save(title):
            try:
                with transaction.atomic():
                    a = m.Agreement.objects.create(area=nordost, title=title, start=dt.date(2026, 1, 1),
                                                   end=dt.date(2026, 12, 31))
                results.append(a.version)
            except Exception as exc:  # reported below, with the thread's own error
                errors.append(exc)
            finally:
                connection.close()

        with mock.patch.object(versions, "next_version", side_effect=read_together):
            threads = [threading.Thread(target=save, args=(f"Avtal {i}",)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(results), [1, 2])
        self.assertEqual(sorted(m.Agreement.objects.values_list("version", flat=True)), [1, 2])

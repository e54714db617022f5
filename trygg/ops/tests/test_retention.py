import datetime as dt

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from trygg.incidents.models import ImportRun, Incident, Placement
from trygg.picture.models import ExportLog
from trygg.testing.personas import BaseTestCase


class RetentionTestCase(BaseTestCase):
    def setUp(self):
        now = timezone.now()
        self.old, self.new = now - dt.timedelta(days=800), now - dt.timedelta(days=10)
        from trygg.areas.models import Area

        hjallbo = Area.objects.get(code="612")
        for i, when in enumerate((self.old, self.new)):
            Incident.objects.create(source="police", source_id=f"p{i}", occurred_at=when, date=when.date(),
                                    category="stold", theme="egendom", area=hjallbo, placement=Placement.TEXT,
                                    title="Stöld, Göteborg", summary="Stöld på Hjällbo torg.", url="https://polisen.se/x")
            Incident.objects.create(source="est", source_id=f"e{i}", occurred_at=when, date=when.date(),
                                    category="klotter", theme="ordning", area=hjallbo, placement=Placement.POINT,
                                    lon=11.965, lat=57.766, body="Klotter vid porten", place_text="Port 3")
        log = ExportLog.objects.create(area=hjallbo, what="x", file_format="csv", purpose="p", recipient="r")
        ExportLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - dt.timedelta(days=2000))

    def test_it_anonymises_what_is_past_and_keeps_the_figures(self):
        call_command("retention", stdout=open("/dev/null", "w"))
        old_police = Incident.objects.get(source_id="p0")
        assert (old_police.title, old_police.summary, old_police.url) == ("", "", "")
        assert old_police.category == "stold" and old_police.area.code == "612"  # still counted
        assert Incident.objects.get(source_id="p1").summary  # recent: untouched
        old_est = Incident.objects.get(source_id="e0")
        assert (old_est.body, old_est.place_text, old_est.lon, old_est.placement) == ("", "", None, "area")
        assert Incident.objects.get(source_id="e1").lon == 11.965
        assert not ExportLog.objects.exists()
        run = ImportRun.objects.get(source="retention")
        assert "police_text (>730 days): 1 anonymised" in run.message
        assert "export_log (>1095 days): 1 deleted" in run.message

    def test_dry_run_changes_nothing(self):
        call_command("retention", dry_run=True, stdout=open("/dev/null", "w"))
        assert Incident.objects.get(source_id="p0").summary
        assert ExportLog.objects.exists() and not ImportRun.objects.filter(source="retention").exists()

    @override_settings(TRYGG_RETENTION={"police_text": 0, "est_details": 0, "export_log": 0,
                                        "login_records": 0, "sessions": 0, "survey_comments": 0})
    def test_rules_can_be_switched_off(self):
        call_command("retention", stdout=open("/dev/null", "w"))
        assert Incident.objects.get(source_id="p0").summary and ExportLog.objects.exists()

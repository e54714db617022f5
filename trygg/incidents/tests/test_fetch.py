import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from trygg.incidents.models import Incident
from trygg.testing.personas import BaseTestCase

SAMPLE = (Path(__file__).parent / "data" / "police_events_sample.json").read_bytes()


class FakePolice(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        FakePolice.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(SAMPLE)

    def log_message(self, *args):
        pass


class FetchTestCase(BaseTestCase):
    def setUp(self):
        self.server = HTTPServer(("127.0.0.1", 0), FakePolice)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.shutdown)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/events"
        FakePolice.hits = 0

    @override_settings(TRYGG_POLICE_FETCH_MIN_INTERVAL=600)
    def test_it_fetches_once_and_honours_the_interval(self):
        call_command("fetch_police_events", url=self.url)
        self.assertEqual(Incident.objects.count(), len(json.loads(SAMPLE)))
        with self.assertRaisesMessage(CommandError, "minimum interval"):
            call_command("fetch_police_events", url=self.url)
        self.assertEqual(FakePolice.hits, 1)

    def test_it_rejects_bad_input(self):
        with self.assertRaisesMessage(CommandError, "request failed"):
            call_command("fetch_police_events", url="http://127.0.0.1:1/api/events", timeout=2)

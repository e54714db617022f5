"""An action's owner is one of the partnership's own organisations and people."""

from trygg.accounts.models import Membership, Organisation, Role
from trygg.testing.personas import BaseTestCase
from trygg.work.forms import ActionForm

from .world import make_cycle


class ActionOwnerTestCase(BaseTestCase):
    def setUp(self):
        make_cycle(self)

    def test_owner_choices_are_the_partnership(self):
        form = ActionForm(area=self.nordost, user=self.alice)
        orgs = set(form.fields["owner_organisation"].queryset.values_list("name", flat=True))
        self.assertIn("Stadsområde Nordost", orgs)
        self.assertNotIn("Stadsområde Centrum", orgs)  # another district's administration
        owners = set(form.fields["owner"].queryset.values_list("username", flat=True))
        self.assertIn("alice", owners)
        self.assertNotIn("lena", owners)  # read-only
        self.assertNotIn("rami", owners)  # reporter
        self.assertNotIn("carl", owners)  # Centrum

    def test_owner_must_work_for_the_chosen_organisation(self):
        other = Organisation.objects.create(name="Stadsområde Nordost – park", kind="city")
        Membership.objects.create(user=self.dina, organisation=other, role=Role.OMRADESDIREKTOR, area=self.nordost)
        data = {"title": "Belysning", "area": self.hjallbo.pk, "owner_organisation": self.so_nordost.pk,
                "owner": self.dina.pk, "start": "2025-01-01", "status": "planned"}
        self.assertTrue(ActionForm(data, area=self.nordost, user=self.alice).is_valid())
        data["owner_organisation"] = other.pk
        data["owner"] = self.alice.pk
        form = ActionForm(data, area=self.nordost, user=self.alice)
        self.assertFalse(form.is_valid())
        self.assertIn("owner", form.errors)

    def test_it_rejects_an_owner_outside_the_partnership(self):
        self.login("alice")
        data = {"title": "Belysning", "area": self.hjallbo.pk, "owner_organisation": self.so_centrum.pk,
                "owner": self.alice.pk, "start": "2025-01-01", "status": "planned"}
        r = self.client.post("/arbete/1/atgard/ny/", data)
        self.assertContains(r, 'data-field="owner_organisation"')
        data.update(owner_organisation=self.so_nordost.pk, owner=self.lena.pk)  # a read-only user
        r = self.client.post("/arbete/1/atgard/ny/", data)
        self.assertContains(r, 'data-field="owner"')
        data["owner"] = self.alice.pk
        self.assertEqual(self.client.post("/arbete/1/atgard/ny/", data).status_code, 302)

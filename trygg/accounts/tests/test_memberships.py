"""access.memberships: the public way for other apps to read a user's memberships."""

from trygg.accounts.access import memberships
from trygg.testing.personas import BaseTestCase


class MembershipsTestCase(BaseTestCase):
    def test_it_works(self):
        ms = memberships(self.alice)
        self.assertEqual([(m.role, m.area.code) for m in ms], [("trygghetssamordnare", "1")])
        self.assertEqual(ms[0].organisation.kind, "city")
        with self.assertNumQueries(0):  # cached on the user object, organisation and area loaded
            again = memberships(self.alice)
            self.assertEqual(again[0].organisation.name, ms[0].organisation.name)
            self.assertEqual(again[0].area.name, ms[0].area.name)

    def test_a_user_without_role_has_none(self):
        self.assertEqual(memberships(self.nils), [])
        self.assertEqual([m.area for m in memberships(self.ulla)], [self.goteborg])  # city-wide: her municipality

"""PointLocator: the finest area holding each point, loading a coarser level's outlines only when
some point lies outside the finer ones."""

from trygg.incidents.placement import PointLocator
from trygg.testing.personas import BaseTestCase


class PointLocatorTestCase(BaseTestCase):
    def test_it_loads_a_coarser_level_only_when_needed(self):
        locate = PointLocator(self.goteborg.code)
        # the basområden (none here), then the primärområden: their outlines and their areas, once
        with self.assertNumQueries(3):
            self.assertEqual(locate([11.965, 11.964], [57.77, 57.704]), [self.hjallbo, self.vallgraven])
        self.assertEqual(len(locate.levels), 1)
        with self.assertNumQueries(0):
            self.assertEqual(locate([11.966], [57.771]), [self.hjallbo])
        # a point in Nordost outside its mellanområde: the mellanområden, then the stadsområden
        self.assertEqual(locate([12.04, 11.965, 5.0], [57.81, 57.77, 5.0]), [self.nordost, self.hjallbo, None])
        self.assertEqual(len(locate.levels), 3)
        self.assertEqual(locate([], []), [])

    def test_it_places_nothing_without_the_municipality(self):
        locate = PointLocator("9999")
        self.assertEqual(locate([11.965], [57.77]), [None])

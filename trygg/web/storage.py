"""Static files with hashed names, compressed (WhiteNoise), for `trygg serve`.

The vendored libraries ship without their source maps, so the ``sourceMappingURL`` comments are
left as they are instead of failing the build (CSS ``url()`` references are still rewritten)."""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple((glob, tuple(p for p in pats if "sourceMappingURL" not in str(p)))
                     for glob, pats in HashedFilesMixin.patterns)

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files after `collectstatic` (which `crisisline serve` and `run` do);
    before it, as in the tests, the plain names, which the finders serve."""

    def url(self, name, force=False):
        if not self.manifest_storage.exists(self.manifest_name):
            return StaticFilesStorage.url(self, name)
        return super().url(name, force)

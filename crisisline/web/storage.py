from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files after `collectstatic` (which `crisisline serve` and `run` do);
    before it, as in the tests, plain names served by the finders instead of an error."""

    manifest_strict = False

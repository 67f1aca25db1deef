"""versus: a REST API serving a comparison dataset of disciplines, with provenance."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("versus")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

"""Settings for the progress bench's gunicorn: the application's own settings, with a URL module that adds
the baseline view. Used only by ``bench/progress_bench.py``; never part of the application."""

from enforcement.settings import *  # noqa: F403

ROOT_URLCONF = "baseline_urls"

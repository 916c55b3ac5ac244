"""The project package and the case core of the enforcement service center."""

from .celery import app as celery_app

__all__ = ("celery_app",)

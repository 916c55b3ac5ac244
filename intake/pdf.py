"""PDF versions of the notices: the core's renderer (``enforcement.pdf``), which every app shares."""

from enforcement.pdf import PdfUnavailable, html_to_pdf

__all__ = ["PdfUnavailable", "html_to_pdf"]

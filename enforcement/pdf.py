"""PDF documents the core issues (certificates), rendered by WeasyPrint from HTML templates.

The same renderer as the window's notices (``intake.pdf``, which the core cannot import): the Chinese text
is set in Noto Sans CJK SC (Debian's fonts-noto-cjk), which WeasyPrint embeds (subset) in the file.
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are not installed on this machine."""


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    content = HTML(string=html, base_url=base_url).write_pdf()
    if content is None:
        raise PdfUnavailable("WeasyPrint returned no document")
    return bytes(content)

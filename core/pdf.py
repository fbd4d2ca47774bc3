"""PDF documents from HTML pages, by WeasyPrint (the manifests of movements; situation reports).

A document's stylesheets and images are read from the project's static files, never fetched over
the network: the HTML holds names typed by people, and a renderer that followed any URL in it would
be a way to make the server reach other hosts (OWASP ASVS V12.3). A URL outside ``STATIC_URL`` is
refused.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders


class RefusedURL(ValueError):
    """The document named a resource that is not one of the project's static files."""


def _static_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that answers the project's static files and refuses anything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = urlsplit(urljoin(base_url, settings.STATIC_URL)).path

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            if not path.startswith(static_prefix) or ".." in path:
                raise RefusedURL(f"{url} is not a static file of the project")
            found = finders.find(path[len(static_prefix) :])
            if not found:
                raise RefusedURL(f"{url}: no such static file")
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnly()


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of ``html``; relative links resolve against ``base_url`` (a request's absolute URI
    of the page), and only static files are loaded."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_static_fetcher(base_url)).write_pdf()

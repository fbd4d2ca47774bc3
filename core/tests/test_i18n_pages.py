"""The main pages in Arabic stay within the standing weight limit (150 KB compressed, with their
assets cached and on a first visit) and read from the right."""

import gzip

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.test_pages import LIMIT, PAGES, _assets, _crisis_page, full_demo, movement_pages  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_main_page_in_arabic_weighs_less_than_150_kb_compressed(full_demo, client_for):  # noqa: F811
    heaviest = (0, None)
    for username, paths in PAGES.items():
        client = client_for(full_demo[username])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
        extra = _crisis_page(full_demo) if username in ("hq", "staff_lby") else []
        if username == "staff_lby":
            extra += movement_pages()
        for path in paths + extra:
            response = client.get(path)
            assert response.status_code == 200, (username, path)
            html = response.content.decode()
            assert '<html lang="ar" dir="rtl">' in html, (username, path)
            page = len(gzip.compress(response.content))
            assets = 0
            for asset in set(_assets(html)):
                with open(finders.find(asset), "rb") as handle:
                    assets += len(gzip.compress(handle.read()))
            assert page <= LIMIT, (username, path, page)
            assert page + assets <= LIMIT, (username, path, page, assets)
            heaviest = max(heaviest, (page + assets, path))
    print(f"heaviest Arabic page with its assets: {heaviest[1]}, {heaviest[0]} bytes compressed")

"""The addresses and header parts kept per process give what Django would work out each time."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.addresses import address, address_of
from core.templatetags.languages import language_options


@pytest.mark.parametrize("name", ["home", "caseload:migrant_list", "crises:list", "admin:index", "sitreps:list"])
def test_an_address_is_what_reverse_gives(name):
    assert address(name) == reverse(name)


@pytest.mark.parametrize("name", ["caseload:migrant_detail", "caseload:referral_detail", "movements:detail"])
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_an_address_with_a_key_is_what_reverse_gives(name, pk):
    assert address_of(name, pk) == reverse(name, args=[pk])


def test_the_script_prefix_is_part_of_what_is_kept():
    from django.urls import set_script_prefix

    set_script_prefix("/mcof/")
    try:
        assert address("home").startswith("/mcof/")
        assert address_of("caseload:migrant_detail", 7) == reverse("caseload:migrant_detail", args=[7])
    finally:
        set_script_prefix("/")
    assert address("home") == "/"


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_language_options_name_each_language_in_itself_with_the_current_one_selected(language):
    with translation.override(language):
        html = str(language_options())
    assert html.count("<option") == 4
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")):
        selected = " selected" if code == language else ""
        assert f'<option value="{code}" lang="{code}"{selected}>{name}</option>' in html

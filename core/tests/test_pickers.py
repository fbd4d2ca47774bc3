"""Country and language pickers: a name in (in the page's language or English, or a code), a code out."""

import pytest
from django import forms
from django.utils import translation

from core.languages import language_code, language_name
from core.pickers import CountryField, CountryListField, LanguageListField, datalists_html, label_picker_lists


class _Form(forms.Form):
    country = CountryField(label="Country")
    others = CountryListField(label="Other countries", inputs=2)
    languages = LanguageListField(label="Languages", inputs=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_picker_lists(self)


def _post(**values):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_names_in_the_page_language_become_codes(language):
    with translation.override(language):
        from core.countries import country_name

        egypt, sudan = country_name("EGY"), country_name("SDN")
        arabic, tigrinya = language_name("ar"), language_name("ti")
        form = _Form(_post(country=egypt, others=[sudan, "", "EGY"], languages=[arabic, tigrinya, "English"]))
        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"country": "EGY", "others": ["SDN", "EGY"], "languages": ["ar", "ti", "en"]}


def test_an_unknown_entry_is_an_error_naming_it_and_the_codes_show_as_names():
    form = _Form(_post(country="Atlantis", languages=["Arabic", "Elvish"]))
    assert not form.is_valid()
    assert "Atlantis" in form.errors["country"][0] and "Elvish" in form.errors["languages"][0]
    assert "others" not in form.errors
    shown = _Form(initial={"country": "EGY", "languages": ["ar", "prs"]})
    html = str(shown["languages"])
    assert 'value="Arabic"' in html and 'value="Dari"' in html and 'aria-label="Languages 2"' in html
    assert 'list="language-names"' in html and html.count("<input") == 3
    assert 'value="Egypt"' in str(shown["country"])


def test_languages_without_a_two_letter_code_keep_their_three_letters():
    assert language_code("Dari") == "prs" and language_code("ara") == "ar" and language_code("Klingon") is None


def test_the_datalists_name_each_country_and_language_once_in_the_page_language():
    with translation.override("fr"):
        html = datalists_html()
    assert html.count("<datalist") == 2
    assert '<option value="Égypte">' in html and '<option value="Arabe">' in html

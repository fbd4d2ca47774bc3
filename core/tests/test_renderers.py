"""The form renderer builds select boxes exactly as Django's templates do."""

from django import forms
from django.forms.renderers import DjangoTemplates

from core.countries import country_choices
from core.renderers import FormRenderer


class Choices(forms.Form):
    country = forms.ChoiceField(choices=[("", "---")] + country_choices(), required=False)
    grouped = forms.ChoiceField(
        choices=[("G<1>", [("x", "X <&>"), ("y", 'Y"')]), ("z", "Z")],
        widget=forms.Select(attrs={"aria-describedby": "help", "disabled": True, "hidden": False}),
    )
    several = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")])
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


def test_same_html_as_django_templates():
    form = Choices({"country": "EGY", "grouped": "y", "several": ["1", "2"], "radio": "a"})
    for name in ("country", "grouped", "several", "radio"):
        form.renderer = DjangoTemplates()
        expected = form[name].as_widget()
        form.renderer = FormRenderer()
        assert form[name].as_widget() == expected


def test_is_the_project_renderer():
    from django.conf import settings

    assert settings.FORM_RENDERER == "core.renderers.FormRenderer"

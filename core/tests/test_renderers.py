"""The form renderer builds select boxes exactly as Django's templates do."""

from django import forms
from django.forms.renderers import DjangoTemplates

from core.countries import country_choices
from core.renderers import FormRenderer
from core.widgets import FastSelect


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


class Fast(forms.Form):
    country = forms.ChoiceField(choices=[("", "---")] + country_choices(), widget=FastSelect)
    several = forms.MultipleChoiceField(
        choices=[("1", "one <b>"), ("2", 'two "2"'), (3, "three")],
        widget=type("FastSelectMultiple", (FastSelect,), {"allow_multiple_selected": True}),
        required=False,
    )
    grouped = forms.ChoiceField(choices=[("G", [("x", "X")]), ("z", "Z")], widget=FastSelect(attrs={"class": "c"}))


def test_fast_select_same_html_as_select():
    for data in ({"country": "EGY", "several": ["1", "3"], "grouped": "x"}, {}):
        form = Fast(data or None)
        for name in ("country", "several", "grouped"):
            bound = form[name]
            fast = bound.as_widget()
            widget = bound.field.widget
            plain = forms.SelectMultiple if widget.allow_multiple_selected else forms.Select
            bound.field.widget = plain(attrs=widget.attrs, choices=widget.choices)
            assert fast == form[name].as_widget(), name
            bound.field.widget = widget


class Inputs(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>', "autofocus": True}))
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "hidden": False}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    search = forms.CharField(widget=forms.SearchInput)


def test_inputs_same_html_as_django_templates():
    for data in (
        {"text": "Ahmed & <Aya>", "number": 7, "email": "a@b", "date": "2026-12-03", "hidden": "x", "password": '"p"'},
        {"text": "", "number": "not a number"},
        None,
    ):
        form = Inputs(data, initial={"search": "مريم"})
        for name in form.fields:
            form.renderer = DjangoTemplates()
            expected = form[name].as_widget()
            form.renderer = FormRenderer()
            assert form[name].as_widget() == expected, name

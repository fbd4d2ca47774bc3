"""What fuzzing the API found, fixed at the boundary: control characters refused in every text
input with a field error (core.text), exports coping with what was stored before, integers beyond
PostgreSQL's range answering 400, and unknown API paths answering the JSON error shape."""

from __future__ import annotations

import io

import pytest
from django import forms
from openpyxl import load_workbook
from rest_framework import serializers

from crises.tests.factories import CrisisFactory

pytestmark = pytest.mark.django_db

CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f"]


@pytest.mark.parametrize("char", CONTROL)
def test_every_text_field_refuses_control_characters(char):
    class AForm(forms.Form):
        name = forms.CharField()
        email = forms.EmailField(required=False)

    class ASerializer(serializers.Serializer):
        name = serializers.CharField()
        slug = serializers.SlugField(required=False)

    form = AForm({"name": f"a{char}b"})
    assert not form.is_valid() and "control characters" in form.errors["name"][0]
    data = ASerializer(data={"name": f"a{char}b"})
    assert not data.is_valid() and "control characters" in str(data.errors["name"][0])


def test_tab_and_line_breaks_stay_allowed():
    class AForm(forms.Form):
        note = forms.CharField()

    assert AForm({"note": "line one\r\nline two\tcolumn"}).is_valid()


@pytest.mark.parametrize("param", ["q", "crisis_type", "country"])
def test_a_query_with_a_nul_answers_400_naming_the_parameter(api_for, users, param):
    response = api_for(users["hq"]).get(f"/api/v1/crises/?{param}=a%00b")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert list(error["fields"]) == [param]


def test_a_crisis_named_with_a_control_character_is_refused(api_for, users):
    body = {"name": "Floods\x01", "crisis_type": "sudden_natural", "movement": "both", "country": "LBY"}
    response = api_for(users["staff_lby"]).post("/api/v1/crises/", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_a_figure_beyond_the_integer_range_answers_400_naming_it(api_for, users, demo):
    crisis = CrisisFactory(office=demo["offices"]["lby"], country="LBY")
    client = api_for(users["staff_lby"])
    body = {"group": "international_migrants", "figure": 2**31, "as_of": "2026-03-02", "source": "DTM"}
    response = client.post(f"/api/v1/crises/{crisis.pk}/figures/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["figure"]
    assert (
        client.post(f"/api/v1/crises/{crisis.pk}/figures/", {**body, "figure": 2**31 - 1}, format="json").status_code
        == 201
    )


def test_an_xlsx_export_copes_with_control_characters_already_stored(api_for, users):
    CrisisFactory(name="Stored before\x01the check")
    response = api_for(users["hq"]).get("/api/v1/exports/crises/?format=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row]
    assert "Stored before\ufffdthe check" in cells


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v2/crises/", "/api/v1/crises/1/nothing/"])
def test_an_unknown_api_path_answers_the_json_error_shape(api_for, users, client, path):
    for method in ("get", "post"):
        answer = getattr(api_for(users["hq"]), method)(path)
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/json")
        assert answer.json()["error"]["status"] == 404
    anonymous = client.get(path)
    assert anonymous.status_code in (401, 403)
    assert anonymous.json()["error"]["status"] == anonymous.status_code

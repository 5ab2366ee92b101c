"""`get_FOO_display()` through core.models.ChoiceLabels gives Django's own answer, in every language."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from guanjia.core.models import ChoiceLabels

CASES = [(model, field) for model in apps.get_models() if issubclass(model, ChoiceLabels)
         for field in model._meta.concrete_fields if field.choices]


def test_the_models_people_read_have_choices_read_this_way():
    names = {f"{model._meta.label}.{field.name}" for model, field in CASES}
    assert {"requests.Request.status", "enterprises.Enterprise.scale", "projects.Project.stage"} <= names


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize(("model", "field"), CASES, ids=lambda case: getattr(case, "name", str(case)))
def test_a_choice_reads_as_django_reads_it(model, field, language):
    obj = model()
    with translation.override(language):
        for value in [*(value for value, _label in field.flatchoices), "not-a-choice", None]:
            setattr(obj, field.attname, value)
            ours = getattr(obj, f"get_{field.name}_display")()
            assert ours == models.Model._get_FIELD_display(obj, field), (field, value)
            assert type(ours) is type(models.Model._get_FIELD_display(obj, field))

"""Every stored copy of a unit path is registered, so that a move rewrites it."""

from django.apps import apps

from loa.units import path_copies


def test_every_unit_path_column_of_the_project_is_registered():
    columns = {
        (model, field.name)
        for model in apps.get_models()
        if model.__module__.startswith("loa.")
        for field in model._meta.concrete_fields
        if field.name == "unit_path"
    }
    assert columns and columns <= set(path_copies.registered())


def test_registering_twice_keeps_one_copy():
    model, field = path_copies.registered()[0]
    path_copies.register(model, field)
    assert path_copies.registered().count((model, field)) == 1

"""`guanjia <command> --help` prints for every command of ours, in Chinese and in English."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

OURS = sorted((name, app) for name, app in get_commands().items() if app.startswith("guanjia."))


def test_the_project_has_commands():
    assert {"demo", "seed", "send_reminders", "load_holidays", "create_zone"} <= {name for name, _app in OURS}


@pytest.mark.parametrize(("language", "word"), [("zh-hans", "演示"), ("en", "demo")])
@pytest.mark.parametrize(("name", "app"), OURS, ids=[name for name, _app in OURS])
def test_help_prints(name, app, language, word):
    command = load_command_class(app, name)
    with translation.override(language):
        text = command.create_parser("guanjia", name).format_help()
    assert text.startswith(f"usage: guanjia {name}")
    if name == "demo":
        assert word in text  # the description is in the language of the run

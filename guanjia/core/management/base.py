"""What Guanjia's own management commands share."""

from django.core.management.base import BaseCommand


class LocalizedCommand(BaseCommand):
    """A command whose `help` is a lazy translation (`gettext_lazy`), read in the language active when run.

    argparse formats the description with `re`, which refuses Django's lazy strings: `--help` crashed
    with "expected string or bytes-like object, got '__proxy__'". The text is made a plain string
    just before the parser is built, in the language of that moment.
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

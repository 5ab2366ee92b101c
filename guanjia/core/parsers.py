"""The API's parsers (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

A module of its own: DRF reads the setting while `rest_framework.views` is imported, so a module
that imports DRF's views (as guanjia.core.api does) cannot hold a class the setting names.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering a body nested too deep for Python's decoder with a 400.

    Python's `json` raises RecursionError (not ValueError) at about a thousand nested arrays, which
    DRF lets through as a 500: a 2 KB body was enough, even on the token endpoint before sign-in.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON 嵌套层数过多。")) from None

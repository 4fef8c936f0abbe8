"""How the API picks the form of its answers."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


def _json_first(renderers):
    return sorted(renderers, key=lambda renderer: renderer.format != "json")


class JSONUnlessAsked(DefaultContentNegotiation):
    """The form the client asks for when the view has it, else JSON.

    DRF refuses an `Accept` header or a `?format=` the view cannot honour
    (406, 404). Apps and tools send such headers by default, and every one
    of them can read JSON, so the API answers JSON instead of refusing.
    """

    def filter_renderers(self, renderers, format):
        asked = [renderer for renderer in renderers if renderer.format == format]
        return asked or _json_first(renderers)

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            renderer = _json_first(renderers)[0]
            return renderer, renderer.media_type

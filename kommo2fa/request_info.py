"""Where a request came from, in the words security emails use."""

import ipaddress
import re

from django.conf import settings

_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("okhttp", "Android app"),
    ("CFNetwork", "iOS app"),
]
_SYSTEMS = [
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def client_ip(request) -> str | None:
    if request is None:
        return None
    candidate = ""
    header = settings.CLIENT_IP_HEADER
    if header:
        candidate = request.META.get(header, "").split(",")[0].strip()
    candidate = candidate or request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def describe_browser(agent: str) -> str:
    """A short, human name for a User-Agent string, e.g. "Firefox on Linux"."""
    if not agent:
        return "an unknown browser"
    browser = next((name for key, name in _BROWSERS if key in agent), None)
    system = next((name for key, name in _SYSTEMS if key in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    return re.sub(r"[^\w ./()-]", "", agent)[:60] or "an unknown browser"

"""Every URL pattern of the project, read from the URL configuration, with example arguments."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Values that match their converter but name no existing object.
EXAMPLES = {
    "int": "999999",
    "slug": "no-such-thing",
    "str": "no-such-thing",
    "path": "no/such/thing",
    "uuid": "00000000-0000-0000-0000-000000000000",
}
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<[^>]+>[^)]*\)")


def example_path(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAMETER.sub(lambda match: EXAMPLES.get(match["converter"] or "str", "1"), pattern._route)
    if isinstance(pattern, RegexPattern):
        # Admin URLs are regular expressions: fill the named groups, drop the anchors.
        regex = REGEX_GROUP.sub("1", pattern._regex)
        return regex.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "").replace("?", "")
    raise TypeError(f"Unknown URL pattern type: {pattern!r}")


def all_urls(resolver=None, prefix="/", namespace=""):
    """Yield (name, path) for every pattern; names carry their namespace ("advice:ask")."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_urls(entry, prefix + example_path(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.lookup_str}", prefix + example_path(entry.pattern)

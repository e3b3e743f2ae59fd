"""`{% same_for_everyone %}`: a part of the page shell rendered once per process and language.

Every signed-in page repeats the same head, header and footer: static file addresses, the home
address and translated labels, some twenty tags that cost a page about as much as the floor's own
work (docs/performance.md). Between `{% same_for_everyone %}` and `{% endsame_for_everyone %}` the
template may hold only what cannot differ between two requests in one language: text, `{% translate
"…" %}` of a literal, `{% static "…" %}` and `{% url "…" %}` without arguments, comments and
`{% load %}`. Anything else (a variable, an `if`, a tag of a person's state) is refused when the
template is compiled, so a person's data can never end up in the kept HTML. The part is rendered
without the request's context and kept on its node (as long as the compiled template lives) under
the active language and the script prefix; after a changed setting (tests) it is rendered anew.
"""

from django import template
from django.template import Context
from django.template.defaulttags import URLNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils.translation import get_language

from config import template_loader

register = template.Library()


def _same_for_everyone(node) -> bool:
    # Text, comments, loads and translations of a literal: what the template loader folds too.
    if template_loader.fixed(node):
        return not (isinstance(node, TranslateNode) and node.noop)
    if isinstance(node, StaticNode):
        return node.varname is None and template_loader.literal(node.path)
    if isinstance(node, URLNode):
        return node.asvar is None and not node.args and not node.kwargs and template_loader.literal(node.view_name)
    return False


class SameForEveryoneNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        # Kept on the node, which lives as long as its compiled template: a template dropped and another
        # made in its place can never share an entry.
        self.rendered: dict[tuple, str] = {}

    def render(self, context):
        key = (template_loader.settings_generation(), get_language(), get_script_prefix())
        html = self.rendered.get(key)
        if html is None:
            # An empty context: no request, no person. What the guard lets through needs neither.
            html = self.rendered[key] = self.nodelist.render(Context(autoescape=context.autoescape))
        return html


@register.tag("same_for_everyone")
def same_for_everyone(parser, token):
    nodelist = parser.parse(("endsame_for_everyone",))
    parser.delete_first_token()
    for node in nodelist:
        if not _same_for_everyone(node):
            raise template.TemplateSyntaxError(
                "{% same_for_everyone %} holds only text, {% translate %} of a literal, {% static %} and "
                f"{{% url %}} without arguments; not {node!r}."
            )
    return SameForEveryoneNode(nodelist)

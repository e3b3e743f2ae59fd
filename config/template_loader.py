"""The template loader: Django's cached loader, with the fixed wording of each template written once.

A page's template holds dozens of `{% translate "…" %}` of a literal between runs of plain HTML: the
table headings, labels and explanations of the team and compliance pages. Each costs a lookup in the
catalogue on every request, though its text can only differ by language. When a template is
compiled, each run of adjacent text, comments, `{% load %}` and `{% translate %}` of a literal (no
variable, filter or `as`) with at least one translation in it becomes one node that writes the run
once per language and then serves that text (docs/performance.md, "Dates, an index, the badge with
the person, and a template's fixed wording").

Nothing in such a run can depend on the request or the person: the same rule as `{% same_for_everyone
%}` (config/templatetags/same_for_everyone.py), applied without marking the template. Escaping does
not change such a run: Django marks the translation of a literal safe, as it is in the template. The
run is written with the request's own context on first use; after a changed setting (tests) it is
written anew. Blocks, conditions, loops and includes keep their own nodes: only the runs inside them
are folded, so `{% extends %}` and `{% block %}` work as before.

Two more costs of every page are paid once per template: `{% url %}` of a literal name without
arguments is reversed once (`AddressNode`), and a root template's blocks are looked up once
(`CompiledNodeList`) instead of on every `{% extends %}` (docs/performance.md, "The page shell's
lookups").
"""

from django.core.signals import setting_changed
from django.template import Node, NodeList
from django.template.base import TextNode, Variable
from django.template.defaulttags import CommentNode, IfNode, LoadNode, URLNode
from django.template.loaders import base, cached
from django.templatetags.i18n import TranslateNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

# Moved on when a setting changes (tests: languages, catalogues): no run written before is used again.
_settings_changed = 0


def literal(expression) -> bool:
    """A filter expression that is a quoted string without filters."""
    value = expression.var
    return not expression.filters and (
        isinstance(value, str) or (isinstance(value, Variable) and value.literal is not None and value.lookups is None)
    )


def _translation_of_a_literal(node) -> bool:
    return (
        isinstance(node, TranslateNode)
        and node.asvar is None
        and literal(node.filter_expression)
        and (node.message_context is None or literal(node.message_context))
    )


def fixed(node) -> bool:
    """Text, a comment, `{% load %}` or `{% translate %}` of a literal: the same for every request in a language."""
    return isinstance(node, TextNode | CommentNode | LoadNode) or _translation_of_a_literal(node)


class FixedWordingNode(Node):
    """A run of fixed nodes, written once per language and then served as it was written."""

    def __init__(self, nodes):
        self.nodelist = NodeList(nodes)
        self.token, self.origin = nodes[0].token, nodes[0].origin
        self.written: dict[tuple, str] = {}

    def render(self, context):
        key = (_settings_changed, get_language())
        text = self.written.get(key)
        if text is None:
            # Two threads may write the same run at once: the same text, one of them is kept.
            text = self.written.setdefault(key, self.nodelist.render(context))
        return text

    def __repr__(self):
        return f"<{self.__class__.__qualname__}: {len(self.nodelist)} nodes>"


class AddressNode(URLNode):
    """`{% url "name" %}` or `{% url "name" as variable %}` of a literal name without arguments: reversed
    once per URLconf, script prefix, language and current application (all a reversal depends on), then
    served as reversed. A page's links to lists and forms (the Bureau queue's three, "Mijn vragen"'s
    three) each cost a reversal on every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reversed: dict[tuple, str] = {}

    @classmethod
    def of(cls, node: URLNode) -> "AddressNode":
        address = cls(node.view_name, node.args, node.kwargs, node.asvar)
        address.token, address.origin = node.token, node.origin
        return address

    def render(self, context):
        try:  # as Django's own {% url %} finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (_settings_changed, get_urlconf(), get_script_prefix(), get_language(), current_app)
        url = self.reversed.get(key)
        if url is None:
            try:
                url = reverse(self.view_name.resolve(context), current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""  # as `{% url … as … %}` leaves it
            self.reversed[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def fold(nodelist: NodeList) -> None:
    """Fold the runs of fixed nodes in `nodelist` and in every node list below it, in place, and put an
    `AddressNode` in the place of each `{% url %}` of a literal name without arguments."""
    for node in nodelist:
        if isinstance(node, IfNode):  # its branches, not its `nodelist` (a new list on every access)
            for _condition, branch in node.conditions_nodelists:
                fold(branch)
            continue
        for name in node.child_nodelists:
            child = getattr(node, name, None)
            if isinstance(child, NodeList):
                fold(child)
    folded, run = [], []
    for node in [*nodelist, None]:
        if type(node) is URLNode and not node.args and not node.kwargs and literal(node.view_name):
            node = AddressNode.of(node)
        if node is not None and fixed(node):
            run.append(node)
            continue
        if any(isinstance(each, TranslateNode) for each in run):
            folded.append(FixedWordingNode(run))
        else:
            folded.extend(run)
        run = []
        if node is not None:
            folded.append(node)
    nodelist[:] = folded


class CompiledNodeList(NodeList):
    """A kept template's own nodes, which never change once it is compiled: the nodes of a type are looked
    up once. `{% extends %}` asks its root template (base.html) for all of its blocks on every render,
    a walk through every node of the page shell (some fifty calls a page)."""

    def __init__(self, nodes):
        super().__init__(nodes)
        self.contains_nontext = getattr(nodes, "contains_nontext", False)
        self._by_type: dict[type, list] = {}

    def get_nodes_by_type(self, nodetype):
        found = self._by_type.get(nodetype)
        if found is None:
            found = self._by_type.setdefault(nodetype, super().get_nodes_by_type(nodetype))
        return list(found)  # the caller's own list, as before


class _Folding(base.Loader):
    """Folds each template as it is compiled, before the cached loader keeps it: no request ever
    renders a template while it is being folded."""

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        fold(template.nodelist)
        template.nodelist = CompiledNodeList(template.nodelist)
        return template


class Loader(cached.Loader, _Folding):
    """`django.template.loaders.cached.Loader` (the default loader) with each template folded once."""


def settings_generation() -> int:
    """Moves on with every changed setting: HTML kept under it is written anew after a change (tests)."""
    return _settings_changed


def _forget(**kwargs):
    global _settings_changed
    _settings_changed += 1


setting_changed.connect(_forget)

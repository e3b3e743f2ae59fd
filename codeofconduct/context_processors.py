from django.utils.functional import SimpleLazyObject


def to_read(request):
    """`nav_to_read.count`: how many current versions the person still has to acknowledge (navigation badge).

    Lazy: computed only when a template asks, once per request.
    """

    def compute():
        from codeofconduct.selectors.reading import to_read_count

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"count": 0}
        return {"count": to_read_count(user)}

    return {"nav_to_read": SimpleLazyObject(compute)}

"""``Cache-Control: no-store`` on every page for a signed-in user and on every JSON response, so
that neither a shared browser cache nor a proxy keeps scoped figures or police text."""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        is_json = response.get("Content-Type", "").split(";")[0].strip().endswith("json")
        if signed_in or is_json:
            patch_cache_control(response, no_store=True, private=True, max_age=0)
            response.headers.pop("Expires", None)
        return response

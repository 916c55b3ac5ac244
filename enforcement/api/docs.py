"""The API's documentation pages, with the Content-Security-Policy their bundles need.

Swagger UI is served split (``SpectacularSwaggerSplitView``): its start-up script comes from the same
URL with ``?script``, so no inline script is needed. Both bundles still put inline ``<style>`` elements
into the page, and ReDoc starts its search in a worker made from a ``blob:`` URL; only these pages get
that, through django-csp's ``csp_replace`` (a replaced ``style-src`` carries no nonce, because a nonce
would make browsers ignore ``'unsafe-inline'``). ReDoc's page is overridden without its Google fonts
(templates/drf_spectacular/redoc.html): court networks are closed, and the policy would block them.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

SWAGGER_POLICY = {"style-src": [SELF, UNSAFE_INLINE]}
REDOC_POLICY = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

swagger_ui = csp_replace(SWAGGER_POLICY)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
redoc = csp_replace(REDOC_POLICY)(SpectacularRedocView.as_view(url_name="api-schema"))

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from lifeline.ops import views as ops_views
from lifeline.web import views as web_views

# /api/... errors are problem+json; pages get Django's (templates/404.html, 500.html if any).
handler400 = "lifeline.ops.views.bad_request"
handler404 = "lifeline.ops.views.page_not_found"
handler500 = "lifeline.ops.views.server_error"

urlpatterns = [
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files and its init script as a file of
    # its own (/api/docs/?script=): the CSP allows no CDN and no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="web/swagger_ui.html"),
        name="swagger-ui",
    ),
    path("api/health/", include("lifeline.ops.urls")),
    # Loopback / LIFELINE_METRICS_ALLOWED_CIDRS or a bearer LIFELINE_METRICS_TOKEN only.
    path("metrics", ops_views.metrics, name="prometheus-django-metrics"),
    # Django's switch, which also saves the choice on a signed-in user's account.
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("clinic/", include("lifeline.clinic.urls")),
    path("chat/", include("lifeline.chat.urls")),
    path("sos/", include("lifeline.sos.web.urls")),
    path("ambulance/", include("lifeline.ambulance.web.urls")),
    path("freelance/", include("lifeline.freelance.web.urls")),
    path("fieldservice/", include("lifeline.fieldservice.web.urls")),
    path("market/", include("lifeline.market.web.urls")),
    path("channels/", include("lifeline.content.web.urls")),
    path("", include("lifeline.web.urls")),
]

if settings.DEBUG:
    urlpatterns += []

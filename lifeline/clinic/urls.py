"""Web pages of the clinic module (included by config/urls.py under /clinic/)."""

from lifeline.clinic.web.urls import app_name, urlpatterns

__all__ = ["app_name", "urlpatterns"]

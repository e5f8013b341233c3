"""REST endpoints of the clinic module (included by config/api_urls.py), one file per part."""

from lifeline.clinic.api import urls_care, urls_documents, urls_engine

app_name = "clinic"

urlpatterns = [*urls_engine.urlpatterns, *urls_care.urlpatterns, *urls_documents.urlpatterns]

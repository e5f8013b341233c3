"""Web pages of the clinic module (included by config/urls.py under /clinic/)."""

from lifeline.clinic.views import urls_care, urls_documents

app_name = "clinic-web"

urlpatterns = [*urls_care.urlpatterns, *urls_documents.urlpatterns]

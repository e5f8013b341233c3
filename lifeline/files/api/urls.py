from django.urls import path

from lifeline.files.api import views

app_name = "files"
urlpatterns = [
    path("", views.FileUploadApi.as_view(), name="file-upload"),
    path("<uuid:file_id>/", views.FileDetailApi.as_view(), name="file-detail"),
    path("<uuid:file_id>/download/", views.FileDownloadApi.as_view(), name="file-download"),
    path("uploads/", views.UploadCreateApi.as_view(), name="upload-create"),
    path("uploads/<uuid:upload_id>/", views.UploadDetailApi.as_view(), name="upload-detail"),
]

from django.urls import path

from lifeline.ops import views

app_name = "ops"
urlpatterns = [
    path("", views.LivenessView.as_view(), name="health"),
    path("ready/", views.ReadinessView.as_view(), name="ready"),
]

"""/api/v1/content/."""

urlpatterns: list = []

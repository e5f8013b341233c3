app_name = "content-web"
urlpatterns: list = []

from django.urls import include, path

urlpatterns = [
    path("api/", include("guanjia.api_urls")),
]

"""The project's URLs plus the working-day clock's pages and API, for the calendar tests."""

from django.urls import include, path

from guanjia.core.urls_calendar import api_urlpatterns
from guanjia.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("calendar/", include("guanjia.core.urls_calendar")),
    path("api/v1/", include(api_urlpatterns)),
    *project_urlpatterns,
]

"""URLs of the working-day clock: `urlpatterns` for the pages (under /calendar/), `api_urlpatterns` (under /api/v1/)."""

from django.urls import path

from guanjia.core import api_calendar, views_calendar

app_name = "calendar"
urlpatterns = [
    path("", views_calendar.WorkingDayCalculatorView.as_view(), name="calculator"),
    path("years/", views_calendar.HolidayYearsView.as_view(), name="years"),
]

api_urlpatterns = [
    path("calendar/add-working-days/", api_calendar.AddWorkingDaysView.as_view(), name="api-calendar-add-working-days"),
]

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from guanjia.org import views as org_views

urlpatterns = [
    path("", org_views.HomeView.as_view(), name="home"),
    path("accounts/login/", org_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(
        template_name="org/password_change.html", success_url="/"), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("enterprises/", include("guanjia.enterprises.urls")),
    path("projects/", include("guanjia.projects.urls")),
    path("org/", include("guanjia.org.urls")),
    path("calendar/", include("guanjia.core.urls_calendar")),
    path("requests/", include("guanjia.requests.urls")),
    path("meetings/", include("guanjia.meetings.urls")),
    path("notifications/", include("guanjia.notifications.urls")),
    path("reports/", include("guanjia.reports.urls")),
    path("api/", include("guanjia.api_urls")),
]

from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from guanjia.accounts import views as accounts_views
from guanjia.org import views as org_views

handler400 = "guanjia.core.middleware.bad_request"
handler403 = "guanjia.core.error_views.permission_denied"
handler404 = "guanjia.core.error_views.page_not_found"

urlpatterns = [
    path("", org_views.HomeView.as_view(), name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (a JSON answer, the schema). Lazy: in
    # production the hashed name is read from collectstatic's manifest, which `check` runs before.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("guanjia/favicon.svg"), permanent=True)),
    path("accounts/login/", org_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("guanjia.accounts.urls")),
    path("i18n/setlang/", org_views.set_language, name="set_language"),  # also kept as the person's setting
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("enterprises/", include("guanjia.enterprises.urls")),
    path("projects/", include("guanjia.projects.urls")),
    path("org/", include("guanjia.org.urls")),
    path("calendar/", include("guanjia.core.urls_calendar")),
    path("worklist/", include("guanjia.workflow.urls")),
    path("requests/", include("guanjia.requests.urls")),
    path("meetings/", include("guanjia.meetings.urls")),
    path("approvals/", include("guanjia.approvals.urls")),
    path("promotion/", include("guanjia.promotion.urls")),
    path("notifications/", include("guanjia.notifications.urls")),
    path("reports/", include("guanjia.reports.urls")),
    path("targets/", include("guanjia.targets.urls")),
    path("api/", include("guanjia.api_urls")),
]

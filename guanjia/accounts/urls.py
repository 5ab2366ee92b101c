from django.urls import path

from guanjia.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.MyTokensView.as_view(), name="tokens"),
    path("sign-in-log/", views.SignInLogView.as_view(), name="sign-in-log"),
    path("sign-in-log/export/", views.SignInLogExportView.as_view(), name="sign-in-log-export"),
]

from django.urls import path

from villageaid.accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("me/", views.profile, name="profile"),
]

from django.urls import path

from villageaid.policy import views

urlpatterns = [
    path("", views.version_list, name="policy-list"),
    path("new/", views.version_new, name="policy-new"),
]

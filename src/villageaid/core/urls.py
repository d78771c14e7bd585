from django.urls import path

from villageaid.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
    path("areas/", views.areas, name="areas"),
]

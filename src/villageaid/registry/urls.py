from django.urls import path

from villageaid.registry import views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/<int:pk>/", views.household_card, name="household-card"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
]

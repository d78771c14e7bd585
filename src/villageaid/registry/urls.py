from django.urls import path

from villageaid.registry import transfer_views, views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/<int:pk>/", views.household_card, name="household-card"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("imports/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("transfers/", transfer_views.transfer_list, name="transfer-list"),
    path("transfers/new/", transfer_views.transfer_new, name="transfer-new"),
    path("transfers/<int:pk>/approve/", transfer_views.transfer_approve, name="transfer-approve"),
    path("transfers/<int:pk>/reject/", transfer_views.transfer_reject, name="transfer-reject"),
]

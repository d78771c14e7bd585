from django.urls import path

from villageaid.sales import views

urlpatterns = [
    path("", views.today, name="sales-today"),
    path("lots/", views.lot_list, name="sales-lots"),
    path("lots/<int:pk>/", views.lot_detail, name="sales-lot"),
    path("lots/<int:pk>/label/", views.lot_label, name="sales-lot-label"),
    path("p/lot/<str:token>/", views.lot_public, name="sales-lot-public"),
    path("live/", views.live_list, name="sales-live-list"),
    path("live/<int:pk>/", views.live_host, name="sales-live"),
    path("live/<int:pk>/counter/", views.live_counter, name="sales-live-counter"),
    path("groups/", views.group_pick_lists, name="sales-groups"),
    path("groups/<int:pk>/verify/", views.group_verify, name="sales-group-verify"),
    path("ledger/", views.ledger, name="sales-ledger"),
    path("purchases/export.csv", views.purchases_csv, name="sales-purchases-csv"),
    path("purchases/export.xlsx", views.purchases_xlsx, name="sales-purchases-xlsx"),
    path("runs/<int:pk>/", views.run_sheet, name="sales-run"),
]

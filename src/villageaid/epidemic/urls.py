from django.urls import path

from villageaid.epidemic import returnee_views, views

urlpatterns = [
    path("", views.overview, name="epidemic-overview"),
    path("gate/", views.gate_index, name="epidemic-gate"),
    path("gate/<int:checkpoint_id>/", views.gate_entry, name="epidemic-gate-entry"),
    path("passages/", views.passage_list, name="epidemic-passages"),
    path("passages/bulk/", views.passage_bulk, name="epidemic-passage-bulk"),
    path("workers/", views.worker_list, name="epidemic-workers"),
    path("rounds/", views.round_sheet, name="epidemic-rounds"),
    path("disinfection/", views.disinfection, name="epidemic-disinfection"),
    path("supplies/", views.supplies, name="epidemic-supplies"),
    path("alerts/", views.alerts, name="epidemic-alerts"),
    path("returnees/", returnee_views.returnee_list, name="epidemic-returnees"),
    path("returnees/new/", returnee_views.returnee_new, name="epidemic-returnee-new"),
    path("returnees/<int:pk>/", returnee_views.returnee_detail, name="epidemic-returnee"),
    path("closure/", returnee_views.closure, name="epidemic-closure"),
]

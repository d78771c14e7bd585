from django.urls import path

from villageaid.greenhouse import planning_views, views

urlpatterns = [
    path("", views.park, name="greenhouse-park"),
    path("tiles/", views.park_tiles, name="greenhouse-tiles"),
    path("houses/<int:pk>/", views.house_detail, name="greenhouse-house"),
    path("houses/<int:pk>/override/", views.house_override, name="greenhouse-override"),
    path("alerts/", views.alert_list, name="greenhouse-alerts"),
    path("alerts/<int:pk>/", views.alert_ack, name="greenhouse-alert"),
    path("harvests/", views.harvest_new, name="greenhouse-harvest"),
    path("investment/", planning_views.investment_page, name="greenhouse-investment"),
    path("what-if/", planning_views.whatif_page, name="greenhouse-whatif"),
]

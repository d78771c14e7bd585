from django.urls import path

from villageaid.visits import views, work_views

urlpatterns = [
    path("today/", views.visits_today, name="visits-today"),
    path("households/<int:pk>/visit/", views.visit_new, name="visit-new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("coverage/", views.coverage, name="visits-coverage"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("points/", views.points_ranking, name="points-ranking"),
    path("party/", views.party, name="party-visits"),
    path("pairing/", work_views.pairing, name="visits-pairing"),
    path("condolences/new/", work_views.condolence_new, name="condolence-new"),
    path("points/claims/", work_views.points_claims, name="points-claims"),
    path("points/ledger/", work_views.points_ledger, name="points-ledger"),
]

from django.urls import path

from villageaid.registry import views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/<int:pk>/", views.household_card, name="household-card"),
]

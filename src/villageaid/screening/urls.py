from django.urls import path

from villageaid.screening import views

urlpatterns = [
    path("clues/", views.clue_list, name="screening-clue-list"),
    path("clues/<int:pk>/", views.clue_detail, name="screening-clue-detail"),
    path("clues/<int:pk>/link/", views.clue_link, name="screening-clue-link"),
    path("runs/", views.run_list, name="screening-run-list"),
    path("runs/start/", views.run_new, name="screening-run-start"),
    path("runs/<int:pk>/", views.run_detail, name="screening-run-detail"),
    path("datasets/", views.dataset_list, name="screening-dataset-list"),
    path("datasets/upload/", views.dataset_new, name="screening-dataset-upload"),
    path("catalogue/", views.catalogue, name="screening-catalogue"),
    path("catalogue/edit/", views.catalogue_edit, name="screening-catalogue-edit"),
]

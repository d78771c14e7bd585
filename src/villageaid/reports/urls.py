from django.urls import path

from villageaid.reports import views

urlpatterns = [
    path("scorecard/", views.scorecard, name="scorecard"),
    path("scorecard.xlsx", views.scorecard_xlsx, name="scorecard-xlsx"),
    path("scorecard.pdf", views.scorecard_pdf, name="scorecard-pdf"),
    path("brief/", views.work_brief, name="work-brief"),
]

from django.urls import path

from villageaid.cases import endings_views, views, worksheet_views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_open, name="case-open"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/act/", views.case_act, name="case-act"),
    path("<int:pk>/verify/", views.case_verify, name="case-verify"),
    path("<int:pk>/measures/", views.case_measures, name="case-measures"),
    path("<int:pk>/eliminate/", views.case_eliminate, name="case-eliminate"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("declarations/", views.declaration_list, name="declaration-list"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("declare/<str:village_code>/", views.declare, name="case-declare"),
    path("declare/<str:village_code>/qr.svg", views.declare_qr, name="case-declare-qr"),
    path("from-clue/<int:clue_id>/", views.case_open_clue, name="case-open-clue"),
    path("clues/", endings_views.clue_list, name="clue-endings"),
    path("clues/no-risk/", endings_views.clue_no_risk, name="clue-no-risk"),
    path("corrections/", endings_views.correction_list, name="corrections"),
    path("corrections/new/", endings_views.correction_new, name="correction-new"),
    path("worksheet/<int:pk>/", worksheet_views.worksheet_page, name="case-worksheet"),
    path("worksheet/<int:pk>.pdf", worksheet_views.worksheet_pdf, name="case-worksheet-pdf"),
]

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "villageaid.reports"
    label = "reports"

from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "villageaid.sales"
    label = "sales"

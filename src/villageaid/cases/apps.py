from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "villageaid.cases"
    label = "cases"

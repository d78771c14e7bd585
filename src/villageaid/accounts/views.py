from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from villageaid.core import access, roles


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Each role lands on the list of what it must do today (core.roles.LANDING)."""
        role = getattr(self.request.user, "role", "")
        return reverse(roles.LANDING.get(role, "home"))


login = access.public(LoginView.as_view())
logout = access.public(require_POST(auth_views.LogoutView.as_view()))


@access.login_only
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"areas": request.user.areas.all()})  # type: ignore[union-attr]

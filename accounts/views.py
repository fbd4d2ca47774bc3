from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import member_offices


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by e-mail; the message goes out in the account's own language."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


def profile(request: HttpRequest) -> HttpResponse:
    offices = member_offices(request.user).order_by("name")
    return render(request, "accounts/profile.html", {"offices": offices})

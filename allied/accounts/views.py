"""Signing in and out, two-factor authentication, passwords, invitations and roles."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts import actions, throttle, totp
from allied.accounts.access import member_of, organisation_for
from allied.accounts.forms import AcceptInvitationForm, CodeForm, InviteForm, RolesForm, SignInForm
from allied.accounts.models import ApiToken, Invitation, Membership, Role, User
from allied.accounts.throttle import sign_in_failed, sign_in_refusal, sign_in_succeeded
from allied.audit.log import record
from allied.audit.models import Kind

PENDING_USER = "allied_pending_user"
PENDING_AT = "allied_pending_at"
PENDING_NEXT = "allied_pending_next"
PENDING_SECONDS = 5 * 60


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return fallback


@sensitive_post_parameters("password")
def sign_in(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    form = SignInForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        refusal = sign_in_refusal(request, email)
        if refusal:
            record(Kind.SIGN_IN_REFUSED, request=request, email=email)
            form.add_error(None, refusal.message)
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                sign_in_failed(request, email)
                record(Kind.SIGN_IN_FAILED, request=request, email=email)
                form.add_error(None, "Enter a correct email address and password")
            elif TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
                request.session.cycle_key()
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_AT] = time.time()
                request.session[PENDING_NEXT] = _safe_next(request, reverse("web:dashboard"))
                return redirect("accounts:two_factor")
            else:
                login(request, user)
                return sign_in_succeeded(
                    request, redirect(_safe_next(request, reverse("web:dashboard"))), email
                )
    response = render(
        request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request, "")}
    )
    return throttle.refused(response, refusal)


@sensitive_post_parameters("code")
def two_factor(request):
    """The second step of signing in, for people with an authenticator app set up."""
    user_id, started = request.session.get(PENDING_USER), request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - started > PENDING_SECONDS:
        messages.info(request, "Sign in again: the time to enter your security code ran out.")
        return redirect("accounts:sign_in")
    user = get_object_or_404(User, pk=user_id, is_active=True)
    form = CodeForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        # The password was right moments ago: the code step is not paced again.
        refusal = sign_in_refusal(request, user.email, paced=False)
        if refusal:
            record(Kind.SIGN_IN_REFUSED, request=request, actor=user, email=user.email)
            form.add_error(None, refusal.message)
        else:
            device = totp.verify(user, form.cleaned_data["code"])
            if device is None:
                sign_in_failed(request, user.email)
                record(Kind.TWO_FACTOR_FAILED, request=request, actor=user, email=user.email)
                form.add_error(
                    "code",
                    "The security code is not right. Check your authenticator app and try again",
                )
            else:
                target = request.session.get(PENDING_NEXT) or reverse("web:dashboard")
                for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
                    request.session.pop(key, None)
                login(request, user, backend="allied.accounts.backends.EmailBackend")
                otp_login(request, device)
                return sign_in_succeeded(request, redirect(target), user.email)
    return throttle.refused(render(request, "accounts/two_factor.html", {"form": form}), refusal)


@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Sets up an authenticator app; or, when one is set up but this session has not used
    it (a role needing it was granted after sign-in), asks for a code."""
    user = request.user
    if user.is_verified():
        messages.info(request, "Two-factor authentication is already set up for your account.")
        return redirect("accounts:account")
    confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    device = confirmed or totp.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.verify_device(device, form.cleaned_data["code"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record(Kind.TWO_FACTOR_SET_UP, request=request, email=user.email)
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is set up.")
            return redirect("web:dashboard")
        record(Kind.TWO_FACTOR_FAILED, request=request, email=user.email)
        form.add_error(
            "code",
            "The security code is not right. Check the time on your phone is correct and try again",
        )
    context = {"form": form, "confirmed": bool(confirmed)}
    if not confirmed:
        context.update(secret=totp.secret_base32(device), qr_svg=totp.qr_svg(device, user))
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:sign_in")


@login_required
@require_POST
def sign_out_everywhere(request):
    actions.sign_out_everywhere(user=request.user, request=request)
    record(Kind.SIGN_OUT_EVERYWHERE, request=request, email=request.user.email)
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:sign_in")


@login_required
def account(request):
    has_two_factor = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists()
    memberships = request.user.memberships.select_related("organisation")
    tokens = ApiToken.objects.usable_by(request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "has_two_factor": has_two_factor,
            "memberships": memberships,
            "tokens": tokens,
            "token_days": settings.API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revokes one of the person's own API tokens; anyone else's is not found."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if actions.token_revoke(token=token, by=request.user, request=request):
        messages.success(request, f"The API token “{token.name or 'API token'}” has been revoked.")
    else:
        messages.info(request, "That API token had already ended.")
    return redirect("accounts:account")


@login_required
@sensitive_post_parameters()
def password_change(request):
    """Changes the password and keeps this session; every other session ends."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        actions.password_changed(user=user, request=request)
        messages.success(
            request,
            "Your password has been changed. You have been signed out on your other devices, "
            "and your API tokens have ended.",
        )
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")
    extra_email_context = None

    def form_valid(self, form):
        refusal = throttle.password_reset_refusal(self.request)
        if refusal:
            form.add_error(None, refusal.message)
            return throttle.refused(self.form_invalid(form), refusal)
        email = form.cleaned_data["email"]
        record(Kind.PASSWORD_RESET_REQUESTED, request=self.request, email=email)
        if not throttle.password_reset_may_email(self.request, email):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.password_changed(user=self.user, reset=True, request=self.request)
        return response


def invitation(request, token: str):
    """Accepting an invitation: a newcomer creates their account; someone with an account
    signs in as that account and confirms."""
    refusal = throttle.guess_refusal(request)
    if refusal:
        page = render(request, "accounts/too_many_attempts.html", {"refusal": refusal})
        return throttle.refused(page, refusal)
    invite = Invitation.open_for_token(token)
    if invite is None:
        throttle.guess_failed(request)
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invite.email).first()
    if existing:
        if not request.user.is_authenticated:
            messages.info(request, f"Sign in as {invite.email} to accept your invitation.")
            return redirect(f"{reverse('accounts:sign_in')}?next={request.path}")
        if request.user != existing:
            return render(
                request, "accounts/invitation_other_account.html", {"invite": invite}, status=403
            )
        if request.method == "POST":
            try:
                actions.invitation_accept(invitation=invite, user=existing, request=request)
            except actions.InvitationClosed:
                return render(request, "accounts/invitation_invalid.html", status=404)
            messages.success(request, _accepted(invite))
            return _landing(request, invite)
        return render(request, "accounts/invitation_confirm.html", {"invite": invite})
    form = AcceptInvitationForm(request.POST or None, email=invite.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    invite.email,
                    form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"].strip(),
                )
                actions.invitation_accept(invitation=invite, user=user, request=request)
        except IntegrityError:
            # Someone accepted the same link a moment ago, from another tab.
            return redirect(request.path)
        except actions.InvitationClosed:
            # Withdrawn since the page was shown: no account is made either.
            return render(request, "accounts/invitation_invalid.html", status=404)
        login(request, user, backend="allied.accounts.backends.EmailBackend")
        messages.success(request, f"Welcome to Allied. {_accepted(invite)}")
        return _landing(request, invite)
    return render(request, "accounts/invitation_new.html", {"invite": invite, "form": form})


def _accepted(invite: Invitation) -> str:
    if invite.about:
        return f"You have accepted the invitation to join {invite.about}."
    return f"You are now a {invite.get_role_display().lower()} in {invite.organisation.name}."


def _landing(request, invite: Invitation):
    """The page the invitation leads to (a path on this site), or the dashboard."""
    if invite.landing and url_has_allowed_host_and_scheme(
        invite.landing, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(invite.landing)
    return redirect("web:dashboard")


MANAGERS = (Role.ORG_ADMIN, Role.COORDINATOR)


@login_required
def people(request, org: str):
    organisation = organisation_for(request, org, *MANAGERS)
    rows: dict[int, dict] = {}
    for membership in (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name")
    ):
        row = rows.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        row["roles"].append(membership.get_role_display())
    invitations = organisation.invitations.open().select_related("invited_by")
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "rows": list(rows.values()),
            "invitations": invitations,
            "is_admin": Role.ORG_ADMIN in request.organisation_roles,
        },
    )


@login_required
def person_roles(request, org: str, user_id: int):
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    person = member_of(organisation, user_id)
    current = person.roles_in(organisation)
    # Unticking every role posts no field at all: a POST is bound even when empty.
    form = RolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": sorted(current)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            granted, removed = actions.membership_set_roles(
                organisation=organisation,
                user=person,
                roles=set(form.cleaned_data["roles"]),
                by=request.user,
                request=request,
            )
        except actions.LastAdminError:
            form.add_error(
                "roles",
                "Every organisation needs at least one organisation admin. Make someone else an admin first",
            )
        else:
            if granted or removed:
                messages.success(request, f"Roles for {person.full_name} have been updated.")
            return redirect("accounts:people", org)
    return render(
        request,
        "accounts/person_roles.html",
        {"organisation": organisation, "person": person, "form": form},
    )


@login_required
def invite(request, org: str):
    organisation = organisation_for(request, org, *MANAGERS)
    allowed: set[str] = set()
    for role in request.organisation_roles:
        allowed |= Role.MAY_INVITE.get(role, set())
    form = InviteForm(request.POST or None, allowed_roles=allowed)
    if request.method == "POST" and form.is_valid():
        actions.invitation_send(
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
            request=request,
        )
        messages.success(request, f"An invitation has been sent to {form.cleaned_data['email']}.")
        return redirect("accounts:people", org)
    return render(request, "accounts/invite.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def invitation_withdraw(request, org: str, pk: int):
    organisation = organisation_for(request, org, *MANAGERS)
    invite_obj = organisation.invitations.filter(pk=pk).first()
    if invite_obj is None:
        raise Http404
    actions.invitation_withdraw(invitation=invite_obj, by=request.user, request=request)
    messages.success(request, f"The invitation to {invite_obj.email} has been withdrawn.")
    return redirect("accounts:people", org)

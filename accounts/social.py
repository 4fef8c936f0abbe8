"""Sign-in and sign-up through social providers, with django-allauth.

allauth signs users in with `django.contrib.auth.login()`, so the pending
sign-in starts exactly as after the password form and the middleware holds
the session at the second step or at set-up. Nothing here special-cases
that; these adapters only make allauth create accounts as sign-up does and
keep its messages and pages out of the way.
"""

import logging

from django import forms
from django.contrib import messages
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.forms import SignupForm
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.signals import social_account_added

from accounts.models import User, normalize_email, time_zone_choices
from security.events import Kind, record_event
from security.mail import send_security_email
from security.second_step import two_step_enabled
from security.signals import password_changed
from workspace.membership import create_workspace
from workspace.validators import validate_one_line_name

logger = logging.getLogger(__name__)

# allauth's own notes on signing in and out; our pages say what matters.
_QUIET_MESSAGES = {
    "account/messages/logged_in.txt",
    "account/messages/logged_out.txt",
}


class AccountAdapter(DefaultAccountAdapter):
    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in _QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def respond_user_inactive(self, request, user):
        messages.error(request, "This account is turned off. Ask an admin for help.")
        return redirect("accounts:sign_in")


def social_providers(request) -> list:
    """The providers offered: those with a client id and secret configured."""
    return get_social_adapter(request).list_providers(request)


def default_workspace_name(user) -> str:
    owner = user.get_short_name().split("@")[0]
    return f"{owner}'s workspace"


class SocialSignUpForm(SignupForm):
    """Shown when a provider's sign-up needs more: e.g. no email address."""

    name = forms.CharField(
        max_length=150, label="Your name", validators=[validate_one_line_name]
    )
    workspace_name = forms.CharField(
        max_length=150, label="Workspace name", validators=[validate_one_line_name]
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.sociallogin.user
        self.fields["name"].initial = user.name
        self.fields["workspace_name"].initial = default_workspace_name(user)

    def clean_email(self):
        # An address typed here is nobody's proof of owning the mailbox, and
        # the account it makes would receive that mailbox's codes and resets.
        email = normalize_email(super().clean_email())
        verified = {
            normalize_email(address.email)
            for address in self.sociallogin.email_addresses
            if address.verified
        }
        if email not in verified:
            raise forms.ValidationError(
                "Use an address your provider has verified, or sign up with a "
                "password on the sign-up page.",
                code="email_unverified",
            )
        return email


class ProviderNotSetUp(SocialApp.DoesNotExist, Http404):
    """A provider with no client id and secret: its pages do not exist."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise ProviderNotSetUp("This sign-in provider is not set up.") from None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = normalize_email(user.email)
        full_name = " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.name = (data.get("name") or full_name or "")[:150]
        return user

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        """Create the user, without a password, and the workspace they run."""
        if form is not None:
            sociallogin.user.name = form.cleaned_data["name"]
            sociallogin.user.time_zone = form.cleaned_data["time_zone"]
        user = super().save_user(request, sociallogin, form=form)
        if form is not None:
            workspace_name = form.cleaned_data["workspace_name"]
        else:
            workspace_name = default_workspace_name(user)
        create_workspace(name=workspace_name, owner=user, time_zone=user.time_zone)
        logger.info("User %s signed up through %s", user.pk, sociallogin.provider.id)
        return user

    def authenticate_by_email(self, sociallogin):
        """The account whose address is, now, one the provider verified.

        Only the user's own address counts, not allauth's record of
        addresses, which can still hold one the user has since changed.
        """
        for address in sociallogin.email_addresses:
            if not address.verified:
                continue
            if not self.can_authenticate_by_email(sociallogin, address.email):
                continue
            user = User.objects.filter(email=normalize_email(address.email)).first()
            if user is not None:
                return user, address.email
        return None

    def pre_social_login(self, request, sociallogin):
        if _matched_by_email(sociallogin):
            _secure_matched_account(request=request, sociallogin=sociallogin)


def _matched_by_email(sociallogin) -> bool:
    """An existing account found by its address, not by a linked provider."""
    return (
        sociallogin.state.get("process") != "connect"
        and sociallogin.is_existing
        and sociallogin.account.pk is None
    )


def _secure_matched_account(*, request, sociallogin) -> None:
    """Before a provider is linked to an account by its email address.

    Whoever registered the address here may not own the mailbox: allauth
    then clears the password, so that a squatter cannot keep a way in beside
    the owner. A user with two-step verification on has already received a
    code at this address, so the address counts as theirs. Otherwise, the
    password is cleared here, with the same consequences as any password
    change: other sessions and app tokens end and the user is told. Any
    provider linked before is unlinked too.
    """
    user = sociallogin.user
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    if verified or not user.has_usable_password():
        return
    if two_step_enabled(user):
        EmailAddress.objects.update_or_create(
            user=user,
            email=user.email,
            defaults={"verified": True, "primary": True},
        )
        return
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # A provider the squatter linked would be another way back in.
        unlinked, _ = SocialAccount.objects.filter(user=user).delete()
        password_changed.send(sender=type(user), user=user, request=request)
        record_event(
            kind=Kind.PASSWORD_CHANGED,
            user=user,
            request=request,
            reason="social_sign_in_by_email",
            providers_unlinked=unlinked,
        )
        send_security_email(
            user=user,
            event="account_claimed",
            request=request,
            provider=sociallogin.provider.name,
        )
    logger.info("Cleared the password of user %s linking a provider", user.pk)


@receiver(social_account_added, dispatch_uid="accounts.tell_about_linked_provider")
def tell_about_linked_provider(sender, request, sociallogin, **kwargs):
    """A provider is a way into the account: the owner hears of each one."""
    user = sociallogin.user
    record_event(
        kind=Kind.PROVIDER_LINKED,
        user=user,
        request=request,
        provider=sociallogin.provider.id,
    )
    send_security_email(
        user=user,
        event="provider_linked",
        request=request,
        provider=sociallogin.provider.name,
    )

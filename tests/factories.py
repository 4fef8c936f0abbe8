"""Test data, in one place."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

import factory

from accounts.models import User
from security import backup_codes
from security.models import TwoStep
from workspace.models import Membership, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


def enable_two_step_unchecked(user) -> list[str]:
    """Turn 2FA on directly, skipping the emailed code; returns backup codes."""
    TwoStep.objects.update_or_create(user=user, defaults={"enabled_at": timezone.now()})
    return backup_codes.replace_codes(user=user)


def last_emailed_code(to=None) -> str:
    """The 6-digit code in the newest email (to `to`, if given)."""
    for message in reversed(mail.outbox):
        if to is None or to in message.to:
            match = re.search(r"\b(\d{6})\b", message.body)
            if match:
                return match.group(1)
    raise AssertionError("No email with a code was sent.")


def make_setup_overdue_unchecked(user, *, days_ago=10, period_days=3):
    """Put `user`'s first workspace under a mandatory policy, deadline passed.

    Writes the policy and the joining date directly, skipping the admin's
    emailed code.
    """
    membership = user.memberships.select_related("workspace").order_by("pk").first()
    since = timezone.now() - timedelta(days=days_ago)
    membership.joined_at = since
    membership.save(update_fields=["joined_at"])
    workspace = membership.workspace
    workspace.two_step_required_since = since
    workspace.compliance_period_days = period_days
    workspace.save(update_fields=["two_step_required_since", "compliance_period_days"])
    return workspace

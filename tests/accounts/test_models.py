from django.db import IntegrityError

import pytest

from accounts.models import User, normalize_email


def test_normalize_email_trims_and_lower_cases():
    assert normalize_email("  Dana.Lee@Example.COM ") == "dana.lee@example.com"


def test_create_user_stores_the_normalized_address(db):
    user = User.objects.create_user(email=" Dana@Example.com", password="x" * 12)

    assert user.email == "dana@example.com"


def test_user_email_is_unique_whatever_its_case(db):
    User.objects.create_user(email="dana@example.com", password="x" * 12)

    with pytest.raises(IntegrityError):
        User.objects.create_user(email="DANA@example.com", password="x" * 12)


def test_user_email_is_unique_even_written_past_save(db):
    User.objects.create_user(email="dana@example.com", password="x" * 12)

    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="Dana@Example.com")])

import pytest
from django.contrib.auth.models import AnonymousUser

from guanjia.core.masking import can_see_phones, mask_phone
from guanjia.tests_support import factories as f


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("029-33221234", "029****1234"),
        ("+8613812345678", "+86****5678"),
        ("13812345678/029-33221234", "138****5678/029****1234"),
        ("13812345678、13987654321", "138****5678、139****4321"),
        ("12345", "***45"),
        ("110", "****"),
        ("138****5678", "138****5678"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_a_masked_number_never_shows_the_middle_digits():
    assert "1234" not in mask_phone("13812345678")


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", True),
        ("leader", True),
        ("butler1", True),
        ("ent1", True),
        ("unit1", False),
        ("supervisor", False),
    ],
)
def test_can_see_phones_by_role(world, who, sees):
    assert can_see_phones(world.users()[who]) is sees


def test_a_superuser_sees_phones_and_anonymous_or_inactive_people_do_not(db):
    assert can_see_phones(f.UserFactory(is_superuser=True, zone=None)) is True
    assert can_see_phones(AnonymousUser()) is False
    assert can_see_phones(None) is False
    assert can_see_phones(f.UserFactory(is_active=False, roles=["admin"])) is False
